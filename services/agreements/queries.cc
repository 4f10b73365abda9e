#include "services/agreements/queries.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/agreements/clocks.h"
#include "services/agreements/compiled.h"
#include "services/agreements/keys.h"
#include "services/agreements/rules.h"
#include "services/agreements/state.h"
#include "services/common/filter.h"
#include "services/common/pagination.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::queries {

using mops::internal::v1::PageCursor;
using storage::Cf;
using storage::Reader;

namespace {

filter::Value Bool(bool b) {
  return filter::Value::String(b ? "true" : "false");
}

filter::Schema AgreementSchema(const std::string& me) {
  return {
      {"state",
       {false, filter::EnumLiteral(v1::Agreement::State_descriptor(),
                                   "an agreement state")}},
      {"party", {false, filter::NameLiteral("teams/")}},
      {"liaison", {false, filter::UserLiteral(me)}},
  };
}

filter::Value AgreementField(const v1::Agreement& a, const std::string& field) {
  if (field == "state") return filter::Value::Int(a.state());
  std::vector<std::string> list;
  for (const v1::AgreementParty& p : a.parties()) {
    if (field == "party") {
      list.push_back(p.team());
    } else {
      list.insert(list.end(), p.liaisons().begin(), p.liaisons().end());
    }
  }
  return filter::Value::List(std::move(list));
}

const filter::Schema& ClockSchema() {
  static const filter::Schema* schema = new filter::Schema{
      {"state",
       {false, filter::EnumLiteral(v1::ClockCycle::State_descriptor(),
                                   "a clock state")}},
      {"term", {false, filter::ParseStringLiteral}},
      {"subject", {false, filter::ParseStringLiteral}},
      {"provider", {false, filter::NameLiteral("teams/")}},
      {"customer", {false, filter::NameLiteral("teams/")}},
      {"breached", {false, filter::ParseBoolLiteral}},
      {"at_risk", {false, filter::ParseBoolLiteral}},
  };
  return *schema;
}

filter::Value ClockField(const v1::Clock& c, const std::string& field) {
  if (field == "state") return filter::Value::Int(c.current().state());
  if (field == "term") return filter::Value::String(c.term());
  if (field == "subject") return filter::Value::String(c.subject());
  if (field == "provider") return filter::Value::String(c.provider());
  if (field == "customer") return filter::Value::String(c.customer());
  if (field == "breached") return Bool(c.current().has_breach());
  return Bool(c.at_risk());
}

// Terms of the versions clocks run on, loaded once per read.
class Terms {
 public:
  explicit Terms(const Reader& reader) : reader_(reader) {}
  absl::StatusOr<const v1::AgreementTerm*> Of(const v1::Clock& c) {
    ASSIGN_OR_RETURN(ClockRef ref, ParseClockName("clock", c.name()));
    auto key = std::make_pair(ref.agreement, c.agreement_version());
    auto it = versions_.find(key);
    if (it == versions_.end()) {
      ASSIGN_OR_RETURN(auto compiled, LoadCompiled(reader_, ref.agreement,
                                                   c.agreement_version()));
      it = versions_.emplace(key, std::move(compiled)).first;
    }
    const CompiledTerm* t = it->second->Term(c.term());
    return t == nullptr ? nullptr : t->term;
  }

 private:
  const Reader& reader_;
  std::map<std::pair<std::string, int64_t>,
           std::shared_ptr<const CompiledAgreement>>
      versions_;
};

}  // namespace

absl::Status GetAgreement::Run(const Reader& reader, const Principal&,
                               const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName("name", req.name()));
  ASSIGN_OR_RETURN(*out, LoadVersion(reader, ref.id, ref.version));
  return absl::OkStatus();
}

absl::Status ListAgreements::Run(const Reader& reader, const Principal& p,
                                 const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(
      filter::Filter f,
      filter::Filter::Parse(
          req.filter(), AgreementSchema(absl::StrCat("users/", p.user_id))));
  ASSIGN_OR_RETURN(
      PageRequest page,
      ParsePageRequest(req.page_size(), req.page_token(), keys::HeadPrefix()));
  std::string last;
  bool more = false;
  absl::Status failed;
  RETURN_IF_ERROR(reader.Scan(
      Cf::kRecords, keys::HeadPrefix(), page.after,
      [&](absl::string_view key, absl::string_view) {
        if (static_cast<size_t>(out->agreements_size()) == page.size) {
          more = true;
          return false;
        }
        last = std::string(key);
        storage::KeyReader r(key);
        r.Prefix();
        std::optional<std::string> id = r.Str();
        if (!id) return true;
        absl::StatusOr<v1::Agreement> a = LoadVersion(reader, *id, 0);
        if (!a.ok()) {
          failed = a.status();
          return false;
        }
        if (f.Matches([&](const std::string& field) {
              return AgreementField(*a, field);
            })) {
          *out->add_agreements() = *std::move(a);
        }
        return true;
      }));
  RETURN_IF_ERROR(failed);
  if (more) out->set_next_page_token(EncodePageToken(last));
  return absl::OkStatus();
}

absl::Status ListAgreementVersions::Run(const Reader& reader, const Principal&,
                                        const Request& req,
                                        Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName("parent", req.parent()));
  ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(reader, ref.id));
  if (!head) {
    return absl::NotFoundError(
        absl::StrCat("agreement \"", AgreementName(ref.id), "\" not found"));
  }
  ASSIGN_OR_RETURN(
      std::string next,
      ListInto(reader, Cf::kRecords, keys::VersionPrefix(ref.id),
               req.page_size(), req.page_token(), out->mutable_versions()));
  for (v1::Agreement& a : *out->mutable_versions()) {
    a.set_active_version(head->active_version());
  }
  out->set_next_page_token(std::move(next));
  return absl::OkStatus();
}

absl::Status GetClock::Run(const Reader& reader, const Principal&,
                           const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(ClockRef ref, ParseClockName("name", req.name()));
  ASSIGN_OR_RETURN(ClockRecord r, LoadClock(reader, ref.agreement, ref.clock));
  *out = std::move(*r.mutable_clock());
  Terms terms(reader);
  CalendarCache calendars(reader);
  ASSIGN_OR_RETURN(const v1::AgreementTerm* term, terms.Of(*out));
  return ForRead(calendars, term, clock->Now(), out);
}

absl::Status ListClocks::Run(const Reader& reader, const Principal&,
                             const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string agreement,
                   ParseId("parent", req.parent(), "agreements/*",
                           /*allow_wildcard=*/true));
  ASSIGN_OR_RETURN(const size_t page_size, ParsePageSize(req.page_size()));
  ASSIGN_OR_RETURN(filter::Filter f,
                   filter::Filter::Parse(req.filter(), ClockSchema()));
  ASSIGN_OR_RETURN(
      filter::OrderBy order,
      filter::ParseOrderBy(req.order_by(), {"start_time", "due_time"},
                           "start_time"));
  const std::string query =
      QueryFingerprint(req.parent(), req.filter(), req.order_by());
  ASSIGN_OR_RETURN(PageCursor cursor, DecodeCursor(req.page_token(), query));
  const std::string prefix =
      agreement == "-" ? keys::AllClocksPrefix() : keys::ClockPrefix(agreement);
  const absl::Time now = clock->Now();
  Terms terms(reader);
  CalendarCache calendars(reader);
  SortedPage<v1::Clock> page(order.desc, cursor, query, page_size);
  absl::Status failed;
  RETURN_IF_ERROR(storage::ScanParsed<ClockRecord>(
      reader, Cf::kRecords, prefix, "",
      [&](absl::string_view key, ClockRecord&& r) {
        v1::Clock c = std::move(*r.mutable_clock());
        absl::StatusOr<const v1::AgreementTerm*> term = terms.Of(c);
        failed = term.ok() ? ForRead(calendars, *term, now, &c) : term.status();
        if (!failed.ok()) return false;
        if (!f.Matches([&](const std::string& field) {
              return ClockField(c, field);
            })) {
          return true;
        }
        SortKey k;
        k.row = std::string(key);
        const bool by_due = order.field == "due_time";
        k.absent = by_due && !c.current().has_due_time();
        k.num = absl::ToUnixMicros(FromProtoTime(
            by_due ? c.current().due_time() : c.current().start_time()));
        page.Add(std::move(k), std::move(c));
        return true;
      }));
  RETURN_IF_ERROR(failed);
  out->set_next_page_token(page.Take(out->mutable_clocks()));
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::queries

#include "services/agreements/state.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/agreements/keys.h"
#include "services/calendars/calendars.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/workflows/workflows.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

using storage::Cf;
using storage::Reader;
using storage::Txn;

std::string AgreementName(absl::string_view id) {
  return absl::StrCat("agreements/", id);
}
std::string VersionName(absl::string_view id, int64_t version) {
  return absl::StrCat("agreements/", id, "/versions/", version);
}
std::string ClockName(absl::string_view agreement_id,
                      absl::string_view clock_id) {
  return absl::StrCat("agreements/", agreement_id, "/clocks/", clock_id);
}

absl::StatusOr<VersionRef> ParseAgreementName(absl::string_view field,
                                              absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  VersionRef ref;
  if (parts.size() >= 2 && parts[0] == "agreements" &&
      ValidateId(field, parts[1]).ok() &&
      (parts.size() == 2 ||
       (parts.size() == 4 && parts[2] == "versions" &&
        absl::SimpleAtoi(parts[3], &ref.version) && ref.version > 0))) {
    ref.id = std::string(parts[1]);
    return ref;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": \"", name,
                   "\" is not agreements/{agreement} or "
                   "agreements/{agreement}/versions/{number}"));
}

absl::StatusOr<ClockRef> ParseClockName(absl::string_view field,
                                        absl::string_view name) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids,
                   ParseName(field, name, "agreements/*/clocks/*"));
  return ClockRef{ids[0], ids[1]};
}

absl::StatusOr<std::optional<AgreementHead>> FindHead(const Reader& reader,
                                                      absl::string_view id) {
  AgreementHead h;
  ASSIGN_OR_RETURN(bool found,
                   reader.GetProto(Cf::kRecords, keys::Head(id), &h));
  if (!found) return std::nullopt;
  return h;
}

void SaveHead(Txn& txn, absl::string_view id, const AgreementHead& h) {
  txn.PutProto(Cf::kRecords, keys::Head(id), h);
}

absl::StatusOr<std::optional<std::string>> VersionBytes(const Reader& reader,
                                                        absl::string_view id,
                                                        int64_t version) {
  return reader.Get(Cf::kRecords, keys::Version(id, version));
}

absl::StatusOr<v1::Agreement> LoadVersion(const Reader& reader,
                                          absl::string_view id,
                                          int64_t version) {
  ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(reader, id));
  if (!head) {
    return absl::NotFoundError(
        absl::StrCat("agreement \"", AgreementName(id), "\" not found"));
  }
  const int64_t n = version > 0 ? version : head->latest_version();
  v1::Agreement a;
  ASSIGN_OR_RETURN(bool found,
                   reader.GetProto(Cf::kRecords, keys::Version(id, n), &a));
  if (!found) {
    return absl::NotFoundError(absl::StrCat(
        "agreement version \"", VersionName(id, n), "\" not found (",
        AgreementName(id), " has versions 1 to ", head->latest_version(), ")"));
  }
  a.set_active_version(head->active_version());
  return a;
}

void SaveVersion(Txn& txn, absl::string_view id, v1::Agreement* a) {
  a->set_name(AgreementName(id));
  a->set_etag(EtagOf(txn.revision()));
  if (!a->has_create_time()) *a->mutable_create_time() = ToProtoTime(txn.Now());
  *a->mutable_update_time() = ToProtoTime(txn.Now());
  // Computed from the head on read: a superseded version must not keep
  // saying which one was active when it was written.
  v1::Agreement stored = *a;
  stored.clear_active_version();
  txn.PutProto(Cf::kRecords, keys::Version(id, a->version()), stored);
}

void IndexActive(Txn& txn, absl::string_view id,
                 const std::vector<std::string>& types) {
  txn.Put(Cf::kIndex, keys::Active(id), "");
  for (const std::string& type : types) {
    txn.Put(Cf::kIndex, keys::ActiveByType(type, id), "");
  }
}

absl::Status UnindexActive(Txn& txn, absl::string_view id) {
  txn.Delete(Cf::kIndex, keys::Active(id));
  // Every type a version ever named: the by-type rows are few.
  std::vector<std::string> rows;
  RETURN_IF_ERROR(txn.Scan(Cf::kIndex,
                           storage::KeyBuilder(keys::kActiveByType).Build(), "",
                           [&](absl::string_view key, absl::string_view) {
                             storage::KeyReader r(key);
                             r.Prefix();
                             r.SkipStr();
                             if (r.Str() == std::string(id))
                               rows.emplace_back(key);
                             return true;
                           }));
  for (const std::string& key : rows) txn.Delete(Cf::kIndex, key);
  return absl::OkStatus();
}

namespace {

// The agreement ids of the index rows under `prefix`, whose last part is
// the id.
absl::StatusOr<std::vector<std::string>> IdsUnder(const Reader& reader,
                                                  absl::string_view prefix,
                                                  int skip) {
  std::vector<std::string> out;
  RETURN_IF_ERROR(reader.Scan(Cf::kIndex, prefix, "",
                              [&](absl::string_view key, absl::string_view) {
                                storage::KeyReader r(key);
                                r.Prefix();
                                for (int i = 0; i < skip; ++i) r.SkipStr();
                                std::optional<std::string> id = r.Str();
                                if (id) out.push_back(*std::move(id));
                                return true;
                              }));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ActiveAgreements(
    const Reader& reader) {
  return IdsUnder(reader, keys::ActivePrefix(), 0);
}

absl::StatusOr<std::vector<std::string>> ActiveFor(const Reader& reader,
                                                   absl::string_view type) {
  return IdsUnder(reader, keys::ActiveByTypePrefix(type), 1);
}

absl::StatusOr<ClockRecord> LoadClock(const Reader& reader,
                                      absl::string_view agreement_id,
                                      absl::string_view clock_id) {
  ClockRecord r;
  ASSIGN_OR_RETURN(
      bool found,
      reader.GetProto(Cf::kRecords, keys::Clock(agreement_id, clock_id), &r));
  if (!found) {
    return absl::NotFoundError(absl::StrCat(
        "clock \"", ClockName(agreement_id, clock_id), "\" not found"));
  }
  return r;
}

absl::StatusOr<std::optional<ClockRecord>> FindClock(
    const Reader& reader, absl::string_view agreement_id,
    absl::string_view term, absl::string_view subject) {
  ASSIGN_OR_RETURN(std::optional<std::string> id,
                   reader.Get(Cf::kIndex, keys::ClockBySubject(agreement_id,
                                                               term, subject)));
  if (!id) return std::nullopt;
  ASSIGN_OR_RETURN(ClockRecord r, LoadClock(reader, agreement_id, *id));
  return r;
}

absl::StatusOr<std::vector<ClockRecord>> ClocksUnder(
    const Reader& reader, absl::string_view agreement_id,
    absl::string_view term, absl::string_view parent) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(
      reader.Scan(Cf::kIndex,
                  keys::ClocksBySubjectPrefix(agreement_id, term,
                                              absl::StrCat(parent, "/")),
                  "", [&](absl::string_view, absl::string_view value) {
                    ids.emplace_back(value);
                    return true;
                  }));
  std::vector<ClockRecord> out;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(ClockRecord r, LoadClock(reader, agreement_id, id));
    out.push_back(std::move(r));
  }
  return out;
}

absl::Status SaveClock(Txn& txn, ClockRecord* r) {
  v1::Clock* c = r->mutable_clock();
  absl::StatusOr<ClockRef> ref = ParseClockName("clock", c->name());
  if (!ref.ok()) return absl::InternalError(ref.status().message());
  if (!c->has_create_time()) {
    *c->mutable_create_time() = ToProtoTime(txn.Now());
    txn.Put(Cf::kIndex,
            keys::ClockBySubject(ref->agreement, c->term(), c->subject()),
            ref->clock);
  }
  *c->mutable_update_time() = ToProtoTime(txn.Now());
  c->clear_at_risk();  // computed on read
  txn.PutProto(Cf::kRecords, keys::Clock(ref->agreement, ref->clock), *r);
  return absl::OkStatus();
}

absl::Status RequireSteward(const Reader& reader, const Principal& p,
                            const v1::Agreement& a, absl::string_view action) {
  if (p.admin) return absl::OkStatus();
  const std::string me = absl::StrCat("users/", p.user_id);
  for (const v1::AgreementParty& party : a.parties()) {
    for (const std::string& liaison : party.liaisons()) {
      if (liaison == me) return absl::OkStatus();
    }
    absl::string_view team = party.team();
    absl::ConsumePrefix(&team, "teams/");
    ASSIGN_OR_RETURN(std::optional<v1::Membership> m,
                     identity::LoadMembership(reader, team, p.user_id));
    if (m && m->role() == v1::Membership::LEAD) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "only admins, leads of a party's team and liaisons of ",
      a.name().empty() ? "the agreement" : a.name(), " may ", action));
}

namespace {

absl::Status Named(absl::string_view field, absl::Status s) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(field, ": ", s.message()));
}

absl::string_view IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == absl::string_view::npos ? name : name.substr(slash + 1);
}

absl::Status CheckCalendar(const Reader& reader, absl::string_view field,
                           absl::string_view calendar) {
  if (calendar.empty()) return absl::OkStatus();
  return Named(field, calendars::LoadCalendar(reader, IdOf(calendar)).status());
}

absl::Status CheckLiaison(const Reader& reader, absl::string_view field,
                          absl::string_view user) {
  absl::StatusOr<v1::User> u = identity::LoadUser(reader, IdOf(user));
  RETURN_IF_ERROR(Named(field, u.status()));
  if (u->state() != v1::User::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", user, " is deactivated"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckReferences(const Reader& reader, const v1::Agreement& a) {
  for (int i = 0; i < a.parties_size(); ++i) {
    const v1::AgreementParty& party = a.parties(i);
    const std::string field = absl::StrCat("agreement.parties[", i, "]");
    RETURN_IF_ERROR(
        Named(field + ".team",
              identity::LoadTeam(reader, IdOf(party.team())).status()));
    for (int k = 0; k < party.liaisons_size(); ++k) {
      RETURN_IF_ERROR(CheckLiaison(reader,
                                   absl::StrCat(field, ".liaisons[", k, "]"),
                                   party.liaisons(k)));
    }
  }
  for (int i = 0; i < a.terms_size(); ++i) {
    RETURN_IF_ERROR(
        CheckCalendar(reader, absl::StrCat("agreement.terms[", i, "].calendar"),
                      a.terms(i).calendar()));
  }
  const v1::ConcernedDecisions& c = a.concerns();
  for (int i = 0; i < c.project_teams_size(); ++i) {
    RETURN_IF_ERROR(
        Named(absl::StrCat("agreement.concerns.project_teams[", i, "]"),
              identity::LoadTeam(reader, IdOf(c.project_teams(i))).status()));
  }
  for (int i = 0; i < c.workflow_templates_size(); ++i) {
    RETURN_IF_ERROR(
        Named(absl::StrCat("agreement.concerns.workflow_templates[", i, "]"),
              workflows::CheckTemplateExists(reader, c.workflow_templates(i))));
  }
  return absl::OkStatus();
}

}  // namespace mops::services::agreements

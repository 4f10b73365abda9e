#include "services/approvals/queries.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "services/approvals/keys.h"
#include "services/approvals/rules.h"
#include "services/approvals/state.h"
#include "services/common/filter.h"
#include "services/common/pagination.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::queries {

using mops::internal::v1::PageCursor;
using storage::Cf;
using storage::Reader;
using namespace internal;  // NOLINT

namespace {

filter::Schema ApprovalSchema(const Principal& p) {
  auto user = filter::UserLiteral(p.UserName());
  filter::Schema s;
  s["pending_for"] = {false, user};
  s["requester"] = {false, user};
  s["state"] = {false, filter::EnumLiteral(v1::Approval::State_descriptor(),
                                           "an approval state")};
  s["subject"] = {false, filter::ParseStringLiteral};
  s["team"] = {false, filter::NameLiteral("teams/")};
  return s;
}

// `pending_for` is answered by the inbox rows, so here it is whatever the
// filter asked for.
filter::Value ApprovalField(const v1::Approval& a, const std::string& field,
                            const std::optional<filter::Value>& pending_for) {
  if (field == "pending_for" && pending_for) return *pending_for;
  if (field == "requester") return filter::Value::String(a.requester());
  if (field == "state") return filter::Value::Int(a.state());
  if (field == "subject") return filter::Value::String(a.subject());
  if (field == "team") {
    std::vector<std::string> teams;
    for (const auto& g : a.groups()) {
      if (!g.team().empty()) teams.push_back(g.team());
    }
    return filter::Value::List(teams);
  }
  return filter::Value::Absent();
}

// The approvals `who` (or someone they stand in for) can still decide now.
absl::Status ScanInbox(const Reader& reader, const std::string& who,
                       absl::Time now,
                       const std::function<void(v1::Approval)>& offer) {
  ASSIGN_OR_RETURN(std::set<std::string> places, PlacesFor(reader, who, now));
  places.insert(who);
  std::set<std::string> ids;
  for (const std::string& place : places) {
    RETURN_IF_ERROR(reader.Scan(Cf::kIndex,
                                keys::IdxApprovalPending(IdOf(place)), "",
                                [&](absl::string_view key, absl::string_view) {
                                  if (auto id = keys::ApprovalOfPendingRow(key))
                                    ids.insert(*id);
                                  return true;
                                }));
  }
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(v1::Approval a, LoadApproval(reader, id));
    if (a.state() != v1::Approval::PENDING || a.requester() == who ||
        HasActed(a, who)) {
      continue;
    }
    absl::StatusOr<std::string> place = FindPlace(reader, a, who, "", now);
    if (!place.ok() || HasDecided(a, *place)) continue;
    offer(std::move(a));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status GetApproval::Run(const Reader& reader, const Principal&,
                              const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  ASSIGN_OR_RETURN(*out, LoadApproval(reader, id));
  return absl::OkStatus();
}

absl::Status ListApprovals::Run(const Reader& reader, const Principal& p,
                                const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(const size_t page_size, ParsePageSize(req.page_size()));
  ASSIGN_OR_RETURN(filter::Filter f,
                   filter::Filter::Parse(req.filter(), ApprovalSchema(p)));
  ASSIGN_OR_RETURN(
      filter::OrderBy order,
      filter::ParseOrderBy(req.order_by(), {"due_time", "create_time"},
                           "due_time"));
  const std::string query = QueryFingerprint("", req.filter(), req.order_by());
  ASSIGN_OR_RETURN(PageCursor cursor, DecodeCursor(req.page_token(), query));

  std::optional<filter::Value> pending_for = f.RequiredEquals("pending_for");
  if (!pending_for && absl::StrContains(req.filter(), "pending_for")) {
    return absl::InvalidArgumentError(
        "filter: pending_for must be a top-level term joined by AND, as in "
        "pending_for = \"me\"");
  }
  // One page is kept, however many approvals there are.
  SortedPage<v1::Approval> page(order.desc, cursor, query, page_size);
  auto offer = [&](v1::Approval a) {
    if (!f.Matches([&](const std::string& field) {
          return ApprovalField(a, field, pending_for);
        })) {
      return;
    }
    SortKey k;
    k.row = keys::Approval(IdOf(a.name()));
    if (order.field == "due_time") {
      k.absent = !a.has_due_time();
      k.num = k.absent ? 0 : DueMicros(a);
    } else {
      k.num = absl::ToUnixMicros(FromProtoTime(a.create_time()));
    }
    page.Add(std::move(k), std::move(a));
  };
  if (pending_for) {
    if (pending_for->str != p.UserName() && !p.admin) {
      return absl::PermissionDeniedError(
          "only admins may list another user's inbox");
    }
    RETURN_IF_ERROR(ScanInbox(reader, pending_for->str, clock->Now(), offer));
  } else {
    RETURN_IF_ERROR(storage::ScanParsed<v1::Approval>(
        reader, Cf::kRecords, keys::ApprovalPrefix(), "",
        [&](absl::string_view, v1::Approval&& a) {
          offer(std::move(a));
          return true;
        }));
  }
  out->set_next_page_token(page.Take(out->mutable_approvals()));
  return absl::OkStatus();
}

absl::Status ListDelegations::Run(const Reader& reader, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string user, ResolveUserId(p, "parent", req.parent()));
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::DelegationPrefix(user),
               req.page_size(), req.page_token(), out->mutable_delegations()));
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::queries

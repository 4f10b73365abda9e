#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/keys.h"
#include "services/approvals/state.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

std::string TeamName(const std::string& team) {
  return team.find('/') == std::string::npos ? "teams/" + team : team;
}

// Normalizes the delegate and teams and checks they exist; the delegate
// must be an active user other than `user`.
absl::Status ResolveDelegation(const storage::Reader& reader,
                               const std::string& user, absl::Time now,
                               v1::Delegation* d) {
  ASSIGN_OR_RETURN(
      std::string delegate,
      ParseId("delegation.delegate", UserName(d->delegate()), "users/*"));
  if (delegate == user) {
    return absl::InvalidArgumentError(
        "delegation.delegate: a user cannot delegate to themselves");
  }
  d->set_delegate(absl::StrCat("users/", delegate));
  ASSIGN_OR_RETURN(bool active, IsActiveUser(reader, d->delegate()));
  if (!active) {
    return absl::FailedPreconditionError(
        absl::StrCat("delegation.delegate: ", d->delegate(),
                     " does not exist or is deactivated"));
  }
  if (!d->has_start_time()) *d->mutable_start_time() = ToProtoTime(now);
  if (FromProtoTime(d->end_time()) <= FromProtoTime(d->start_time())) {
    return absl::InvalidArgumentError(
        "delegation.end_time is required and must be after "
        "delegation.start_time");
  }
  for (std::string& team : *d->mutable_teams()) {
    team = TeamName(team);
    ASSIGN_OR_RETURN(std::string id,
                     ParseId("delegation.teams entry", team, "teams/*"));
    RETURN_IF_ERROR(identity::LoadTeam(reader, id).status());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CreateDelegation::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("parent", req.parent(), "users/*").status());
  const v1::Delegation& d = req.delegation();
  RETURN_IF_ERROR(
      ParseId("delegation.delegate", UserName(d.delegate()), "users/*")
          .status());
  if (!d.has_end_time()) {
    return absl::InvalidArgumentError(
        "delegation.end_time is required and must be after "
        "delegation.start_time");
  }
  for (const std::string& team : d.teams()) {
    RETURN_IF_ERROR(
        ParseId("delegation.teams entry", TeamName(team), "teams/*").status());
  }
  return absl::OkStatus();
}

absl::Status CreateDelegation::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string user, ResolveUserId(p, "parent", req.parent()));
  if (user != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "users/", p.user_id, " may create delegations only for themselves"));
  }
  RETURN_IF_ERROR(identity::LoadUser(txn, user).status());
  v1::Delegation d = req.delegation();
  RETURN_IF_ERROR(ResolveDelegation(txn, user, txn.Now(), &d));
  RETURN_IF_ERROR(
      CheckNoCycle(txn, absl::StrCat("users/", user), d.delegate()));
  ASSIGN_OR_RETURN(const std::string id,
                   FreshId(txn, Cf::kRecords, 'd', [&](const std::string& i) {
                     return keys::Delegation(user, i);
                   }));
  d.set_name(absl::StrCat("users/", user, "/delegations/", id));
  *d.mutable_create_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Delegation(user, id), d);
  txn.Put(Cf::kIndex, keys::IdxDelegateOfRow(IdOf(d.delegate()), user, id), "");
  v1::Event e;
  *e.mutable_delegation_created()->mutable_delegation() = d;
  Emit(txn, p, d.name(), std::move(e));
  *out = std::move(d);
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::commands

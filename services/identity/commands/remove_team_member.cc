#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/identity/commands/commands.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status RemoveTeamMember::Validate(const Request& req) const {
  return ParseName("name", req.name(), "teams/*/members/*").status();
}

absl::Status RemoveTeamMember::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response*) const {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "teams/*/members/*"));
  const std::string& team_id = ids[0];
  const std::string& user_id = ids[1];
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, team_id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, team_id, "remove team members"));
  ASSIGN_OR_RETURN(auto existing, LoadMembership(txn, team_id, user_id));
  if (!existing) {
    return absl::NotFoundError(
        absl::StrCat("users/", user_id, " is not a member of ", team.name()));
  }
  txn.Delete(Cf::kRecords, keys::Membership(team_id, user_id));
  txn.Delete(Cf::kIndex, keys::IdxUserTeam(user_id, team_id));
  team.set_member_count(team.member_count() - 1);
  SaveTeam(txn, team_id, &team);
  v1::Event e;
  *e.mutable_team_member_removed()->mutable_team() = team;
  *e.mutable_team_member_removed()->mutable_member() = *std::move(existing);
  Emit(txn, p, team.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

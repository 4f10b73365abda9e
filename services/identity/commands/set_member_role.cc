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

absl::Status SetMemberRole::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseName("name", req.name(), "teams/*/members/*").status());
  return ValidateRole(req.role());
}

absl::Status SetMemberRole::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "teams/*/members/*"));
  const std::string& team_id = ids[0];
  const std::string& user_id = ids[1];
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, team_id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, team_id, "change member roles"));
  ASSIGN_OR_RETURN(auto existing, LoadMembership(txn, team_id, user_id));
  if (!existing) {
    return absl::NotFoundError(
        absl::StrCat("users/", user_id, " is not a member of ", team.name()));
  }
  *out = *std::move(existing);
  if (out->role() == req.role()) return absl::OkStatus();
  out->set_role(req.role());
  txn.PutProto(Cf::kRecords, keys::Membership(team_id, user_id), *out);
  SaveTeam(txn, team_id, &team);
  v1::Event e;
  *e.mutable_team_member_role_changed()->mutable_team() = team;
  *e.mutable_team_member_role_changed()->mutable_member() = *out;
  Emit(txn, p, team.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

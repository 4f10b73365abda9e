#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/commands/commands.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

v1::Membership::Role RoleOf(const v1::AddTeamMemberRequest& req) {
  return req.role() == v1::Membership::ROLE_UNSPECIFIED ? v1::Membership::MEMBER
                                                        : req.role();
}

}  // namespace

absl::Status AddTeamMember::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("team", req.team(), "teams/*").status());
  RETURN_IF_ERROR(ParseId("user", req.user(), "users/*").status());
  return ValidateRole(RoleOf(req));
}

absl::Status AddTeamMember::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string team_id, ParseId("team", req.team(), "teams/*"));
  ASSIGN_OR_RETURN(std::string user_id, ParseId("user", req.user(), "users/*"));
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, team_id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, team_id, "add team members"));
  ASSIGN_OR_RETURN(v1::User user, LoadUser(txn, user_id));
  if (user.state() != v1::User::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("user: ", user.name(), " is deactivated"));
  }
  ASSIGN_OR_RETURN(auto existing, LoadMembership(txn, team_id, user_id));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat(user.name(), " is already a member of ", team.name(),
                     "; use SetMemberRole to change the role"));
  }
  v1::Membership& m = *out;
  m.set_name(absl::StrCat(team.name(), "/members/", user_id));
  m.set_user(user.name());
  m.set_role(RoleOf(req));
  *m.mutable_create_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Membership(team_id, user_id), m);
  txn.Put(Cf::kIndex, keys::IdxUserTeam(user_id, team_id), "");
  team.set_member_count(team.member_count() + 1);
  SaveTeam(txn, team_id, &team);
  v1::Event e;
  *e.mutable_team_member_added()->mutable_team() = team;
  *e.mutable_team_member_added()->mutable_member() = m;
  Emit(txn, p, team.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

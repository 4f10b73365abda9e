// The write RPCs of users, teams, memberships, tokens and grants, one
// command each (the pattern is in services/common/binder.h); each is
// defined in its own file here.
#ifndef MOPS_SERVICES_IDENTITY_COMMANDS_COMMANDS_H_
#define MOPS_SERVICES_IDENTITY_COMMANDS_COMMANDS_H_

#include "mops/v1/identity.pb.h"
#include "services/common/command.h"

namespace mops::services::identity::commands {

MOPS_DECLARE_COMMAND(CreateTeam, v1::CreateTeamRequest, v1::Team);
MOPS_DECLARE_COMMAND(UpdateTeam, v1::UpdateTeamRequest, v1::Team);
MOPS_DECLARE_COMMAND(AddTeamMember, v1::AddTeamMemberRequest, v1::Membership);
MOPS_DECLARE_COMMAND(RemoveTeamMember, v1::RemoveTeamMemberRequest,
                     v1::RemoveTeamMemberResponse);
MOPS_DECLARE_COMMAND(SetMemberRole, v1::SetMemberRoleRequest, v1::Membership);

MOPS_DECLARE_COMMAND(CreateUser, v1::CreateUserRequest, v1::User);
MOPS_DECLARE_COMMAND(UpdateUser, v1::UpdateUserRequest, v1::User);
MOPS_DECLARE_COMMAND(DeactivateUser, v1::DeactivateUserRequest, v1::User);

// Its answer holds the token's secret, which the server keeps only as a
// hash, so no request log may keep the answer: no request_id.
struct CreateToken {
  using Request = v1::CreateTokenRequest;
  using Response = v1::CreateTokenResponse;
  static constexpr bool kNoRequestId = true;
  absl::Status Validate(const Request& req) const;
  absl::Status Apply(::mops::storage::Txn& txn,
                     const ::mops::services::Principal& p, const Request& req,
                     Response* out) const;
};
MOPS_DECLARE_COMMAND(RevokeToken, v1::RevokeTokenRequest, v1::Token);

MOPS_DECLARE_COMMAND(CreateActAsGrant, v1::CreateActAsGrantRequest,
                     v1::ActAsGrant);
MOPS_DECLARE_COMMAND(DeleteActAsGrant, v1::DeleteActAsGrantRequest,
                     v1::DeleteActAsGrantResponse);

}  // namespace mops::services::identity::commands

#endif  // MOPS_SERVICES_IDENTITY_COMMANDS_COMMANDS_H_

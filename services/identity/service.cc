#include "services/identity/service.h"

#include <utility>

#include "mops/v1/identity.grpc.pb.h"
#include "services/common/binder.h"
#include "services/identity/commands/commands.h"
#include "services/identity/identity.h"
#include "services/identity/keys.h"
#include "services/identity/queries.h"
#include "services/identity/state.h"

namespace mops::services::identity {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindIdentityService(
    const Authenticator& auth, storage::Engine& engine,
    std::function<void()> on_identity_change) {
  return Binder("mops.v1.IdentityService", auth, engine)
      .Query<queries::WhoAmI>("WhoAmI")
      .Query<queries::GetTeam>("GetTeam")
      .Query<queries::ListTeams>("ListTeams")
      .Command<commands::CreateTeam>("CreateTeam")
      .Command<commands::UpdateTeam>("UpdateTeam")
      .Command<commands::AddTeamMember>("AddTeamMember")
      .Command<commands::RemoveTeamMember>("RemoveTeamMember")
      .Command<commands::SetMemberRole>("SetMemberRole")
      .Query<queries::ListTeamMembers>("ListTeamMembers")
      .Command<commands::CreateUser>("CreateUser")
      .Query<queries::GetUser>("GetUser")
      .Query<queries::ListUsers>("ListUsers")
      .Command<commands::UpdateUser>("UpdateUser")
      .Command<commands::DeactivateUser>("DeactivateUser")
      .Command<commands::CreateToken>("CreateToken")
      .Query<queries::ListTokens>("ListTokens", {engine.clock()})
      .Command<commands::RevokeToken>("RevokeToken")
      .Command<commands::CreateActAsGrant>("CreateActAsGrant")
      .Query<queries::ListActAsGrants>("ListActAsGrants")
      .Command<commands::DeleteActAsGrant>("DeleteActAsGrant")
      .AfterCommit(std::move(on_identity_change))
      .Finish();
}

void RegisterTimers(storage::Engine& engine) {
  engine.RegisterTimerHandler(kTokenExpireTimer, internal::ExpireToken);
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

}  // namespace mops::services::identity

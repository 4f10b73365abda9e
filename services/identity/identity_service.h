// gRPC adapter of the identity rules: authenticate, validate, submit, map.
#ifndef MOPS_SERVICES_IDENTITY_IDENTITY_SERVICE_H_
#define MOPS_SERVICES_IDENTITY_IDENTITY_SERVICE_H_

#include "mops/v1/identity.grpc.pb.h"
#include "services/common/rpc.h"
#include "storage/engine.h"

namespace mops::services::identity {

// Reads "authorization: Bearer <token>" and "x-mops-on-behalf-of".
class TokenAuthenticator : public Authenticator {
 public:
  explicit TokenAuthenticator(const storage::Engine* engine)
      : engine_(engine) {}
  absl::StatusOr<Principal> Authenticate(
      const grpc::CallbackServerContext& context) const override;

 private:
  const storage::Engine* engine_;
};

class IdentityService final : public v1::IdentityService::CallbackService {
 public:
  IdentityService(storage::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}

  // Registers the token.expire timer handler. Call before engine->Start().
  static void RegisterTimers(storage::Engine* engine);

  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* ctx,
                                   const v1::WhoAmIRequest* req,
                                   v1::WhoAmIResponse* resp) override;
  grpc::ServerUnaryReactor* GetTeam(grpc::CallbackServerContext* ctx,
                                    const v1::GetTeamRequest* req,
                                    v1::Team* resp) override;
  grpc::ServerUnaryReactor* ListTeams(grpc::CallbackServerContext* ctx,
                                      const v1::ListTeamsRequest* req,
                                      v1::ListTeamsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateTeam(grpc::CallbackServerContext* ctx,
                                       const v1::CreateTeamRequest* req,
                                       v1::Team* resp) override;
  grpc::ServerUnaryReactor* UpdateTeam(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateTeamRequest* req,
                                       v1::Team* resp) override;
  grpc::ServerUnaryReactor* AddTeamMember(grpc::CallbackServerContext* ctx,
                                          const v1::AddTeamMemberRequest* req,
                                          v1::Membership* resp) override;
  grpc::ServerUnaryReactor* RemoveTeamMember(
      grpc::CallbackServerContext* ctx, const v1::RemoveTeamMemberRequest* req,
      v1::RemoveTeamMemberResponse* resp) override;
  grpc::ServerUnaryReactor* SetMemberRole(grpc::CallbackServerContext* ctx,
                                          const v1::SetMemberRoleRequest* req,
                                          v1::Membership* resp) override;
  grpc::ServerUnaryReactor* ListTeamMembers(
      grpc::CallbackServerContext* ctx, const v1::ListTeamMembersRequest* req,
      v1::ListTeamMembersResponse* resp) override;
  grpc::ServerUnaryReactor* CreateUser(grpc::CallbackServerContext* ctx,
                                       const v1::CreateUserRequest* req,
                                       v1::User* resp) override;
  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* ctx,
                                    const v1::GetUserRequest* req,
                                    v1::User* resp) override;
  grpc::ServerUnaryReactor* ListUsers(grpc::CallbackServerContext* ctx,
                                      const v1::ListUsersRequest* req,
                                      v1::ListUsersResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateUser(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateUserRequest* req,
                                       v1::User* resp) override;
  grpc::ServerUnaryReactor* DeactivateUser(grpc::CallbackServerContext* ctx,
                                           const v1::DeactivateUserRequest* req,
                                           v1::User* resp) override;
  grpc::ServerUnaryReactor* CreateToken(grpc::CallbackServerContext* ctx,
                                        const v1::CreateTokenRequest* req,
                                        v1::CreateTokenResponse* resp) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* ctx,
                                       const v1::ListTokensRequest* req,
                                       v1::ListTokensResponse* resp) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* ctx,
                                        const v1::RevokeTokenRequest* req,
                                        v1::Token* resp) override;
  grpc::ServerUnaryReactor* CreateActAsGrant(
      grpc::CallbackServerContext* ctx, const v1::CreateActAsGrantRequest* req,
      v1::ActAsGrant* resp) override;
  grpc::ServerUnaryReactor* ListActAsGrants(
      grpc::CallbackServerContext* ctx, const v1::ListActAsGrantsRequest* req,
      v1::ListActAsGrantsResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteActAsGrant(
      grpc::CallbackServerContext* ctx, const v1::DeleteActAsGrantRequest* req,
      v1::DeleteActAsGrantResponse* resp) override;

 private:
  storage::Engine* engine_;
  const Authenticator* auth_;
};

}  // namespace mops::services::identity

#endif  // MOPS_SERVICES_IDENTITY_IDENTITY_SERVICE_H_

// gRPC adapter of the identity rules: authenticate, validate, submit, map.
#ifndef MOPS_SERVICES_IDENTITY_IDENTITY_SERVICE_H_
#define MOPS_SERVICES_IDENTITY_IDENTITY_SERVICE_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "mops/v1/identity.grpc.pb.h"
#include "services/common/rpc.h"
#include "storage/engine.h"

namespace mops::services::identity {

// Reads "authorization: Bearer <token>" and "x-mops-on-behalf-of".
//
// Resolved tokens are cached: a call then costs a hash, not three reads.
// Every committed identity change (revocation, deactivation, grants, admin
// changes) calls Invalidate(), which moves to a new generation; entries of
// older generations are read again. Expiry is checked on every call.
class TokenAuthenticator : public Authenticator {
 public:
  explicit TokenAuthenticator(const storage::Engine* engine)
      : engine_(engine) {}
  absl::StatusOr<Principal> Authenticate(
      const grpc::CallbackServerContext& context) const override;
  void Invalidate() { ++generation_; }

 private:
  // A token the store accepted, so that later calls skip hashing its
  // secret (a SHA-256 per call was a tenth of a cheap read's server time).
  // The secret stays in this process's memory only, like the call's own
  // metadata.
  struct Entry {
    uint64_t generation;
    std::string secret;
    std::optional<absl::Time> expire_time;
    Principal principal;
  };
  static constexpr size_t kMaxEntries = 10000;

  const storage::Engine* engine_;
  std::atomic<uint64_t> generation_{0};
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Entry> cache_ ABSL_GUARDED_BY(mu_);
};

class IdentityService final : public v1::IdentityService::CallbackService {
 public:
  // `on_identity_change` runs after every committed write of this service
  // (the authenticator's Invalidate).
  IdentityService(storage::Engine* engine, const Authenticator* auth,
                  std::function<void()> on_identity_change)
      : engine_(engine),
        auth_(auth),
        on_identity_change_(std::move(on_identity_change)) {}

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
  grpc::ServerUnaryReactor* Write(
      grpc::CallbackServerContext* ctx, absl::string_view method, WriteFn write,
      const std::function<absl::Status()>& validate = nullptr);

  storage::Engine* engine_;
  const Authenticator* auth_;
  std::function<void()> on_identity_change_;
};

}  // namespace mops::services::identity

#endif  // MOPS_SERVICES_IDENTITY_IDENTITY_SERVICE_H_

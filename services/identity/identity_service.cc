#include "services/identity/identity_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "services/common/crypto.h"
#include "services/identity/identity.h"
#include "storage/status_macros.h"

namespace mops::services::identity {
namespace {

// Sets *out from a StatusOr and returns its status.
absl::string_view Metadata(const grpc::CallbackServerContext& context,
                           absl::string_view key) {
  const auto& md = context.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<Principal> TokenAuthenticator::Authenticate(
    const grpc::CallbackServerContext& context) const {
  absl::string_view header = Metadata(context, "authorization");
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "missing credentials: send metadata \"authorization: Bearer <token>\"");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "authorization metadata must be \"Bearer <token>\"");
  }
  const absl::string_view bearer =
      absl::StripAsciiWhitespace(header.substr(kScheme.size()));
  const absl::string_view on_behalf_of =
      Metadata(context, "x-mops-on-behalf-of");
  const absl::Time now = engine_->clock()->Now();
  ASSIGN_OR_RETURN(auto parsed, ParseBearer(bearer));
  // Read the generation before the store: a change committed meanwhile
  // makes this entry stale rather than wrongly fresh.
  const uint64_t generation = generation_.load();
  std::optional<Principal> principal;
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(parsed.first);
    if (it != cache_.end() && it->second.generation == generation &&
        ConstantTimeEquals(it->second.secret, parsed.second) &&
        (!it->second.expire_time || now < *it->second.expire_time)) {
      principal = it->second.principal;
    }
  }
  if (!principal) {
    // The stored hash is checked here, once; later calls with the same
    // token compare it with the secret this check accepted.
    ASSIGN_OR_RETURN(TokenIdentity id,
                     AuthenticateToken(*engine_, now, bearer));
    principal = id.principal;
    absl::MutexLock lock(&mu_);
    if (cache_.size() >= kMaxEntries) cache_.clear();
    cache_[parsed.first] = {generation, std::string(parsed.second),
                            id.expire_time, id.principal};
  }
  if (on_behalf_of.empty()) return *principal;
  return ActOnBehalf(*engine_, *principal, on_behalf_of);
}

grpc::ServerUnaryReactor* IdentityService::Write(
    grpc::CallbackServerContext* ctx, absl::string_view method, WriteFn write,
    const std::function<absl::Status()>& validate) {
  return RunWrite(ctx, method, *auth_, *engine_, std::move(write), validate,
                  on_identity_change_);
}

void IdentityService::RegisterTimers(storage::Engine* engine) {
  engine->RegisterTimerHandler(
      kTokenExpireTimer,
      [](storage::Txn& txn, const mops::internal::v1::TimerRecord& timer) {
        return ExpireToken(txn, timer.target());
      });
}

grpc::ServerUnaryReactor* IdentityService::WhoAmI(
    grpc::CallbackServerContext* ctx, const v1::WhoAmIRequest*,
    v1::WhoAmIResponse* resp) {
  return RunRead(ctx, "WhoAmI", *auth_, *engine_,
                 [&](const Principal& p, const storage::Reader& reader) {
                   return Assign(identity::WhoAmI(reader, p), resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::GetTeam(
    grpc::CallbackServerContext* ctx, const v1::GetTeamRequest* req,
    v1::Team* resp) {
  return RunRead(ctx, "GetTeam", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(identity::GetTeam(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::ListTeams(
    grpc::CallbackServerContext* ctx, const v1::ListTeamsRequest* req,
    v1::ListTeamsResponse* resp) {
  return RunRead(ctx, "ListTeams", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(identity::ListTeams(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::CreateTeam(
    grpc::CallbackServerContext* ctx, const v1::CreateTeamRequest* req,
    v1::Team* resp) {
  return Write(
      ctx, "CreateTeam",
      [req, resp](storage::Txn& txn, const Principal& p) {
        return Assign(identity::CreateTeam(txn, p, *req), resp);
      },
      [req] { return ValidateCreateTeam(*req); });
}

grpc::ServerUnaryReactor* IdentityService::UpdateTeam(
    grpc::CallbackServerContext* ctx, const v1::UpdateTeamRequest* req,
    v1::Team* resp) {
  return Write(ctx, "UpdateTeam",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::UpdateTeam(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::AddTeamMember(
    grpc::CallbackServerContext* ctx, const v1::AddTeamMemberRequest* req,
    v1::Membership* resp) {
  return Write(ctx, "AddTeamMember",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::AddTeamMember(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::RemoveTeamMember(
    grpc::CallbackServerContext* ctx, const v1::RemoveTeamMemberRequest* req,
    v1::RemoveTeamMemberResponse*) {
  return Write(ctx, "RemoveTeamMember",
               [req](storage::Txn& txn, const Principal& p) {
                 return identity::RemoveTeamMember(txn, p, *req);
               });
}

grpc::ServerUnaryReactor* IdentityService::SetMemberRole(
    grpc::CallbackServerContext* ctx, const v1::SetMemberRoleRequest* req,
    v1::Membership* resp) {
  return Write(ctx, "SetMemberRole",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::SetMemberRole(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::ListTeamMembers(
    grpc::CallbackServerContext* ctx, const v1::ListTeamMembersRequest* req,
    v1::ListTeamMembersResponse* resp) {
  return RunRead(ctx, "ListTeamMembers", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(identity::ListTeamMembers(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::CreateUser(
    grpc::CallbackServerContext* ctx, const v1::CreateUserRequest* req,
    v1::User* resp) {
  return Write(
      ctx, "CreateUser",
      [req, resp](storage::Txn& txn, const Principal& p) {
        return Assign(identity::CreateUser(txn, p, *req), resp);
      },
      [req] { return ValidateCreateUser(*req); });
}

grpc::ServerUnaryReactor* IdentityService::GetUser(
    grpc::CallbackServerContext* ctx, const v1::GetUserRequest* req,
    v1::User* resp) {
  return RunRead(ctx, "GetUser", *auth_, *engine_,
                 [&](const Principal& p, const storage::Reader& reader) {
                   return Assign(identity::GetUser(reader, p, *req), resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::ListUsers(
    grpc::CallbackServerContext* ctx, const v1::ListUsersRequest* req,
    v1::ListUsersResponse* resp) {
  return RunRead(ctx, "ListUsers", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(identity::ListUsers(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::UpdateUser(
    grpc::CallbackServerContext* ctx, const v1::UpdateUserRequest* req,
    v1::User* resp) {
  return Write(ctx, "UpdateUser",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::UpdateUser(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::DeactivateUser(
    grpc::CallbackServerContext* ctx, const v1::DeactivateUserRequest* req,
    v1::User* resp) {
  return Write(ctx, "DeactivateUser",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::DeactivateUser(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::CreateToken(
    grpc::CallbackServerContext* ctx, const v1::CreateTokenRequest* req,
    v1::CreateTokenResponse* resp) {
  return Write(ctx, "CreateToken",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::CreateToken(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::ListTokens(
    grpc::CallbackServerContext* ctx, const v1::ListTokensRequest* req,
    v1::ListTokensResponse* resp) {
  return RunRead(ctx, "ListTokens", *auth_, *engine_,
                 [&](const Principal& p, const storage::Reader& reader) {
                   return Assign(identity::ListTokens(
                                     reader, p, engine_->clock()->Now(), *req),
                                 resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::RevokeToken(
    grpc::CallbackServerContext* ctx, const v1::RevokeTokenRequest* req,
    v1::Token* resp) {
  return Write(ctx, "RevokeToken",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::RevokeToken(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::CreateActAsGrant(
    grpc::CallbackServerContext* ctx, const v1::CreateActAsGrantRequest* req,
    v1::ActAsGrant* resp) {
  return Write(ctx, "CreateActAsGrant",
               [req, resp](storage::Txn& txn, const Principal& p) {
                 return Assign(identity::CreateActAsGrant(txn, p, *req), resp);
               });
}

grpc::ServerUnaryReactor* IdentityService::ListActAsGrants(
    grpc::CallbackServerContext* ctx, const v1::ListActAsGrantsRequest* req,
    v1::ListActAsGrantsResponse* resp) {
  return RunRead(ctx, "ListActAsGrants", *auth_, *engine_,
                 [&](const Principal& p, const storage::Reader& reader) {
                   return Assign(identity::ListActAsGrants(reader, p, *req),
                                 resp);
                 });
}

grpc::ServerUnaryReactor* IdentityService::DeleteActAsGrant(
    grpc::CallbackServerContext* ctx, const v1::DeleteActAsGrantRequest* req,
    v1::DeleteActAsGrantResponse*) {
  return Write(ctx, "DeleteActAsGrant",
               [req](storage::Txn& txn, const Principal& p) {
                 return identity::DeleteActAsGrant(txn, p, *req);
               });
}

}  // namespace mops::services::identity

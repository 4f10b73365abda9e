#include "services/identity/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "services/common/crypto.h"
#include "services/identity/identity.h"
#include "storage/status_macros.h"

namespace mops::services::identity {
namespace {

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

}  // namespace mops::services::identity

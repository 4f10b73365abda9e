// The Authenticator of every service: bearer tokens, and bots acting on
// behalf of users.
#ifndef MOPS_SERVICES_IDENTITY_AUTHENTICATOR_H_
#define MOPS_SERVICES_IDENTITY_AUTHENTICATOR_H_

#include <atomic>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
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

}  // namespace mops::services::identity

#endif  // MOPS_SERVICES_IDENTITY_AUTHENTICATOR_H_

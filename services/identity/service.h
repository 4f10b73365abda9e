// The gRPC service of identity (bindings only), and what the server wires
// at start: key spaces and timers.
#ifndef MOPS_SERVICES_IDENTITY_SERVICE_H_
#define MOPS_SERVICES_IDENTITY_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/rpc.h"
#include "storage/engine.h"
#include "storage/key_spaces.h"

namespace mops::services::identity {

// `on_identity_change` runs after every committed write of this service
// (the TokenAuthenticator's Invalidate: revocations, deactivations, grants
// and role changes take effect on the next call).
absl::StatusOr<std::unique_ptr<grpc::Service>> BindIdentityService(
    const Authenticator& auth, storage::Engine& engine,
    std::function<void()> on_identity_change);

// Registers the token.expire timer handler. Call before engine.Start().
void RegisterTimers(storage::Engine& engine);

// Registers the key spaces of identity (keys.h, private to the domain)
// with storage. Call before Open.
void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

}  // namespace mops::services::identity

#endif  // MOPS_SERVICES_IDENTITY_SERVICE_H_

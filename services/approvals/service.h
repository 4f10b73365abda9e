// The gRPC service of approvals and delegations (bindings only), and what
// the server wires at start: key spaces, timers and their upgrades.
#ifndef MOPS_SERVICES_APPROVALS_SERVICE_H_
#define MOPS_SERVICES_APPROVALS_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/rpc.h"
#include "services/common/subjects.h"
#include "storage/engine.h"
#include "storage/key_spaces.h"

namespace mops::services::approvals {

// `subjects` says what an approval's subject may name; it must outlive the
// service.
absl::StatusOr<std::unique_ptr<grpc::Service>> BindApprovalService(
    const Authenticator& auth, storage::Engine& engine,
    const Subjects& subjects);

// Registers the reminder and deadline timers. Call before engine.Start().
void RegisterTimers(storage::Engine& engine);
// Their data format 2 -> 3 upgrades. Call before Open.
void RegisterTimerUpgrades(storage::EngineOptions& options);

// Registers the key spaces of approvals and delegations (keys.h, private to the
// domain) with storage. Call before Open.
void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

}  // namespace mops::services::approvals

#endif  // MOPS_SERVICES_APPROVALS_SERVICE_H_

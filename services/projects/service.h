// The gRPC services of projects and tasks (bindings only), and what the
// server wires at start: key spaces, timers and their upgrades.
#ifndef MOPS_SERVICES_PROJECTS_SERVICE_H_
#define MOPS_SERVICES_PROJECTS_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/rpc.h"
#include "storage/engine.h"
#include "storage/key_spaces.h"

namespace mops::services::projects {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindProjectService(
    const Authenticator& auth, storage::Engine& engine);
absl::StatusOr<std::unique_ptr<grpc::Service>> BindTaskService(
    const Authenticator& auth, storage::Engine& engine);

// Registers the task.overdue timer handler. Call before engine->Start().
void RegisterTimers(storage::Engine& engine);
// The task.overdue timer's data format 2 -> 3 upgrade. Call before Open.
void RegisterTimerUpgrades(storage::EngineOptions& options);

// Registers the key spaces of projects and tasks (keys.h, private to the
// domain) with storage. Call before Open.
void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

}  // namespace mops::services::projects

#endif  // MOPS_SERVICES_PROJECTS_SERVICE_H_

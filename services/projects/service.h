// The gRPC services of projects and tasks: bindings only.
#ifndef MOPS_SERVICES_PROJECTS_SERVICE_H_
#define MOPS_SERVICES_PROJECTS_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/rpc.h"
#include "storage/engine.h"

namespace mops::services::projects {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindProjectService(
    const Authenticator& auth, storage::Engine& engine);
absl::StatusOr<std::unique_ptr<grpc::Service>> BindTaskService(
    const Authenticator& auth, storage::Engine& engine);

// Registers the task.overdue timer handler. Call before engine->Start().
void RegisterTimers(storage::Engine& engine);
// The task.overdue timer's data format 2 -> 3 upgrade. Call before Open.
void RegisterTimerUpgrades(storage::EngineOptions& options);

}  // namespace mops::services::projects

#endif  // MOPS_SERVICES_PROJECTS_SERVICE_H_

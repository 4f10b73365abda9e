// WorkflowService: templates (drafts, versions) and runs.
#ifndef MOPS_SERVICES_WORKFLOWS_SERVICE_H_
#define MOPS_SERVICES_WORKFLOWS_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/reactions.h"
#include "services/common/rpc.h"
#include "storage/engine.h"
#include "storage/key_spaces.h"

namespace mops::services::workflows {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindWorkflowService(
    const Authenticator& auth, storage::Engine& engine);

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

// Runs advance on their tasks' and approvals' events (reactions.cc).
void RegisterReactions(Reactions& reactions);
// workflow.stage_due and workflow.wait (timers.cc).
void RegisterTimers(storage::Engine& engine);

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_SERVICE_H_

#include "services/workflows/service.h"

#include "mops/v1/workflows.grpc.pb.h"
#include "services/common/binder.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/keys.h"
#include "services/workflows/queries.h"

namespace mops::services::workflows {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindWorkflowService(
    const Authenticator& auth, storage::Engine& engine) {
  return Binder("mops.v1.WorkflowService", auth, engine)
      .Query<queries::GetWorkflowTemplate>("GetWorkflowTemplate")
      .Query<queries::ListWorkflowTemplates>("ListWorkflowTemplates")
      .Query<queries::GetWorkflowTemplateVersion>("GetWorkflowTemplateVersion")
      .Query<queries::ListWorkflowTemplateVersions>(
          "ListWorkflowTemplateVersions")
      .Command<commands::CreateWorkflowTemplate>("CreateWorkflowTemplate")
      .Command<commands::UpdateWorkflowTemplate>("UpdateWorkflowTemplate")
      .Command<commands::DeleteWorkflowTemplate>("DeleteWorkflowTemplate")
      .Command<commands::PublishWorkflowTemplate>("PublishWorkflowTemplate")
      .Command<commands::DeprecateWorkflowTemplateVersion>(
          "DeprecateWorkflowTemplateVersion")
      .Command<commands::StartWorkflow>("StartWorkflow")
      .Query("GetWorkflow", queries::GetWorkflow{engine.clock()})
      .Query("ListWorkflows", queries::ListWorkflows{engine.clock()})
      .Command<commands::CancelWorkflow>("CancelWorkflow")
      .Command<commands::SuspendWorkflow>("SuspendWorkflow")
      .Command<commands::ResumeWorkflow>("ResumeWorkflow")
      .Command<commands::MigrateWorkflow>("MigrateWorkflow")
      .Finish();
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

}  // namespace mops::services::workflows

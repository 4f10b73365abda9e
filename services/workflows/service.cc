#include "services/workflows/service.h"

#include "mops/v1/workflows.grpc.pb.h"
#include "services/common/binder.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/keys.h"
#include "services/workflows/queries.h"

namespace mops::services::workflows {
namespace {

// The run RPCs answer UNIMPLEMENTED until runs land (issue 17 continues).
template <typename Req, typename Resp>
struct NotYet {
  using Request = Req;
  using Response = Resp;
  absl::Status Run(const storage::Reader&, const Principal&, const Request&,
                   Response*) const {
    return absl::UnimplementedError(
        "workflow runs are not available in this build yet; templates are");
  }
};

}  // namespace

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
      .Query<NotYet<v1::StartWorkflowRequest, v1::Workflow>>("StartWorkflow")
      .Query<NotYet<v1::GetWorkflowRequest, v1::Workflow>>("GetWorkflow")
      .Query<NotYet<v1::ListWorkflowsRequest, v1::ListWorkflowsResponse>>(
          "ListWorkflows")
      .Query<NotYet<v1::CancelWorkflowRequest, v1::Workflow>>("CancelWorkflow")
      .Query<NotYet<v1::SuspendWorkflowRequest, v1::Workflow>>(
          "SuspendWorkflow")
      .Query<NotYet<v1::ResumeWorkflowRequest, v1::Workflow>>("ResumeWorkflow")
      .Query<NotYet<v1::MigrateWorkflowRequest, v1::Workflow>>(
          "MigrateWorkflow")
      .Finish();
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

}  // namespace mops::services::workflows

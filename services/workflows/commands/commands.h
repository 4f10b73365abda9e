// The write RPCs of workflow templates and runs, one command each (the
// pattern is in services/common/binder.h); each is defined in its own file
// here.
#ifndef MOPS_SERVICES_WORKFLOWS_COMMANDS_COMMANDS_H_
#define MOPS_SERVICES_WORKFLOWS_COMMANDS_COMMANDS_H_

#include "mops/v1/workflows.pb.h"
#include "services/common/command.h"

namespace mops::services::workflows::commands {

MOPS_DECLARE_COMMAND(CreateWorkflowTemplate, v1::CreateWorkflowTemplateRequest,
                     v1::WorkflowTemplate);
MOPS_DECLARE_COMMAND(UpdateWorkflowTemplate, v1::UpdateWorkflowTemplateRequest,
                     v1::WorkflowTemplate);
MOPS_DECLARE_COMMAND(DeleteWorkflowTemplate, v1::DeleteWorkflowTemplateRequest,
                     v1::DeleteWorkflowTemplateResponse);
MOPS_DECLARE_COMMAND(PublishWorkflowTemplate,
                     v1::PublishWorkflowTemplateRequest,
                     v1::WorkflowTemplateVersion);
MOPS_DECLARE_COMMAND(DeprecateWorkflowTemplateVersion,
                     v1::DeprecateWorkflowTemplateVersionRequest,
                     v1::WorkflowTemplateVersion);

MOPS_DECLARE_COMMAND(StartWorkflow, v1::StartWorkflowRequest, v1::Workflow);
MOPS_DECLARE_COMMAND(CancelWorkflow, v1::CancelWorkflowRequest, v1::Workflow);
MOPS_DECLARE_COMMAND(SuspendWorkflow, v1::SuspendWorkflowRequest, v1::Workflow);
MOPS_DECLARE_COMMAND(ResumeWorkflow, v1::ResumeWorkflowRequest, v1::Workflow);
MOPS_DECLARE_COMMAND(MigrateWorkflow, v1::MigrateWorkflowRequest, v1::Workflow);

}  // namespace mops::services::workflows::commands

#endif  // MOPS_SERVICES_WORKFLOWS_COMMANDS_COMMANDS_H_

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

}  // namespace mops::services::workflows::commands

#endif  // MOPS_SERVICES_WORKFLOWS_COMMANDS_COMMANDS_H_

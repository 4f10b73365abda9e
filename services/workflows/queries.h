// The read RPCs of workflow templates (the pattern is in
// services/common/binder.h). Every caller reads templates.
#ifndef MOPS_SERVICES_WORKFLOWS_QUERIES_H_
#define MOPS_SERVICES_WORKFLOWS_QUERIES_H_

#include "mops/v1/workflows.pb.h"
#include "services/common/command.h"

namespace mops::services::workflows::queries {

MOPS_DECLARE_QUERY(GetWorkflowTemplate, v1::GetWorkflowTemplateRequest,
                   v1::WorkflowTemplate);
MOPS_DECLARE_QUERY(ListWorkflowTemplates, v1::ListWorkflowTemplatesRequest,
                   v1::ListWorkflowTemplatesResponse);
MOPS_DECLARE_QUERY(GetWorkflowTemplateVersion,
                   v1::GetWorkflowTemplateVersionRequest,
                   v1::WorkflowTemplateVersion);
MOPS_DECLARE_QUERY(ListWorkflowTemplateVersions,
                   v1::ListWorkflowTemplateVersionsRequest,
                   v1::ListWorkflowTemplateVersionsResponse);

}  // namespace mops::services::workflows::queries

#endif  // MOPS_SERVICES_WORKFLOWS_QUERIES_H_

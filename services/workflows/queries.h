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

// Runs with their projection computed now (run_queries.cc); they read the
// engine's clock.
struct GetWorkflow {
  using Request = v1::GetWorkflowRequest;
  using Response = v1::Workflow;
  const storage::Clock* clock = nullptr;
  absl::Status Run(const storage::Reader& reader, const Principal& p,
                   const Request& req, Response* out) const;
};
struct ListWorkflows {
  using Request = v1::ListWorkflowsRequest;
  using Response = v1::ListWorkflowsResponse;
  const storage::Clock* clock = nullptr;
  absl::Status Run(const storage::Reader& reader, const Principal& p,
                   const Request& req, Response* out) const;
};

}  // namespace mops::services::workflows::queries

#endif  // MOPS_SERVICES_WORKFLOWS_QUERIES_H_

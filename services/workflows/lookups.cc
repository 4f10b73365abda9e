// What other domains read of workflows (workflows.h).
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/validation.h"
#include "services/workflows/state.h"
#include "services/workflows/workflows.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {

absl::Status CheckTemplateExists(const storage::Reader& reader,
                                 absl::string_view name) {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("template", name, "workflowTemplates/*"));
  return LoadTemplate(reader, id).status();
}

absl::StatusOr<std::string> TemplateOfRun(const storage::Reader& reader,
                                          absl::string_view run) {
  ASSIGN_OR_RETURN(std::string id, ParseRunName("workflow", run));
  ASSIGN_OR_RETURN(v1::Workflow w, LoadRun(reader, id));
  return w.template_();
}

absl::StatusOr<std::string> ApprovalOfStage(const storage::Reader& reader,
                                            absl::string_view run,
                                            absl::string_view stage) {
  absl::StatusOr<std::string> id = ParseRunName("workflow", run);
  if (!id.ok()) return std::string();
  absl::StatusOr<v1::Workflow> w = LoadRun(reader, *id);
  if (absl::IsNotFound(w.status())) return std::string();
  RETURN_IF_ERROR(w.status());
  for (const v1::WorkflowStageState& s : w->stages()) {
    if (s.id() == stage) return s.approval();
  }
  return std::string();
}

}  // namespace mops::services::workflows

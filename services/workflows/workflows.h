// Workflows: what other domains read of templates and runs (an agreement
// names templates and measures stages). The RPCs are bound in service.h.
#ifndef MOPS_SERVICES_WORKFLOWS_WORKFLOWS_H_
#define MOPS_SERVICES_WORKFLOWS_WORKFLOWS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"

namespace mops::services::workflows {

// OK when "workflowTemplates/{t}" exists; NOT_FOUND naming it otherwise,
// INVALID_ARGUMENT for another shape.
absl::Status CheckTemplateExists(const storage::Reader& reader,
                                 absl::string_view name);
// The template ("workflowTemplates/{t}") of run "workflows/{w}".
absl::StatusOr<std::string> TemplateOfRun(const storage::Reader& reader,
                                          absl::string_view run);
// The approval ("approvals/{a}") stage `stage` of run "workflows/{w}" asked
// for last; "" when the stage has none (or the run or stage is unknown).
absl::StatusOr<std::string> ApprovalOfStage(const storage::Reader& reader,
                                            absl::string_view run,
                                            absl::string_view stage);

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_WORKFLOWS_H_

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/commands/draft.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Txn;

absl::Status CreateWorkflowTemplate::Validate(const Request& req) const {
  RETURN_IF_ERROR(
      ValidateId("workflow_template_id", req.workflow_template_id()));
  return ValidateDraft("workflow_template.", req.workflow_template());
}

absl::Status CreateWorkflowTemplate::Apply(Txn& txn, const Principal& p,
                                           const Request& req,
                                           Response* out) const {
  const std::string& id = req.workflow_template_id();
  ASSIGN_OR_RETURN(auto existing, FindTemplate(txn, id));
  if (existing) {
    return absl::AlreadyExistsError(absl::StrCat(
        "workflow template \"", TemplateName(id), "\" already exists"));
  }
  v1::WorkflowTemplate t = Spec(req.workflow_template());
  RETURN_IF_ERROR(CreateDraft(txn, p, id, &t));
  *out = std::move(t);
  return absl::OkStatus();
}

}  // namespace mops::services::workflows::commands

#include <string>
#include <utility>
#include <vector>

#include "services/common/events.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/commands/draft.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Txn;

namespace {

constexpr absl::string_view kUpdatable[] = {
    "display_name", "description", "team",           "variables",
    "stages",       "calendar",    "target_variable"};

void SetPath(const std::string& path, const v1::WorkflowTemplate& in,
             v1::WorkflowTemplate* t) {
  if (path == "display_name") {
    t->set_display_name(in.display_name());
  } else if (path == "description") {
    t->set_description(in.description());
  } else if (path == "team") {
    t->set_team(in.team());
  } else if (path == "variables") {
    *t->mutable_variables() = in.variables();
  } else if (path == "stages") {
    *t->mutable_stages() = in.stages();
  } else if (path == "calendar") {
    t->set_calendar(in.calendar());
  } else if (path == "target_variable") {
    t->set_target_variable(in.target_variable());
  }
}

}  // namespace

absl::Status UpdateWorkflowTemplate::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("workflow_template.name",
                          req.workflow_template().name(), "workflowTemplates/*")
                      .status());
  return UpdatePaths(req.update_mask(), req.workflow_template(), kUpdatable)
      .status();
}

absl::Status UpdateWorkflowTemplate::Apply(Txn& txn, const Principal& p,
                                           const Request& req,
                                           Response* out) const {
  const v1::WorkflowTemplate& in = req.workflow_template();
  ASSIGN_OR_RETURN(std::string id, ParseId("workflow_template.name", in.name(),
                                           "workflowTemplates/*"));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), in, kUpdatable));
  ASSIGN_OR_RETURN(std::optional<v1::WorkflowTemplate> found,
                   FindTemplate(txn, id));
  if (!found) {
    if (!req.allow_missing()) {
      return absl::NotFoundError(
          absl::StrCat("workflow template \"", TemplateName(id),
                       "\" not found (allow_missing creates it)"));
    }
    v1::WorkflowTemplate t;
    for (const std::string& path : paths) SetPath(path, in, &t);
    RETURN_IF_ERROR(ValidateDraft("workflow_template.", t));
    if (req.validate_only()) {
      RETURN_IF_ERROR(
          RequireTeamLead(txn, p, t.team(), "create its templates"));
      RETURN_IF_ERROR(CheckPublishable(txn, t));
      t.set_name(TemplateName(id));
      *out = std::move(t);
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(CreateDraft(txn, p, id, &t));
    *out = std::move(t);
    return absl::OkStatus();
  }
  v1::WorkflowTemplate t = *std::move(found);
  RETURN_IF_ERROR(CheckEtag(in.etag(), t.etag(), t.name()));
  RETURN_IF_ERROR(RequireTeamLead(txn, p, t.team(), "edit its templates"));
  for (const std::string& path : paths) SetPath(path, in, &t);
  RETURN_IF_ERROR(ValidateDraft("workflow_template.", t));
  // Moving a template to another team needs a say in that team too.
  RETURN_IF_ERROR(RequireTeamLead(txn, p, t.team(), "own templates"));
  if (req.validate_only()) {
    RETURN_IF_ERROR(CheckPublishable(txn, t));
    RETURN_IF_ERROR(FillDraftChanged(txn, id, &t));
    *out = std::move(t);
    return absl::OkStatus();
  }
  SaveTemplate(txn, id, &t, /*created=*/false);
  RETURN_IF_ERROR(FillDraftChanged(txn, id, &t));
  v1::Event e;
  *e.mutable_workflow_template_updated()->mutable_workflow_template() = t;
  for (const std::string& path : paths) {
    e.mutable_workflow_template_updated()->add_fields(path);
  }
  Emit(txn, p, t.name(), std::move(e));
  *out = std::move(t);
  return absl::OkStatus();
}

}  // namespace mops::services::workflows::commands

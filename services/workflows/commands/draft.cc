#include "services/workflows/commands/draft.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/workflows/state.h"
#include "services/workflows/template_rules.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

absl::Status ValidateDraft(absl::string_view prefix,
                           const v1::WorkflowTemplate& t) {
  RETURN_IF_ERROR(
      ParseId(absl::StrCat(prefix, "team"), t.team(), "teams/*").status());
  if (!t.calendar().empty()) {
    RETURN_IF_ERROR(
        ParseId(absl::StrCat(prefix, "calendar"), t.calendar(), "calendars/*")
            .status());
  }
  return absl::OkStatus();
}

absl::Status CreateDraft(storage::Txn& txn, const Principal& p,
                         absl::string_view id, v1::WorkflowTemplate* t) {
  RETURN_IF_ERROR(RequireTeamLead(txn, p, t->team(), "create its templates"));
  ASSIGN_OR_RETURN(std::string team, ParseId("team", t->team(), "teams/*"));
  absl::Status exists = identity::LoadTeam(txn, team).status();
  if (!exists.ok()) {
    return absl::Status(exists.code(), absl::StrCat("workflow_template.team: ",
                                                    exists.message()));
  }
  SaveTemplate(txn, id, t, /*created=*/true);
  t->set_draft_changed(true);  // never published
  v1::Event e;
  *e.mutable_workflow_template_created()->mutable_workflow_template() = *t;
  Emit(txn, p, t->name(), std::move(e));
  return absl::OkStatus();
}

absl::Status CheckPublishable(const storage::Reader& reader,
                              const v1::WorkflowTemplate& t) {
  RETURN_IF_ERROR(ValidateTemplate(t));
  return CheckReferencesExist(reader, t);
}

}  // namespace mops::services::workflows::commands

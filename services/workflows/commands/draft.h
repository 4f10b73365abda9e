// What the template commands share: the draft's light checks (a draft is
// edited freely; publishing checks everything), creating one, and the
// publish check.
#ifndef MOPS_SERVICES_WORKFLOWS_COMMANDS_DRAFT_H_
#define MOPS_SERVICES_WORKFLOWS_COMMANDS_DRAFT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mops/v1/workflows.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::workflows::commands {

// The team is a team's name; a calendar, when set, a calendar's. `prefix`
// ("workflow_template.") starts the field names in errors.
absl::Status ValidateDraft(absl::string_view prefix,
                           const v1::WorkflowTemplate& t);

// Writes `t` as the new draft `id` with its workflow_template.created
// event; the caller must be an admin or a lead of its team, which exists.
absl::Status CreateDraft(storage::Txn& txn, const Principal& p,
                         absl::string_view id, v1::WorkflowTemplate* t);

// Everything publishing needs: a valid process whose teams, users and
// calendars exist.
absl::Status CheckPublishable(const storage::Reader& reader,
                              const v1::WorkflowTemplate& t);

}  // namespace mops::services::workflows::commands

#endif  // MOPS_SERVICES_WORKFLOWS_COMMANDS_DRAFT_H_

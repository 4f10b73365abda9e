// What makes a template a valid process, checked when it is published (and
// by UpdateWorkflowTemplate with validate_only). Pure: references to teams,
// users and calendars are checked for form here and for existence by the
// publish command.
#ifndef MOPS_SERVICES_WORKFLOWS_TEMPLATE_RULES_H_
#define MOPS_SERVICES_WORKFLOWS_TEMPLATE_RULES_H_

#include "absl/status/status.h"
#include "mops/v1/workflows.pb.h"

namespace mops::services::workflows {

// Roles a task's or group's team and assignee may name.
inline constexpr char kProjectTeam[] = "project.team";
inline constexpr char kProjectOwner[] = "project.owner";
inline constexpr char kRunStarter[] = "run.starter";

inline constexpr int kMaxStageIdLength = 40;

// INVALID_ARGUMENT naming the stage and field ("stages[legal].approval.
// on_changes_requested: ...") or the variable, at the first problem:
// variables (names, types, currencies, defaults), stage ids and kinds,
// `after` references, cycles (only rework may point back), unreachable
// stages (after an end stage), {{placeholders}} naming unknown variables
// or ones of the wrong type, conditions that do not parse, branches and
// rework targets that are not where they must be, business durations.
absl::Status ValidateTemplate(const v1::WorkflowTemplate& t);

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_TEMPLATE_RULES_H_

// The common shape of the task state methods: load, check, change, save,
// record the state change.
#ifndef MOPS_SERVICES_PROJECTS_COMMANDS_TASK_TRANSITION_H_
#define MOPS_SERVICES_PROJECTS_COMMANDS_TASK_TRANSITION_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mops/v1/projects.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::projects::commands {

// Loads the task `name`, checks the caller and `etag`, applies `change`,
// saves it and emits task.state_changed when the state moved; then `after`.
absl::Status Transition(
    storage::Txn& txn, const Principal& p, absl::string_view name,
    absl::string_view etag,
    const std::function<absl::Status(v1::Task&)>& change, v1::Task* out,
    const std::function<absl::Status(const v1::Task&)>& after = nullptr);

// FAILED_PRECONDITION: `action` is not allowed from the task's state.
absl::Status IllegalFrom(const v1::Task& t, absl::string_view action,
                         absl::string_view hint = "");

// FAILED_PRECONDITION naming the dependencies of `t` that are not done.
absl::Status RequireDependenciesDone(const storage::Reader& reader,
                                     const v1::Task& t,
                                     absl::string_view action);

// Validate of the methods that take a task name.
absl::Status ValidateTaskName(absl::string_view name);

}  // namespace mops::services::projects::commands

#endif  // MOPS_SERVICES_PROJECTS_COMMANDS_TASK_TRANSITION_H_

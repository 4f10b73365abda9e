#include <string>
#include <utility>
#include <vector>

#include "services/common/events.h"
#include "services/projects/keys.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {
namespace {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

// After `done` completes: dependents whose dependencies are all done now.
absl::Status RecordUnblocked(Txn& txn, const v1::Event& cause) {
  const v1::Task& done = cause.task_state_changed().task();
  if (done.state() != v1::Task::DONE) return absl::OkStatus();
  const TaskId id = IdOf(done);
  std::vector<std::pair<std::string, std::string>> dependents;
  RETURN_IF_ERROR(txn.Scan(Cf::kIndex,
                           keys::IdxTaskDependents(id.project, id.task), "",
                           [&](absl::string_view key, absl::string_view) {
                             if (auto d = keys::TaskOfIndexRow(key))
                               dependents.push_back(*d);
                             return true;
                           }));
  for (const auto& [project, task_id] : dependents) {
    // Gone (its project is being deleted in chunks): nothing to unblock.
    absl::StatusOr<v1::Task> loaded = LoadTask(txn, project, task_id);
    if (absl::IsNotFound(loaded.status())) continue;
    ASSIGN_OR_RETURN(v1::Task d, std::move(loaded));
    if (!IsOpen(d.state())) continue;
    ASSIGN_OR_RETURN(std::vector<std::string> unfinished,
                     UnfinishedDependencies(txn, d));
    if (!unfinished.empty()) continue;
    v1::Event e;
    v1::TaskUnblocked* payload = e.mutable_task_unblocked();
    *payload->mutable_task() = d;
    payload->set_completed_dependency(done.name());
    EmitReaction(txn, cause, d.name(), std::move(e));
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterReactions(Reactions& reactions) {
  reactions.On("task.state_changed", "projects.unblock-dependents",
               RecordUnblocked);
  RegisterWorkflowReactions(reactions);
}

}  // namespace mops::services::projects

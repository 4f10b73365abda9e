// The projects domain's part of workflow runs: a task stage's tasks are
// made when the stage is entered, and a run that ends cancels the open
// tasks of its cancelled stages, each in the commit of its cause.
#include <string>
#include <utility>

#include "services/common/run_work.h"
#include "services/common/validation.h"
#include "services/projects/commands/commands.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {
namespace {

using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CreateStageTasks(Txn& txn, const v1::Event& cause) {
  const v1::WorkflowStageEvent& e = cause.workflow_stage_entered();
  if (e.tasks().empty()) return absl::OkStatus();
  const Principal p = RunAuthority(e.workflow());
  for (const v1::Task& spec : e.tasks()) {
    // The run named the task when it entered the stage.
    ASSIGN_OR_RETURN(auto ids, ParseTaskName("task.name", spec.name()));
    v1::CreateTaskRequest req;
    req.set_parent(e.workflow().project());
    req.set_task_id(ids.second);
    *req.mutable_task() = spec;
    req.mutable_task()->clear_name();
    // Validate what the template's text rendered to; the links are the
    // reaction's own, so they are checked without them.
    v1::CreateTaskRequest shape = req;
    shape.mutable_task()->clear_workflow();
    shape.mutable_task()->clear_workflow_stage();
    RETURN_IF_ERROR(commands::CreateTask().Validate(shape));
    v1::Task made;
    RETURN_IF_ERROR(commands::CreateTask().Apply(txn, p, req, &made));
  }
  return absl::OkStatus();
}

// On workflow.cancelled, .completed and .failed.
absl::Status CancelStageTasks(Txn& txn, const v1::Workflow& w) {
  const Principal p = RunAuthority(w);
  for (const v1::WorkflowStageState& s : w.stages()) {
    if (s.state() != v1::WorkflowStageState::CANCELLED) continue;
    for (const std::string& name : s.tasks()) {
      ASSIGN_OR_RETURN(bool open, TaskIsOpen(txn, name));
      if (!open) continue;
      v1::TaskActionRequest req;
      req.set_name(name);
      v1::Task cancelled;
      RETURN_IF_ERROR(commands::CancelTask().Apply(txn, p, req, &cancelled));
    }
  }
  return absl::OkStatus();
}

}  // namespace

namespace internal {
void RegisterWorkflowReactions(Reactions& reactions) {
  reactions.On("workflow.stage_entered", "projects.create-stage-tasks",
               CreateStageTasks);
  for (const char* type : kRunEndedTypes) {
    reactions.On(type, "projects.cancel-run-tasks",
                 [](Txn& txn, const v1::Event& e) {
                   return CancelStageTasks(txn, EndedRun(e));
                 });
  }
}
}  // namespace internal

}  // namespace mops::services::projects

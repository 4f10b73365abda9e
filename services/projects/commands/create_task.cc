#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/projects/commands/commands.h"
#include "services/projects/keys.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CreateTask::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("parent", req.parent(), "projects/*").status());
  if (!req.task_id().empty())
    RETURN_IF_ERROR(ValidateId("task_id", req.task_id()));
  RETURN_IF_ERROR(ValidateRequired("task.title", req.task().title()));
  // Only a workflow run links its tasks (the reaction calls Apply).
  if (!req.task().workflow().empty() || !req.task().workflow_stage().empty()) {
    return absl::InvalidArgumentError(
        "task.workflow and task.workflow_stage are output only");
  }
  return ValidateTaskFields(req.task());
}

absl::Status CreateTask::Apply(Txn& txn, const Principal& p, const Request& req,
                               Response* out) const {
  v1::Task& task = *out;
  ASSIGN_OR_RETURN(std::string project_id,
                   ParseId("parent", req.parent(), "projects/*"));
  ASSIGN_OR_RETURN(auto shared_project, SharedProject(txn, project_id));
  const v1::Project& project = *shared_project;
  std::string task_id = req.task_id();
  if (task_id.empty()) {
    // FreshId checked that no task has it.
    ASSIGN_OR_RETURN(task_id,
                     FreshId(txn, Cf::kRecords, 't', [&](const std::string& i) {
                       return keys::Task(project_id, i);
                     }));
  } else {
    ASSIGN_OR_RETURN(auto existing,
                     txn.Get(Cf::kRecords, keys::Task(project_id, task_id)));
    if (existing) {
      return absl::AlreadyExistsError(absl::StrCat(
          "task \"", project.name(), "/tasks/", task_id, "\" already exists"));
    }
  }
  const v1::Task& in = req.task();
  task.set_name(absl::StrCat(project.name(), "/tasks/", task_id));
  task.set_title(in.title());
  task.set_description(in.description());
  if (in.team().empty()) {
    task.set_team(project.team());
  } else {
    ASSIGN_OR_RETURN(
        *task.mutable_team(),
        ResolveMember(txn, "task.team", in.team(), "teams/", true));
  }
  if (!in.assignee().empty()) {
    ASSIGN_OR_RETURN(
        *task.mutable_assignee(),
        ResolveMember(txn, "task.assignee", in.assignee(), "users/", false));
  }
  RETURN_IF_ERROR(
      RequireTaskWriter(txn, p, task, false, "create tasks like", &project));
  task.set_state(v1::Task::TODO);
  task.set_priority(in.priority() == v1::Task::PRIORITY_UNSPECIFIED
                        ? v1::Task::P2
                        : in.priority());
  if (in.has_start_time()) *task.mutable_start_time() = in.start_time();
  if (in.has_due_time()) *task.mutable_due_time() = in.due_time();
  if (in.has_estimate()) *task.mutable_estimate() = in.estimate();
  *task.mutable_labels() = in.labels();
  *task.mutable_custom_fields() = in.custom_fields();
  *task.mutable_dependencies() = in.dependencies();
  task.set_workflow(in.workflow());
  task.set_workflow_stage(in.workflow_stage());
  RETURN_IF_ERROR(ResolveDependencies(txn, {project_id, task_id}, &task));
  *task.mutable_create_time() = ToProtoTime(txn.Now());
  SaveTask(txn, nullptr, &task);
  v1::Event e;
  *e.mutable_task_created()->mutable_task() = task;
  Emit(txn, p, task.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::projects::commands

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "services/projects/commands/commands.h"
#include "services/projects/keys.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

constexpr absl::string_view kUpdatable[] = {
    "title",    "description",   "team",        "assignee",
    "priority", "start_time",    "due_time",    "estimate",
    "labels",   "custom_fields", "dependencies"};
constexpr absl::string_view kNote = "(state changes have their own methods)";

}  // namespace

absl::Status UpdateTask::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseTaskName("task.name", req.task().name()).status());
  return UpdatePaths(req.update_mask(), req.task(), kUpdatable, kNote).status();
}

absl::Status UpdateTask::Apply(Txn& txn, const Principal& p, const Request& req,
                               Response* out) const {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("task.name", req.task().name()));
  ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      UpdatePaths(req.update_mask(), req.task(), kUpdatable, kNote));
  ASSIGN_OR_RETURN(const v1::Task old, LoadTask(txn, ids.first, ids.second));
  RETURN_IF_ERROR(RequireTaskWriter(txn, p, old, false, "update"));
  RETURN_IF_ERROR(CheckEtag(req.task().etag(), old.etag(), old.name()));
  v1::Task task = old;
  const v1::Task& in = req.task();
  for (const std::string& path : paths) {
    if (path == "title") {
      RETURN_IF_ERROR(ValidateRequired("task.title", in.title()));
      task.set_title(in.title());
    } else if (path == "description") {
      task.set_description(in.description());
    } else if (path == "team") {
      if (in.team().empty()) {
        task.clear_team();
      } else {
        ASSIGN_OR_RETURN(
            *task.mutable_team(),
            ResolveMember(txn, "task.team", in.team(), "teams/", true));
      }
    } else if (path == "assignee") {
      if (in.assignee().empty()) {
        task.clear_assignee();
      } else {
        ASSIGN_OR_RETURN(*task.mutable_assignee(),
                         ResolveMember(txn, "task.assignee", in.assignee(),
                                       "users/", false));
      }
    } else if (path == "priority") {
      task.set_priority(in.priority() == v1::Task::PRIORITY_UNSPECIFIED
                            ? v1::Task::P2
                            : in.priority());
    } else if (path == "start_time") {
      if (in.has_start_time()) {
        *task.mutable_start_time() = in.start_time();
      } else {
        task.clear_start_time();
      }
    } else if (path == "due_time") {
      if (in.has_due_time()) {
        *task.mutable_due_time() = in.due_time();
      } else {
        task.clear_due_time();
      }
    } else if (path == "estimate") {
      if (in.has_estimate()) {
        *task.mutable_estimate() = in.estimate();
      } else {
        task.clear_estimate();
      }
    } else if (path == "labels") {
      *task.mutable_labels() = in.labels();
    } else if (path == "custom_fields") {
      *task.mutable_custom_fields() = in.custom_fields();
    } else if (path == "dependencies") {
      *task.mutable_dependencies() = in.dependencies();
      RETURN_IF_ERROR(ResolveDependencies(txn, {ids.first, ids.second}, &task));
    }
  }
  RETURN_IF_ERROR(ValidateTaskFields(task));
  SaveTask(txn, &old, &task);
  v1::Event e;
  *e.mutable_task_updated()->mutable_task() = task;
  e.mutable_task_updated()->mutable_fields()->Assign(paths.begin(),
                                                     paths.end());
  Emit(txn, p, task.name(), std::move(e));
  *out = std::move(task);
  return absl::OkStatus();
}

}  // namespace mops::services::projects::commands

#include "services/projects/commands/task_transition.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/projects/keys.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::commands {

using storage::Cf;
using storage::Reader;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status Transition(
    Txn& txn, const Principal& p, absl::string_view name,
    absl::string_view etag,
    const std::function<absl::Status(v1::Task&)>& change, v1::Task* out,
    const std::function<absl::Status(const v1::Task&)>& after) {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("name", name));
  ASSIGN_OR_RETURN(const v1::Task old, LoadTask(txn, ids.first, ids.second));
  RETURN_IF_ERROR(RequireTaskWriter(txn, p, old, true, "change the state of"));
  RETURN_IF_ERROR(CheckEtag(etag, old.etag(), old.name()));
  v1::Task& task = *out;
  task = old;
  RETURN_IF_ERROR(change(task));
  SaveTask(txn, &old, &task);
  if (old.state() != task.state()) {
    v1::Event e;
    v1::TaskStateChanged* payload = e.mutable_task_state_changed();
    *payload->mutable_task() = task;
    payload->set_from(old.state());
    Emit(txn, p, task.name(), std::move(e));
  }
  if (after) RETURN_IF_ERROR(after(task));
  return absl::OkStatus();
}

absl::Status ValidateTaskName(absl::string_view name) {
  return ParseTaskName("name", name).status();
}

absl::Status IllegalFrom(const v1::Task& t, absl::string_view action,
                         absl::string_view hint) {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", action, " ", t.name(), ": it is ",
      v1::Task::State_Name(t.state()), hint.empty() ? "" : "; ", hint));
}

absl::Status RequireDependenciesDone(const Reader& reader, const v1::Task& t,
                                     absl::string_view action) {
  ASSIGN_OR_RETURN(std::vector<std::string> unfinished,
                   UnfinishedDependencies(reader, t));
  if (unfinished.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", action, " ", t.name(),
      ": unfinished dependencies: ", absl::StrJoin(unfinished, ", ")));
}

}  // namespace mops::services::projects::commands

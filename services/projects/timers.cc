#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"

namespace mops::services::projects {

using mops::internal::v1::TimerRecord;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status FireOverdue(Txn& txn, const TimerRecord& timer) {
  auto ids = ParseTaskName("task", timer.target());
  if (!ids.ok()) return absl::OkStatus();
  absl::StatusOr<v1::Task> task = LoadTask(txn, ids->first, ids->second);
  if (!task.ok() || !IsOpen(task->state())) return absl::OkStatus();
  int64_t due = 0;
  if (!absl::SimpleAtoi(timer.payload(), &due) || due != DueMicros(*task)) {
    return absl::OkStatus();  // the due time moved; a newer timer covers it
  }
  v1::Event e;
  *e.mutable_task_overdue()->mutable_task() = *task;
  Emit(txn, Principal::System(), task->name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::projects

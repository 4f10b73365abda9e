#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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
  mops::internal::v1::TaskOverdueTimer payload;
  // In micros, as the due index and the re-arm check compare them.
  if (!timer.payload().UnpackTo(&payload) || !task->has_due_time() ||
      absl::ToUnixMicros(FromProtoTime(payload.due_time())) !=
          DueMicros(*task)) {
    return absl::OkStatus();  // the due time moved; a newer timer covers it
  }
  v1::Event e;
  *e.mutable_task_overdue()->mutable_task() = *task;
  Emit(txn, Principal::System(), task->name(), std::move(e));
  return absl::OkStatus();
}

absl::Status UpgradeOverdueTimer(TimerRecord* timer) {
  int64_t due = 0;
  if (!absl::SimpleAtoi(timer->format2_payload(), &due)) {
    return absl::DataLossError(
        absl::StrCat("timer of ", timer->target(), ": due time \"",
                     timer->format2_payload(), "\" is not a number"));
  }
  mops::internal::v1::TaskOverdueTimer payload;
  *payload.mutable_due_time() = ToProtoTime(absl::FromUnixMicros(due));
  timer->mutable_payload()->PackFrom(payload);
  return absl::OkStatus();
}

}  // namespace mops::services::projects

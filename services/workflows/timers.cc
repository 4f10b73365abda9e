// The run's timers: a stage's deadline and a wait stage's wake. A timer
// that no longer matches its stage (another round, a moved deadline, the
// run suspended or ended) does nothing; resuming sets them again.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "mops/internal/v1/records.pb.h"
#include "services/common/time_util.h"
#include "services/workflows/run.h"
#include "services/workflows/service.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {
namespace {

using mops::internal::v1::TimerRecord;
using storage::Txn;
using StageState = v1::WorkflowStageState;

// The run and the active stage the timer was set for; -1 when stale.
template <typename Payload>
absl::StatusOr<std::pair<std::optional<Run>, int>> Matching(
    Txn& txn, const TimerRecord& timer, Payload* payload,
    const google::protobuf::Timestamp& (Payload::*when)() const) {
  if (!timer.payload().UnpackTo(payload)) {
    return absl::InternalError(absl::StrCat(timer.kind(), " timer of ",
                                            timer.target(),
                                            " has a payload of another type"));
  }
  ASSIGN_OR_RETURN(std::string id, ParseRunName("target", timer.target()));
  absl::StatusOr<Run> run = Run::Load(txn, id, Mover::Server());
  if (absl::IsNotFound(run.status())) return std::make_pair(std::nullopt, -1);
  RETURN_IF_ERROR(run.status());
  const int i = run->Index(payload->stage());
  if (!run->running() || i < 0) return std::make_pair(std::nullopt, -1);
  const StageState& s = run->workflow().stages(i);
  if (s.state() != StageState::ACTIVE || s.round() != payload->round() ||
      FromProtoTime(s.due_time()) != FromProtoTime((payload->*when)())) {
    return std::make_pair(std::nullopt, -1);
  }
  return std::make_pair(std::optional<Run>(*std::move(run)), i);
}

absl::Status FireStageDue(Txn& txn, const TimerRecord& timer) {
  mops::internal::v1::WorkflowStageDueTimer due;
  ASSIGN_OR_RETURN(
      auto match,
      Matching(txn, timer, &due,
               &mops::internal::v1::WorkflowStageDueTimer::due_time));
  auto& [run, i] = match;
  if (!run || run->workflow().stages(i).overdue()) return absl::OkStatus();
  run->MarkOverdue(i);
  run->Save();
  return absl::OkStatus();
}

absl::Status FireWait(Txn& txn, const TimerRecord& timer) {
  mops::internal::v1::WorkflowWaitTimer wait;
  ASSIGN_OR_RETURN(auto match,
                   Matching(txn, timer, &wait,
                            &mops::internal::v1::WorkflowWaitTimer::until));
  auto& [run, i] = match;
  if (!run) return absl::OkStatus();
  RETURN_IF_ERROR(run->Finish(i, StageState::DONE, "waited", ""));
  run->Save();
  return absl::OkStatus();
}

}  // namespace

void RegisterTimers(storage::Engine& engine) {
  engine.RegisterTimerHandler(kStageDueTimer, FireStageDue);
  engine.RegisterTimerHandler(kWaitTimer, FireWait);
}

}  // namespace mops::services::workflows

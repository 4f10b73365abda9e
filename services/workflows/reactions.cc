// How runs follow their tasks and approvals: each reaction runs in the
// commit of the event it follows, so a task completed and the run it
// advanced are one write.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/projects/projects.h"
#include "services/workflows/run.h"
#include "services/workflows/service.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {
namespace {

using storage::Txn;
using StageState = v1::WorkflowStageState;

// The run and stage a task or approval belongs to, when it belongs to one
// that is still open and has the stage active; nullopt otherwise (the
// event is not the run's business any more).
struct Target {
  Run run;
  int stage;
};
// `item` is the task or approval: a migration may have renamed the stage
// that made it, so the stage that lists it wins over its recorded id.
absl::StatusOr<std::optional<Target>> TargetOf(Txn& txn,
                                               const std::string& workflow,
                                               const std::string& stage,
                                               const v1::Event& cause,
                                               absl::string_view item = "") {
  if (workflow.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(std::string id, ParseRunName("workflow", workflow));
  absl::StatusOr<Run> run = Run::Load(txn, id, Mover::Reacting(cause));
  if (absl::IsNotFound(run.status())) return std::nullopt;
  RETURN_IF_ERROR(run.status());
  int i = run->Index(stage);
  for (int k = 0; k < run->workflow().stages_size() && !item.empty(); ++k) {
    const StageState& s = run->workflow().stages(k);
    if (s.approval() == item || std::find(s.tasks().begin(), s.tasks().end(),
                                          item) != s.tasks().end()) {
      i = k;
      break;
    }
  }
  if (i < 0 || !run->open()) return std::nullopt;
  if (run->workflow().stages(i).state() != StageState::ACTIVE) {
    return std::nullopt;
  }
  return Target{*std::move(run), i};
}

// The approval stage that asked for `a` (this approval, not an earlier
// stage's of the same id).
absl::StatusOr<std::optional<Target>> TargetOfApproval(Txn& txn,
                                                       const v1::Approval& a,
                                                       const v1::Event& e) {
  ASSIGN_OR_RETURN(auto target, TargetOf(txn, a.workflow(), a.workflow_stage(),
                                         e, a.name()));
  if (target &&
      target->run.workflow().stages(target->stage).approval() != a.name()) {
    return std::nullopt;
  }
  return target;
}

// A task of a task stage was done, cancelled (or reopened, which changes
// nothing): the stage is done when none of its tasks is open.
absl::Status TaskChanged(Txn& txn, const v1::Event& e) {
  const v1::Task& t = e.task_state_changed().task();
  if (t.state() != v1::Task::DONE && t.state() != v1::Task::CANCELLED) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(auto target, TargetOf(txn, t.workflow(), t.workflow_stage(),
                                         e, t.name()));
  if (!target) return absl::OkStatus();
  Run& run = target->run;
  const StageState& s = run.workflow().stages(target->stage);
  for (const std::string& name : s.tasks()) {
    ASSIGN_OR_RETURN(bool open, projects::TaskIsOpen(txn, name));
    if (open) return absl::OkStatus();
  }
  RETURN_IF_ERROR(run.Finish(
      target->stage, StageState::DONE,
      s.round() > 1 ? absl::StrCat("done in round ", s.round()) : "done", ""));
  run.Save();
  return absl::OkStatus();
}

absl::Status ApprovalDecided(Txn& txn, const v1::Event& e) {
  const v1::Approval& a = e.approval_decided().approval();
  if (a.state() != v1::Approval::CHANGES_REQUESTED) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto target, TargetOfApproval(txn, a, e));
  if (!target) return absl::OkStatus();
  Run& run = target->run;
  const int i = target->stage;
  if (run.spec().stages(i).approval().on_changes_requested().empty()) {
    // No rework edge: the requester resubmits it by hand.
    StageState& s = run.stage(i);
    s.set_outcome("changes requested; waiting for a resubmission");
    run.Record(v1::WorkflowHistoryEntry::REWORKED, &s, s.outcome());
  } else {
    RETURN_IF_ERROR(run.Rework(i));
  }
  run.Save();
  return absl::OkStatus();
}

absl::Status ApprovalCompleted(Txn& txn, const v1::Event& e) {
  const v1::Approval& a = e.approval_completed().approval();
  ASSIGN_OR_RETURN(auto target, TargetOfApproval(txn, a, e));
  if (!target) return absl::OkStatus();
  Run& run = target->run;
  const int i = target->stage;
  const bool has_reject_path =
      !run.spec().stages(i).approval().on_rejected().empty();
  switch (a.state()) {
    case v1::Approval::APPROVED:
      RETURN_IF_ERROR(run.Finish(i, StageState::DONE, "approved", "approved"));
      break;
    case v1::Approval::REJECTED:
    case v1::Approval::EXPIRED: {
      const std::string how =
          a.state() == v1::Approval::REJECTED ? "rejected" : "expired";
      RETURN_IF_ERROR(has_reject_path
                          ? run.Finish(i, StageState::DONE, how, "rejected")
                          : run.Finish(i, StageState::FAILED,
                                       absl::StrCat(a.name(), " ", how), ""));
      break;
    }
    default:
      // Cancelled by someone while the run needed it.
      RETURN_IF_ERROR(run.Finish(i, StageState::FAILED,
                                 absl::StrCat(a.name(), " was cancelled"), ""));
      break;
  }
  run.Save();
  return absl::OkStatus();
}

}  // namespace

void RegisterReactions(Reactions& reactions) {
  reactions.On("task.state_changed", "workflows.task-changed", TaskChanged);
  reactions.On("approval.decided", "workflows.changes-requested",
               ApprovalDecided);
  reactions.On("approval.completed", "workflows.approval-completed",
               ApprovalCompleted);
}

}  // namespace mops::services::workflows

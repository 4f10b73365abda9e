// Cancel, suspend and resume: a person stopping or pausing a run. Members
// of the run's project's team (and admins) may.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/run.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Txn;
using History = v1::WorkflowHistoryEntry;

namespace {

absl::StatusOr<Run> LoadToChange(Txn& txn, const Principal& p,
                                 absl::string_view name,
                                 absl::string_view action) {
  ASSIGN_OR_RETURN(std::string id, ParseRunName("name", name));
  ASSIGN_OR_RETURN(Run run, Run::Load(txn, id, Mover::Caller(p)));
  RETURN_IF_ERROR(
      RequireProjectMember(txn, p, run.workflow().project(), action));
  return run;
}

absl::Status NotIn(const v1::Workflow& w, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat(w.name(), " is ", v1::Workflow::State_Name(w.state()),
                   "; only a ", what));
}

}  // namespace

absl::Status CancelWorkflow::Validate(const Request& req) const {
  return ParseRunName("name", req.name()).status();
}

absl::Status CancelWorkflow::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(Run run, LoadToChange(txn, p, req.name(),
                                         "cancel workflows of its projects"));
  if (!run.open()) {
    return NotIn(run.workflow(), "running or suspended run is cancelled");
  }
  run.End(v1::Workflow::CANCELLED,
          req.reason().empty() ? "cancelled" : req.reason());
  run.Save();
  return run.Answer(out);
}

absl::Status SuspendWorkflow::Validate(const Request& req) const {
  return ParseRunName("name", req.name()).status();
}

absl::Status SuspendWorkflow::Apply(Txn& txn, const Principal& p,
                                    const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(Run run, LoadToChange(txn, p, req.name(),
                                         "suspend workflows of its projects"));
  if (!run.running()) {
    return NotIn(run.workflow(), "running run is suspended");
  }
  v1::Workflow& w = run.workflow();
  w.set_state(v1::Workflow::SUSPENDED);
  *w.mutable_suspend_time() = ToProtoTime(txn.Now());
  run.Record(History::SUSPENDED, nullptr, req.reason());
  v1::Event e;
  *e.mutable_workflow_suspended()->mutable_workflow() = run.Snapshot();
  run.EmitRun(std::move(e));
  run.Save();
  return run.Answer(out);
}

absl::Status ResumeWorkflow::Validate(const Request& req) const {
  return ParseRunName("name", req.name()).status();
}

absl::Status ResumeWorkflow::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(Run run, LoadToChange(txn, p, req.name(),
                                         "resume workflows of its projects"));
  v1::Workflow& w = run.workflow();
  if (w.state() != v1::Workflow::SUSPENDED) {
    return NotIn(w, "suspended run is resumed");
  }
  RETURN_IF_ERROR(run.ShiftClocks(FromProtoTime(w.suspend_time()), txn.Now()));
  w.set_state(v1::Workflow::RUNNING);
  w.clear_suspend_time();
  run.Record(History::RESUMED, nullptr);
  v1::Event e;
  *e.mutable_workflow_resumed()->mutable_workflow() = run.Snapshot();
  run.EmitRun(std::move(e));
  // Stages finished while it was suspended lead on now.
  RETURN_IF_ERROR(run.Advance());
  run.Save();
  return run.Answer(out);
}

}  // namespace mops::services::workflows::commands

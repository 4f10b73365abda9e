// The approvals domain's part of workflow runs: an approval stage's
// approval is asked for when the stage is entered (resubmitted when it is
// entered again after a rework), and a run that ends cancels the open
// approvals of its cancelled stages, each in the commit of its cause.
#include <string>
#include <utility>

#include "services/approvals/approvals.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/keys.h"
#include "services/approvals/state.h"
#include "services/common/ids.h"
#include "services/common/run_work.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals {
namespace {

using storage::Txn;
using namespace internal;  // NOLINT

absl::Status AskForApproval(Txn& txn, const Subjects* subjects,
                            const v1::Event& cause) {
  const v1::WorkflowStageEvent& e = cause.workflow_stage_entered();
  if (!e.has_approval()) return absl::OkStatus();
  const Principal p = RunAuthority(e.workflow());
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("approval", e.approval().name(), "approvals/*"));
  absl::StatusOr<v1::Approval> existing = LoadApproval(txn, id);
  if (existing.ok()) {
    // Someone resubmitted it by hand meanwhile: the round is open already.
    if (existing->state() == v1::Approval::PENDING) return absl::OkStatus();
    v1::ResubmitApprovalRequest req;
    req.set_name(e.approval().name());
    req.set_asset_version(e.approval().asset_version());
    req.set_comment("reworked in " + e.workflow().name());
    v1::Approval out;
    return commands::ResubmitApproval().Apply(txn, p, req, &out);
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  const commands::CreateApproval create{subjects, id};
  v1::CreateApprovalRequest req;
  *req.mutable_approval() = e.approval();
  req.mutable_approval()->clear_name();
  // What the template rendered is checked as a caller's approval would be;
  // the links are the reaction's own.
  v1::CreateApprovalRequest shape = req;
  shape.mutable_approval()->clear_workflow();
  shape.mutable_approval()->clear_workflow_stage();
  RETURN_IF_ERROR(create.Validate(shape));
  v1::Approval out;
  return create.Apply(txn, p, req, &out);
}

absl::Status CancelStageApprovals(Txn& txn, const v1::Workflow& w) {
  const Principal p = RunAuthority(w);
  for (const v1::WorkflowStageState& s : w.stages()) {
    if (s.state() != v1::WorkflowStageState::CANCELLED) continue;
    if (s.approval().empty()) continue;
    ASSIGN_OR_RETURN(std::string id,
                     ParseId("approval", s.approval(), "approvals/*"));
    absl::StatusOr<v1::Approval> a = LoadApproval(txn, id);
    if (absl::IsNotFound(a.status())) continue;
    RETURN_IF_ERROR(a.status());
    if (a->state() != v1::Approval::PENDING &&
        a->state() != v1::Approval::CHANGES_REQUESTED) {
      continue;
    }
    v1::CancelApprovalRequest req;
    req.set_name(s.approval());
    v1::Approval out;
    RETURN_IF_ERROR(commands::CancelApproval().Apply(txn, p, req, &out));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> FreshApprovalId(const storage::Reader& reader) {
  return FreshId(reader, storage::Cf::kRecords, 'a',
                 [](const std::string& i) { return keys::Approval(i); });
}

void RegisterReactions(Reactions& reactions, const Subjects* subjects) {
  reactions.On("workflow.stage_entered", "approvals.ask-for-stage-approval",
               [subjects](Txn& txn, const v1::Event& e) {
                 return AskForApproval(txn, subjects, e);
               });
  for (const char* type : kRunEndedTypes) {
    reactions.On(type, "approvals.cancel-run-approvals",
                 [](Txn& txn, const v1::Event& e) {
                   return CancelStageApprovals(txn, EndedRun(e));
                 });
  }
}

}  // namespace mops::services::approvals

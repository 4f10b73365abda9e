#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/state.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::commands {

using storage::Txn;
using namespace internal;  // NOLINT

absl::Status ResubmitApproval::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("name", req.name(), "approvals/*").status());
  RETURN_IF_ERROR(
      ValidateLength("comment", req.comment(), kMaxDescriptionLength));
  return ValidateLength("asset_version", req.asset_version(),
                        kMaxDisplayNameLength);
}

absl::Status ResubmitApproval::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  ASSIGN_OR_RETURN(v1::Approval a, LoadApproval(txn, id));
  const v1::Approval old = a;
  RETURN_IF_ERROR(RequireRequesterOrAdmin(p, a, "resubmit"));
  if (a.state() != v1::Approval::CHANGES_REQUESTED) {
    return absl::FailedPreconditionError(absl::StrCat(
        a.name(), " is ", v1::Approval::State_Name(a.state()),
        "; only an approval with changes requested is resubmitted"));
  }
  a.set_round(a.round() + 1);
  a.set_state(v1::Approval::PENDING);
  if (!req.asset_version().empty()) a.set_asset_version(req.asset_version());
  RETURN_IF_ERROR(ResolveEligible(txn, &a));
  RETURN_IF_ERROR(ScheduleRound(txn, &a));
  SaveApproval(txn, &old, &a);
  v1::Event resubmitted;
  *resubmitted.mutable_approval_resubmitted()->mutable_approval() = a;
  resubmitted.mutable_approval_resubmitted()->set_comment(req.comment());
  Emit(txn, p, a.name(), std::move(resubmitted));
  // The new round is asked of its approvers like the first one.
  v1::Event requested;
  *requested.mutable_approval_requested()->mutable_approval() = a;
  Emit(txn, p, a.name(), std::move(requested));
  *out = std::move(a);
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::commands

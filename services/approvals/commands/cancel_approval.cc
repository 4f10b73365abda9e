#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/state.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::commands {

using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CancelApproval::Validate(const Request& req) const {
  return ParseId("name", req.name(), "approvals/*").status();
}

absl::Status CancelApproval::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  ASSIGN_OR_RETURN(v1::Approval a, LoadApproval(txn, id));
  const v1::Approval old = a;
  RETURN_IF_ERROR(RequireRequesterOrAdmin(p, a, "cancel"));
  if (a.state() != v1::Approval::PENDING &&
      a.state() != v1::Approval::CHANGES_REQUESTED) {
    return absl::FailedPreconditionError(
        absl::StrCat(a.name(), " is ", v1::Approval::State_Name(a.state()),
                     " and cannot be cancelled"));
  }
  a.set_state(v1::Approval::CANCELLED);
  *a.mutable_complete_time() = ToProtoTime(txn.Now());
  SaveApproval(txn, &old, &a);
  EmitCompleted(txn, p, a, v1::ApprovalCompleted::CANCELLED);
  *out = std::move(a);
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::commands

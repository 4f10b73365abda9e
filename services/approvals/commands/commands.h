// The write RPCs of approvals and delegations, one command each (the
// pattern is in services/common/binder.h); each is defined in its own file
// here.
#ifndef MOPS_SERVICES_APPROVALS_COMMANDS_COMMANDS_H_
#define MOPS_SERVICES_APPROVALS_COMMANDS_COMMANDS_H_

#include <string>

#include "mops/v1/approvals.pb.h"
#include "services/common/command.h"
#include "services/common/subjects.h"

namespace mops::services::approvals::commands {

// Checks its subject through the server's subject registry (which domain
// owns a name is the wiring's business, not the approvals domain's).
struct CreateApproval {
  using Request = v1::CreateApprovalRequest;
  using Response = v1::Approval;
  const Subjects* subjects = nullptr;
  // Set by a reaction that chose the name (a workflow stage names its
  // approval up front); a caller's approval gets a fresh id.
  std::string id;
  absl::Status Validate(const Request& req) const;
  absl::Status Apply(storage::Txn& txn, const Principal& p, const Request& req,
                     Response* out) const;
};
MOPS_DECLARE_COMMAND(DecideApproval, v1::DecideApprovalRequest, v1::Approval);
MOPS_DECLARE_COMMAND(ResubmitApproval, v1::ResubmitApprovalRequest,
                     v1::Approval);
MOPS_DECLARE_COMMAND(CancelApproval, v1::CancelApprovalRequest, v1::Approval);

MOPS_DECLARE_COMMAND(CreateDelegation, v1::CreateDelegationRequest,
                     v1::Delegation);
MOPS_DECLARE_COMMAND(DeleteDelegation, v1::DeleteDelegationRequest,
                     v1::DeleteDelegationResponse);

}  // namespace mops::services::approvals::commands

#endif  // MOPS_SERVICES_APPROVALS_COMMANDS_COMMANDS_H_

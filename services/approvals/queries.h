// The read RPCs of approvals and delegations (the pattern is in
// services/common/binder.h).
#ifndef MOPS_SERVICES_APPROVALS_QUERIES_H_
#define MOPS_SERVICES_APPROVALS_QUERIES_H_

#include "mops/v1/approvals.pb.h"
#include "services/common/command.h"
#include "storage/clock.h"

namespace mops::services::approvals::queries {

MOPS_DECLARE_QUERY(GetApproval, v1::GetApprovalRequest, v1::Approval);
MOPS_DECLARE_QUERY(ListDelegations, v1::ListDelegationsRequest,
                   v1::ListDelegationsResponse);

// An inbox depends on which delegations are active now: `clock` says when.
struct ListApprovals {
  using Request = v1::ListApprovalsRequest;
  using Response = v1::ListApprovalsResponse;
  const storage::Clock* clock = nullptr;
  absl::Status Run(const storage::Reader& reader, const Principal& p,
                   const Request& req, Response* out) const;
};

}  // namespace mops::services::approvals::queries

#endif  // MOPS_SERVICES_APPROVALS_QUERIES_H_

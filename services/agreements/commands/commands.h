// The write RPCs of agreements, one command each (the pattern is in
// services/common/binder.h); each is defined in its own file here.
#ifndef MOPS_SERVICES_AGREEMENTS_COMMANDS_COMMANDS_H_
#define MOPS_SERVICES_AGREEMENTS_COMMANDS_COMMANDS_H_

#include "mops/v1/agreements.pb.h"
#include "services/common/command.h"
#include "services/common/subjects.h"

namespace mops::services::agreements::commands {

MOPS_DECLARE_COMMAND(CreateAgreement, v1::CreateAgreementRequest,
                     v1::Agreement);
MOPS_DECLARE_COMMAND(UpdateAgreement, v1::UpdateAgreementRequest,
                     v1::Agreement);
// Asks for the approval through the approvals domain, which checks its
// subject through the server's subject registry.
struct SubmitAgreement {
  using Request = v1::SubmitAgreementRequest;
  using Response = v1::Agreement;
  const Subjects* subjects = nullptr;
  absl::Status Validate(const Request& req) const;
  absl::Status Apply(storage::Txn& txn, const Principal& p, const Request& req,
                     Response* out) const;
};
MOPS_DECLARE_COMMAND(RetireAgreement, v1::RetireAgreementRequest,
                     v1::Agreement);
MOPS_DECLARE_COMMAND(RecalculateClocks, v1::RecalculateClocksRequest,
                     v1::RecalculateClocksResponse);

}  // namespace mops::services::agreements::commands

#endif  // MOPS_SERVICES_AGREEMENTS_COMMANDS_COMMANDS_H_

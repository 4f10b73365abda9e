#include <string>

#include "services/agreements/commands/commands.h"
#include "services/agreements/commands/draft.h"
#include "services/agreements/keys.h"
#include "services/agreements/rules.h"
#include "services/common/ids.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::commands {

absl::Status CreateAgreement::Validate(const Request& req) const {
  if (!req.agreement_id().empty()) {
    RETURN_IF_ERROR(ValidateId("agreement_id", req.agreement_id()));
  }
  return ValidateAgreement("agreement.", Spec(req.agreement()));
}

absl::Status CreateAgreement::Apply(storage::Txn& txn, const Principal& p,
                                    const Request& req, Response* out) const {
  std::string id = req.agreement_id();
  if (id.empty()) {
    ASSIGN_OR_RETURN(
        id, FreshId(txn, storage::Cf::kRecords, 'g',
                    [](const std::string& i) { return keys::Head(i); }));
  }
  return CreateDraft(txn, p, id, req.agreement(), req.validate_only(), out);
}

}  // namespace mops::services::agreements::commands

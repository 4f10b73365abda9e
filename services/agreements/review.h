// A version's review and its outcome: activation (the version before is
// superseded) or back to draft. Internal to the agreements domain.
#ifndef MOPS_SERVICES_AGREEMENTS_REVIEW_H_
#define MOPS_SERVICES_AGREEMENTS_REVIEW_H_

#include "absl/status/status.h"
#include "mops/v1/events.pb.h"
#include "storage/engine.h"

namespace mops::services::agreements {

// Reactions to approval.completed and approval.decided on
// "agreements/{a}/versions/{n}".
absl::Status OnReviewOutcome(storage::Txn& txn, const v1::Event& e);
// Reaction to approval.requested: liaisons join the decisions that concern
// an active agreement.
absl::Status AddLiaisons(storage::Txn& txn, const v1::Event& e);

}  // namespace mops::services::agreements

#endif  // MOPS_SERVICES_AGREEMENTS_REVIEW_H_

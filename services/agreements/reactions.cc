// The agreements domain's reactions: clocks on every event type a term may
// name, reviews on their approvals, liaisons on new approvals.
#include "absl/strings/match.h"
#include "services/agreements/clocks.h"
#include "services/agreements/review.h"
#include "services/agreements/service.h"
#include "services/common/events.h"

namespace mops::services::agreements {

void RegisterReactions(Reactions& reactions) {
  for (const std::string& type : EventCatalog()) {
    // Clocks never move on their own events: no loops.
    if (absl::StartsWith(type, "agreement.")) continue;
    reactions.On(type, "agreements.drive-clocks", DriveClocks);
  }
  reactions.On("approval.completed", "agreements.review-outcome",
               OnReviewOutcome);
  reactions.On("approval.decided", "agreements.review-outcome",
               OnReviewOutcome);
  reactions.On("approval.requested", "agreements.add-liaisons", AddLiaisons);
}

void RegisterTimers(storage::Engine& engine) {
  engine.RegisterTimerHandler(kClockTimer, FireClockTimer);
}

}  // namespace mops::services::agreements

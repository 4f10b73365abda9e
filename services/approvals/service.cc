#include "services/approvals/service.h"

#include "mops/v1/approvals.grpc.pb.h"
#include "services/approvals/approvals.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/keys.h"
#include "services/approvals/queries.h"
#include "services/common/binder.h"

namespace mops::services::approvals {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindApprovalService(
    const Authenticator& auth, storage::Engine& engine,
    const Subjects& subjects) {
  return Binder("mops.v1.ApprovalService", auth, engine)
      .Command("CreateApproval", commands::CreateApproval{&subjects, ""})
      .Query<queries::GetApproval>("GetApproval")
      .Query("ListApprovals", queries::ListApprovals{engine.clock()})
      .Command<commands::DecideApproval>("DecideApproval")
      .Command<commands::ResubmitApproval>("ResubmitApproval")
      .Command<commands::CancelApproval>("CancelApproval")
      .Command<commands::CreateDelegation>("CreateDelegation")
      .Query<queries::ListDelegations>("ListDelegations")
      .Command<commands::DeleteDelegation>("DeleteDelegation")
      .Finish();
}

void RegisterTimers(storage::Engine& engine) {
  engine.RegisterTimerHandler(kReminderTimer, FireReminder);
  engine.RegisterTimerHandler(kDeadlineTimer, FireDeadline);
}

void RegisterTimerUpgrades(storage::EngineOptions& options) {
  options.timer_upgrades[kReminderTimer] = UpgradeReminderTimer;
  options.timer_upgrades[kDeadlineTimer] = UpgradeDeadlineTimer;
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

}  // namespace mops::services::approvals

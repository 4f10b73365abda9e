// Approvals and delegations: what other parts of the server and the tests
// use. The write RPCs are in commands/, the reads in queries.h, the binding
// in service.h, the approval rule in rules.h.
#ifndef MOPS_SERVICES_APPROVALS_APPROVALS_H_
#define MOPS_SERVICES_APPROVALS_APPROVALS_H_

#include "absl/status/status.h"
#include "mops/internal/v1/records.pb.h"
#include "services/common/reactions.h"
#include "services/common/subjects.h"
#include "storage/engine.h"

namespace mops::services::approvals {

inline constexpr char kReminderTimer[] = "approval.reminder";
inline constexpr char kDeadlineTimer[] = "approval.deadline";
inline constexpr int kMaxGroups = 20;
inline constexpr int kMaxGroupUsers = 100;
inline constexpr size_t kMaxUrlLength = 2000;

// The approvals of workflow approval stages: asked for (or resubmitted)
// when a stage is entered, cancelled with the run. `subjects` checks their
// subjects, as CreateApproval does; it outlives the reactions.
void RegisterReactions(Reactions& reactions, const Subjects* subjects);

// An unused approval id (a workflow stage names its approval before the
// reaction asks for it). Not reserved: draw them within one command.
absl::StatusOr<std::string> FreshApprovalId(const storage::Reader& reader);

// The approval.reminder timer: approval.reminder to who still has to
// decide, while the round it was set for is open.
absl::Status FireReminder(storage::Txn& txn,
                          const mops::internal::v1::TimerRecord& timer);
// The approval.deadline timer: the approval's deadline_action.
absl::Status FireDeadline(storage::Txn& txn,
                          const mops::internal::v1::TimerRecord& timer);
// Data format 2 -> 3: "ROUND:PERCENT" and "ROUND" become typed payloads.
absl::Status UpgradeReminderTimer(mops::internal::v1::TimerRecord* timer);
absl::Status UpgradeDeadlineTimer(mops::internal::v1::TimerRecord* timer);

}  // namespace mops::services::approvals

#endif  // MOPS_SERVICES_APPROVALS_APPROVALS_H_

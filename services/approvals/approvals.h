// Approvals and delegations: what other parts of the server and the tests
// use. The write RPCs are in commands/, the reads in queries.h, the binding
// in service.h, the approval rule in rules.h.
#ifndef MOPS_SERVICES_APPROVALS_APPROVALS_H_
#define MOPS_SERVICES_APPROVALS_APPROVALS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/approvals.pb.h"
#include "mops/v1/events.pb.h"
#include "services/common/principal.h"
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

// ---- for other domains (agreements), in their commands and reactions

// The approval "approvals/{a}"; NOT_FOUND naming it when absent.
absl::StatusOr<v1::Approval> GetApprovalNamed(const storage::Reader& reader,
                                              absl::string_view name);
// Asks for `approval` as `p`, checked as CreateApproval checks a caller's
// (its subject through `subjects`), under the id `id`.
absl::StatusOr<v1::Approval> RequestApproval(storage::Txn& txn,
                                             const Principal& p,
                                             const Subjects* subjects,
                                             v1::Approval approval,
                                             const std::string& id);
// Opens the next round of an approval whose changes were requested, as its
// requester `p` would.
absl::StatusOr<v1::Approval> ResubmitApprovalAs(storage::Txn& txn,
                                                const Principal& p,
                                                absl::string_view name,
                                                absl::string_view comment);
// Cancels a pending approval, or one whose changes were requested, with
// the server's authority (`p` is named in the event).
absl::Status CancelApprovalAs(storage::Txn& txn, const Principal& p,
                              absl::string_view name);
// The decision concerns `agreement`: its liaisons `users` join the pending
// approval `name` as one more group (one of them decides), recorded on the
// group, with approval.liaisons_added. The requester and people already
// in a group are left out; nothing happens when no one is left, the
// approval is not pending or the agreement's group is there already.
absl::Status AddLiaisonGroup(storage::Txn& txn, const v1::Event& cause,
                             absl::string_view name,
                             absl::string_view agreement,
                             const std::vector<std::string>& users);
// Escalation from outside the approval's own deadline: `users` become
// approvers of every unsatisfied group of the pending approval `name` (as
// its ESCALATE deadline action adds people), with approval.escalated.
// Returns who was added; nobody when it is not pending.
absl::StatusOr<std::vector<std::string>> EscalateApprovalTo(
    storage::Txn& txn, absl::string_view name,
    const std::vector<std::string>& users);

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

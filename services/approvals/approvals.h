// Approvals, delegations and business calendars: the rules. Writes run
// inside engine commands; reads take any Reader.
#ifndef MOPS_SERVICES_APPROVALS_APPROVALS_H_
#define MOPS_SERVICES_APPROVALS_APPROVALS_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/approvals.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::approvals {

inline constexpr char kReminderTimer[] = "approval.reminder";
inline constexpr char kDeadlineTimer[] = "approval.deadline";
inline constexpr int kMaxGroups = 20;
inline constexpr int kMaxGroupUsers = 100;

// ---- calendars

// Creates calendars/default when missing (new and older data folders).
absl::Status EnsureDefaultCalendar(storage::Txn& txn);
absl::StatusOr<v1::Calendar> GetCalendar(const storage::Reader& reader,
                                         const v1::GetCalendarRequest& req);
absl::StatusOr<v1::ListCalendarsResponse> ListCalendars(
    const storage::Reader& reader, const v1::ListCalendarsRequest& req);
absl::StatusOr<v1::Calendar> CreateCalendar(
    storage::Txn& txn, const Principal& p,
    const v1::CreateCalendarRequest& req);
absl::StatusOr<v1::Calendar> UpdateCalendar(
    storage::Txn& txn, const Principal& p,
    const v1::UpdateCalendarRequest& req);

// ---- delegations

absl::StatusOr<v1::Delegation> CreateDelegation(
    storage::Txn& txn, const Principal& p,
    const v1::CreateDelegationRequest& req);
absl::StatusOr<v1::ListDelegationsResponse> ListDelegations(
    const storage::Reader& reader, const Principal& p,
    const v1::ListDelegationsRequest& req);
absl::Status DeleteDelegation(storage::Txn& txn, const Principal& p,
                              const v1::DeleteDelegationRequest& req);
// Whether `actor` may decide in `place`'s stead now, for a group of `team`
// ("" for groups without a team), following delegation chains (each person
// once).
absl::StatusOr<bool> CanStandIn(const storage::Reader& reader,
                                const std::string& actor,
                                const std::string& place,
                                const std::string& team, absl::Time now);

// ---- approvals

absl::StatusOr<v1::Approval> CreateApproval(
    storage::Txn& txn, const Principal& p,
    const v1::CreateApprovalRequest& req);
absl::StatusOr<v1::Approval> GetApproval(const storage::Reader& reader,
                                         const v1::GetApprovalRequest& req);
absl::StatusOr<v1::ListApprovalsResponse> ListApprovals(
    const storage::Reader& reader, const Principal& p, absl::Time now,
    const v1::ListApprovalsRequest& req);
absl::StatusOr<v1::Approval> DecideApproval(
    storage::Txn& txn, const Principal& p,
    const v1::DecideApprovalRequest& req);
absl::StatusOr<v1::Approval> ResubmitApproval(
    storage::Txn& txn, const Principal& p,
    const v1::ResubmitApprovalRequest& req);
absl::StatusOr<v1::Approval> CancelApproval(
    storage::Txn& txn, const Principal& p,
    const v1::CancelApprovalRequest& req);

// Timer handlers.
absl::Status FireReminder(storage::Txn& txn,
                          const mops::internal::v1::TimerRecord& timer);
absl::Status FireDeadline(storage::Txn& txn,
                          const mops::internal::v1::TimerRecord& timer);

}  // namespace mops::services::approvals

#endif  // MOPS_SERVICES_APPROVALS_APPROVALS_H_

// Load and save of approvals and delegations with their index rows and
// timers, and the reads several commands share (who is eligible, whose
// place a delegate takes). Internal to the approvals domain.
#ifndef MOPS_SERVICES_APPROVALS_STATE_H_
#define MOPS_SERVICES_APPROVALS_STATE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mops/v1/approvals.pb.h"
#include "mops/v1/identity.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::approvals::internal {

// The last segment of a name the server wrote ("users/u" -> "u").
std::string IdOf(absl::string_view name);
// "u" -> "users/u"; a name with a '/' stays as it is.
std::string UserName(absl::string_view user);

// ---- approvals (approval_state.cc)

absl::StatusOr<v1::Approval> LoadApproval(const storage::Reader& reader,
                                          absl::string_view id);
// The due time in micros; no due time sorts last.
int64_t DueMicros(const v1::Approval& a);
// Stamps etag and update_time, writes the approval and moves its inbox rows
// from `old` (nullptr: a new approval).
void SaveApproval(storage::Txn& txn, const v1::Approval* old, v1::Approval* a);

// Opens a round: sets round_start_time and due_time, and arms the round's
// timers (reminders at 75% and 90% of its business time, none when it has
// none, and the deadline). Each timer carries the round, so a later round's
// are the only live ones. Call after the approval's groups and state are
// final for the round.
absl::Status ScheduleRound(storage::Txn& txn, v1::Approval* a);

// PERMISSION_DENIED unless `p` requested `a` or is an admin.
absl::Status RequireRequesterOrAdmin(const Principal& p, const v1::Approval& a,
                                     absl::string_view action);

// approval.completed with `a` as it is now, and why it completed.
void EmitCompleted(storage::Txn& txn, const Principal& p, const v1::Approval& a,
                   v1::ApprovalCompleted::Reason reason);

// ---- approvers (approvers.cc)

// Shape checks of group `i` that need no stored state.
absl::Status ValidateGroupShape(int i, const v1::ApproverGroup& g);
// Normalizes group `i`'s names and checks that its team and users exist.
absl::Status ResolveGroup(const storage::Reader& reader, int i,
                          v1::ApproverGroup* g);
// Fills each group's `eligible` for a new round: the requester never.
absl::Status ResolveEligible(const storage::Reader& reader, v1::Approval* a);
// The calendar of the first team group's team, else calendars/default.
std::string DefaultCalendarFor(const storage::Reader& reader,
                               const v1::Approval& a);
absl::StatusOr<std::vector<v1::Membership>> MembersOf(
    const storage::Reader& reader, absl::string_view team);
// False for a missing or deactivated user.
absl::StatusOr<bool> IsActiveUser(const storage::Reader& reader,
                                  const std::string& name);
// users/{user}.manager of the user named `user` ("" when none).
absl::StatusOr<std::string> ManagerOf(const storage::Reader& reader,
                                      const std::string& user);

// ---- delegations (delegation_state.cc)

// Whether `actor` may decide in `place`'s stead now, for a group of `team`
// ("" for groups without a team), following delegation chains (each person
// once).
absl::StatusOr<bool> CanStandIn(const storage::Reader& reader,
                                const std::string& actor,
                                const std::string& place,
                                const std::string& team, absl::Time now);
// The people `actor` may stand in for now (any team), through chains.
absl::StatusOr<std::set<std::string>> PlacesFor(const storage::Reader& reader,
                                                const std::string& actor,
                                                absl::Time now);
// Where `actor` decides on `a` now: their own place, the one named by
// `requested`, or the first place they stand in for. An error is
// PERMISSION_DENIED or FAILED_PRECONDITION.
absl::StatusOr<std::string> FindPlace(const storage::Reader& reader,
                                      const v1::Approval& a,
                                      const std::string& actor,
                                      const std::string& requested,
                                      absl::Time now);
// The delegations the user `user` (an id) gave.
absl::StatusOr<std::vector<v1::Delegation>> DelegationsOf(
    const storage::Reader& reader, absl::string_view user);
// FAILED_PRECONDITION naming the path when a delegation from `self` to
// `delegate` would close a chain of delegations back to `self`.
absl::Status CheckNoCycle(const storage::Reader& reader,
                          const std::string& self, const std::string& delegate);

}  // namespace mops::services::approvals::internal

#endif  // MOPS_SERVICES_APPROVALS_STATE_H_

// The approval rule, as pure functions of an Approval: who fills which
// place, what the current round's decisions add up to, and whom an
// escalation may add.
#ifndef MOPS_SERVICES_APPROVALS_RULES_H_
#define MOPS_SERVICES_APPROVALS_RULES_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "mops/v1/approvals.pb.h"

namespace mops::services::approvals {

enum class Verdict { kPending, kApproved, kRejected, kChangesRequested };

struct GroupTally {
  int approvals = 0;
  int rejects = 0;
  int eligible = 0;
  int required = 1;
  bool satisfied = false;
  // Rejected by a veto, or too many rejects left to reach `required`.
  bool failed = false;
};

// The place a decision fills: the approver, or whom a delegate stood in for.
std::string PlaceOf(const v1::Decision& d);
// Whether `place` has decided in the approval's current round.
bool HasDecided(const v1::Approval& a, const std::string& place);
// Whether `user` has cast a decision (in any place) this round.
bool HasActed(const v1::Approval& a, const std::string& user);

// The verdict of the current round. Per group: APPROVE decisions of its
// eligible people count toward `required`; a REJECT fails the group (a veto
// unless reject_does_not_veto, else once `required` is out of reach). Any
// failed group rejects the approval; any REQUEST_CHANGES ends the round;
// all groups satisfied approves it.
Verdict Evaluate(const v1::Approval& a,
                 std::vector<GroupTally>* tallies = nullptr);

// People who can still decide this round: eligible in some group and not
// yet decided. Sorted, unique.
std::vector<std::string> StillToDecide(const v1::Approval& a);

// Applies Evaluate's verdict: a finished round closes the approval
// (APPROVED or REJECTED, complete_time `now`) or asks for changes. Returns
// true when the approval reached its outcome (approval.completed).
bool ApplyVerdict(absl::Time now, v1::Approval* a);

// Whether escalation may add `person` to group `g` of `a`: someone who is
// not the requester, not eligible in `g` already, and has not decided this
// round (their decision would count for the group without them deciding on
// it). Whether they are an active user is for the caller to check.
bool MayEscalateTo(const v1::Approval& a, const v1::ApproverGroup& g,
                   const std::string& person);

}  // namespace mops::services::approvals

#endif  // MOPS_SERVICES_APPROVALS_RULES_H_

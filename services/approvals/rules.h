// The approval rule, as pure functions of an Approval: who fills which
// place, and what the current round's decisions add up to.
#ifndef MOPS_SERVICES_APPROVALS_RULES_H_
#define MOPS_SERVICES_APPROVALS_RULES_H_

#include <string>
#include <vector>

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

}  // namespace mops::services::approvals

#endif  // MOPS_SERVICES_APPROVALS_RULES_H_

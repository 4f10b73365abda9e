#include "services/approvals/rules.h"

#include <algorithm>
#include <map>
#include <set>

#include "services/common/time_util.h"

namespace mops::services::approvals {

std::string PlaceOf(const v1::Decision& d) {
  return d.on_behalf_of().empty() ? d.approver() : d.on_behalf_of();
}

bool HasDecided(const v1::Approval& a, const std::string& place) {
  for (const auto& d : a.decisions()) {
    if (d.round() == a.round() && PlaceOf(d) == place) return true;
  }
  return false;
}

bool HasActed(const v1::Approval& a, const std::string& user) {
  for (const auto& d : a.decisions()) {
    if (d.round() == a.round() && d.approver() == user) return true;
  }
  return false;
}

Verdict Evaluate(const v1::Approval& a, std::vector<GroupTally>* tallies) {
  std::map<std::string, v1::Decision::Outcome> outcome;  // place -> outcome
  bool changes_requested = false;
  for (const auto& d : a.decisions()) {
    if (d.round() != a.round()) continue;
    outcome[PlaceOf(d)] = d.outcome();
    if (d.outcome() == v1::Decision::REQUEST_CHANGES) changes_requested = true;
  }
  std::vector<GroupTally> local;
  if (tallies == nullptr) tallies = &local;
  tallies->clear();
  bool all_satisfied = true;
  bool any_failed = false;
  for (const auto& g : a.groups()) {
    GroupTally t;
    t.required = std::max(1, g.required());
    std::set<std::string> eligible(g.eligible().begin(), g.eligible().end());
    t.eligible = static_cast<int>(eligible.size());
    for (const std::string& person : eligible) {
      auto it = outcome.find(person);
      if (it == outcome.end()) continue;
      if (it->second == v1::Decision::APPROVE) ++t.approvals;
      if (it->second == v1::Decision::REJECT) ++t.rejects;
    }
    t.satisfied = t.approvals >= t.required;
    t.failed = g.reject_does_not_veto() ? t.eligible - t.rejects < t.required
                                        : t.rejects > 0;
    all_satisfied = all_satisfied && t.satisfied;
    any_failed = any_failed || t.failed;
    tallies->push_back(t);
  }
  if (any_failed) return Verdict::kRejected;
  if (changes_requested) return Verdict::kChangesRequested;
  if (all_satisfied) return Verdict::kApproved;
  return Verdict::kPending;
}

std::vector<std::string> StillToDecide(const v1::Approval& a) {
  std::set<std::string> out;
  for (const auto& g : a.groups()) {
    for (const std::string& person : g.eligible()) {
      if (!HasDecided(a, person)) out.insert(person);
    }
  }
  return {out.begin(), out.end()};
}

bool ApplyVerdict(absl::Time now, v1::Approval* a) {
  switch (Evaluate(*a)) {
    case Verdict::kPending:
      return false;
    case Verdict::kChangesRequested:
      a->set_state(v1::Approval::CHANGES_REQUESTED);
      return false;
    case Verdict::kApproved:
      a->set_state(v1::Approval::APPROVED);
      break;
    case Verdict::kRejected:
      a->set_state(v1::Approval::REJECTED);
      break;
  }
  *a->mutable_complete_time() = ToProtoTime(now);
  return true;
}

bool MayEscalateTo(const v1::Approval& a, const v1::ApproverGroup& g,
                   const std::string& person) {
  return !person.empty() && person != a.requester() &&
         std::find(g.eligible().begin(), g.eligible().end(), person) ==
             g.eligible().end() &&
         !HasActed(a, person) && !HasDecided(a, person);
}

}  // namespace mops::services::approvals

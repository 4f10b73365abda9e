#include <algorithm>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/approvals/keys.h"
#include "services/approvals/rules.h"
#include "services/approvals/state.h"
#include "services/common/pagination.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::internal {

using storage::Cf;
using storage::Reader;

namespace {

bool Active(const v1::Delegation& d, absl::Time now) {
  return FromProtoTime(d.start_time()) <= now &&
         now < FromProtoTime(d.end_time());
}

bool CoversTeam(const v1::Delegation& d, const std::string& team) {
  if (d.teams().empty()) return true;
  return !team.empty() &&
         std::find(d.teams().begin(), d.teams().end(), team) != d.teams().end();
}

// (delegator, delegation) ids of the delegations to `delegate` (a name).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> DelegatedTo(
    const Reader& reader, const std::string& delegate) {
  std::vector<std::pair<std::string, std::string>> rows;
  RETURN_IF_ERROR(reader.Scan(Cf::kIndex, keys::IdxDelegateOf(IdOf(delegate)),
                              "",
                              [&](absl::string_view key, absl::string_view) {
                                if (auto r = keys::DelegatorOfRow(key))
                                  rows.push_back(*r);
                                return true;
                              }));
  return rows;
}

// The approver groups of `a` in which `person` is eligible.
std::vector<const v1::ApproverGroup*> GroupsOf(const v1::Approval& a,
                                               const std::string& person) {
  std::vector<const v1::ApproverGroup*> out;
  for (const auto& g : a.groups()) {
    if (std::find(g.eligible().begin(), g.eligible().end(), person) !=
        g.eligible().end()) {
      out.push_back(&g);
    }
  }
  return out;
}

// Whether `actor` stands in for `place` in some group of `a` now.
absl::StatusOr<bool> StandsInOn(const Reader& reader, const v1::Approval& a,
                                const std::string& actor,
                                const std::string& place, absl::Time now) {
  for (const auto* g : GroupsOf(a, place)) {
    ASSIGN_OR_RETURN(bool ok, CanStandIn(reader, actor, place, g->team(), now));
    if (ok) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<v1::Delegation>> DelegationsOf(
    const Reader& reader, absl::string_view user) {
  return ReadAll<v1::Delegation>(reader, Cf::kRecords,
                                 keys::DelegationPrefix(user));
}

absl::StatusOr<bool> CanStandIn(const Reader& reader, const std::string& actor,
                                const std::string& place,
                                const std::string& team, absl::Time now) {
  std::set<std::string> seen = {place};
  std::deque<std::string> queue = {place};
  while (!queue.empty()) {
    std::string person = queue.front();
    queue.pop_front();
    ASSIGN_OR_RETURN(std::vector<v1::Delegation> ds,
                     DelegationsOf(reader, IdOf(person)));
    for (const v1::Delegation& d : ds) {
      if (!Active(d, now) || !CoversTeam(d, team)) continue;
      if (d.delegate() == actor) return true;
      if (seen.insert(d.delegate()).second) queue.push_back(d.delegate());
    }
  }
  return false;
}

absl::StatusOr<std::set<std::string>> PlacesFor(const Reader& reader,
                                                const std::string& actor,
                                                absl::Time now) {
  std::set<std::string> seen = {actor};
  std::deque<std::string> queue = {actor};
  while (!queue.empty()) {
    std::string delegate = queue.front();
    queue.pop_front();
    ASSIGN_OR_RETURN(auto rows, DelegatedTo(reader, delegate));
    for (const auto& [delegator, delegation] : rows) {
      v1::Delegation d;
      ASSIGN_OR_RETURN(
          bool found,
          reader.GetProto(Cf::kRecords, keys::Delegation(delegator, delegation),
                          &d));
      if (!found || !Active(d, now)) continue;
      std::string name = absl::StrCat("users/", delegator);
      if (seen.insert(name).second) queue.push_back(name);
    }
  }
  seen.erase(actor);
  return seen;
}

absl::StatusOr<std::string> FindPlace(const Reader& reader,
                                      const v1::Approval& a,
                                      const std::string& actor,
                                      const std::string& requested,
                                      absl::Time now) {
  if (!requested.empty() && requested != actor) {
    if (GroupsOf(a, requested).empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "on_behalf_of: ", requested, " is not an approver of ", a.name()));
    }
    ASSIGN_OR_RETURN(bool ok, StandsInOn(reader, a, actor, requested, now));
    if (!ok) {
      return absl::PermissionDeniedError(
          absl::StrCat(actor, " does not stand in for ", requested, " on ",
                       a.name(), " (no active delegation covering it)"));
    }
    return requested;
  }
  if (!GroupsOf(a, actor).empty()) return actor;
  for (const std::string& place : StillToDecide(a)) {
    ASSIGN_OR_RETURN(bool ok, StandsInOn(reader, a, actor, place, now));
    if (ok) return place;
  }
  return absl::PermissionDeniedError(
      absl::StrCat(actor, " is not an approver of ", a.name(),
                   " and stands in for none of its approvers"));
}

absl::Status CheckNoCycle(const Reader& reader, const std::string& self,
                          const std::string& delegate) {
  // Any window counts: a chain back to `self` is refused.
  std::map<std::string, std::string> parent = {{delegate, ""}};
  std::deque<std::string> queue = {delegate};
  while (!queue.empty()) {
    std::string person = queue.front();
    queue.pop_front();
    ASSIGN_OR_RETURN(std::vector<v1::Delegation> ds,
                     DelegationsOf(reader, IdOf(person)));
    for (const v1::Delegation& next : ds) {
      if (next.delegate() == self) {
        std::vector<std::string> path = {self};
        std::vector<std::string> back;
        for (std::string at = person; !at.empty(); at = parent[at]) {
          back.push_back(at);
        }
        path.insert(path.end(), back.rbegin(), back.rend());
        path.push_back(self);
        return absl::FailedPreconditionError(absl::StrCat(
            "delegation would form a cycle: ", absl::StrJoin(path, " -> ")));
      }
      if (parent.emplace(next.delegate(), person).second) {
        queue.push_back(next.delegate());
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::internal

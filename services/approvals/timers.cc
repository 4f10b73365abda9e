#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/approvals/approvals.h"
#include "services/approvals/rules.h"
#include "services/approvals/state.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services::approvals {

using mops::internal::v1::TimerRecord;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

// The approval a timer of `round` was set for, while that round is open;
// nullopt when the timer is stale (decided, resubmitted, deleted).
std::optional<v1::Approval> OpenRound(Txn& txn, const TimerRecord& timer,
                                      int round) {
  absl::StatusOr<v1::Approval> a = LoadApproval(txn, IdOf(timer.target()));
  if (!a.ok() || a->state() != v1::Approval::PENDING || a->round() != round) {
    return std::nullopt;
  }
  return *std::move(a);
}

// Adds to group `g` of `a` whom escalation may add, once each: the team's
// leads first, else the requester's manager. Appends them to *added.
absl::Status EscalateGroup(Txn& txn, v1::Approval* a, v1::ApproverGroup* g,
                           std::vector<std::string>* added) {
  auto add = [&](const std::string& person) -> absl::StatusOr<bool> {
    if (!MayEscalateTo(*a, *g, person)) return false;
    ASSIGN_OR_RETURN(bool active, IsActiveUser(txn, person));
    if (!active) return false;
    g->add_eligible(person);
    g->add_escalated(person);
    added->push_back(person);
    return true;
  };
  bool any = false;
  if (!g->team().empty()) {
    ASSIGN_OR_RETURN(auto members, MembersOf(txn, IdOf(g->team())));
    for (const auto& m : members) {
      if (m.role() != v1::Membership::LEAD) continue;
      ASSIGN_OR_RETURN(bool ok, add(m.user()));
      any = any || ok;
    }
  }
  if (!any) {
    ASSIGN_OR_RETURN(std::string manager, ManagerOf(txn, a->requester()));
    RETURN_IF_ERROR(add(manager).status());
  }
  return absl::OkStatus();
}

// ESCALATE: every unsatisfied group gets approvers; the approval stays
// pending unless the rule, evaluated again on the new groups, closes it.
absl::Status Escalate(Txn& txn, v1::Approval a) {
  const v1::Approval old = a;
  const Principal system = Principal::System();
  std::vector<std::string> added;
  std::vector<GroupTally> tallies;
  Evaluate(a, &tallies);
  for (int i = 0; i < a.groups_size(); ++i) {
    if (tallies[i].satisfied) continue;
    RETURN_IF_ERROR(EscalateGroup(txn, &a, a.mutable_groups(i), &added));
  }
  const bool completed = ApplyVerdict(txn.Now(), &a);
  SaveApproval(txn, &old, &a);
  v1::Event e;
  *e.mutable_approval_escalated()->mutable_approval() = a;
  // Who joined two groups is one person added.
  std::set<std::string> seen;
  for (const std::string& person : added) {
    if (seen.insert(person).second) {
      e.mutable_approval_escalated()->add_added(person);
    }
  }
  Emit(txn, system, a.name(), std::move(e));
  if (completed) {
    EmitCompleted(txn, system, a, v1::ApprovalCompleted::DECISIONS);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FireReminder(Txn& txn, const TimerRecord& timer) {
  mops::internal::v1::ApprovalReminderTimer reminder;
  if (!timer.payload().UnpackTo(&reminder)) return absl::OkStatus();
  std::optional<v1::Approval> a = OpenRound(txn, timer, reminder.round());
  if (!a) return absl::OkStatus();
  v1::Event e;
  *e.mutable_approval_reminder()->mutable_approval() = *std::move(a);
  e.mutable_approval_reminder()->set_percent(reminder.percent());
  Emit(txn, Principal::System(), timer.target(), std::move(e));
  return absl::OkStatus();
}

absl::Status FireDeadline(Txn& txn, const TimerRecord& timer) {
  mops::internal::v1::ApprovalDeadlineTimer deadline;
  if (!timer.payload().UnpackTo(&deadline)) return absl::OkStatus();
  std::optional<v1::Approval> loaded = OpenRound(txn, timer, deadline.round());
  if (!loaded) return absl::OkStatus();
  v1::Approval a = *std::move(loaded);
  if (a.deadline_action() == v1::Approval::ESCALATE) {
    return Escalate(txn, std::move(a));
  }
  const v1::Approval old = a;
  a.set_state(a.deadline_action() == v1::Approval::REJECT
                  ? v1::Approval::REJECTED
                  : v1::Approval::EXPIRED);
  *a.mutable_complete_time() = ToProtoTime(txn.Now());
  SaveApproval(txn, &old, &a);
  EmitCompleted(txn, Principal::System(), a, v1::ApprovalCompleted::DEADLINE);
  return absl::OkStatus();
}

absl::Status UpgradeReminderTimer(TimerRecord* timer) {
  std::vector<std::string> parts =
      absl::StrSplit(timer->format2_payload(), ':');
  mops::internal::v1::ApprovalReminderTimer reminder;
  int round = 0;
  int percent = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &round) ||
      !absl::SimpleAtoi(parts[1], &percent)) {
    return absl::DataLossError(
        absl::StrCat("reminder timer of ", timer->target(), ": \"",
                     timer->format2_payload(), "\" is not ROUND:PERCENT"));
  }
  reminder.set_round(round);
  reminder.set_percent(percent);
  timer->mutable_payload()->PackFrom(reminder);
  return absl::OkStatus();
}

absl::Status UpgradeDeadlineTimer(TimerRecord* timer) {
  mops::internal::v1::ApprovalDeadlineTimer deadline;
  int round = 0;
  if (!absl::SimpleAtoi(timer->format2_payload(), &round)) {
    return absl::DataLossError(
        absl::StrCat("deadline timer of ", timer->target(), ": \"",
                     timer->format2_payload(), "\" is not a round"));
  }
  deadline.set_round(round);
  timer->mutable_payload()->PackFrom(deadline);
  return absl::OkStatus();
}

}  // namespace mops::services::approvals

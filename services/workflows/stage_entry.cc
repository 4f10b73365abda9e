// What entering a stage does, per kind, and the clocks of active stages.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "mops/internal/v1/records.pb.h"
#include "services/approvals/approvals.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/projects/projects.h"
#include "services/workflows/projection.h"
#include "services/workflows/run.h"
#include "services/workflows/template_rules.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {

using History = v1::WorkflowHistoryEntry;
using StageState = v1::WorkflowStageState;
using mops::internal::v1::TimerRecord;

namespace {

// `text` cut to at most `max` bytes, not inside a UTF-8 sequence: rendered
// variables can make a title longer than a task's.
std::string Clamp(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  text.resize(n);
  return text;
}

// A task's estimate from a business duration: hours as they are, a day as
// 8 hours (a task's estimate is plain work time, not a calendar span).
std::optional<absl::Duration> TaskEstimate(absl::string_view d) {
  int n = 0;
  if (absl::ConsumeSuffix(&d, "bh") && absl::SimpleAtoi(d, &n)) {
    return absl::Hours(n);
  }
  if (absl::ConsumeSuffix(&d, "bd") && absl::SimpleAtoi(d, &n)) {
    return absl::Hours(8 * n);
  }
  return std::nullopt;
}

std::string Joined(const Values& values) {
  return absl::StrJoin(values, ", ", absl::PairFormatter("="));
}

}  // namespace

absl::StatusOr<std::string> Run::Resolve(absl::string_view ref,
                                         absl::string_view collection) {
  ASSIGN_OR_RETURN(std::string name, ResolveName(ref, collection));
  if (name.empty()) return name;
  // Someone who left (or a team deleted) since the run started must not
  // fail the command that completed the previous stage: the work goes
  // unassigned (to the project's team), and the history says so.
  absl::string_view id = name;
  absl::ConsumePrefix(&id, absl::StrCat(collection, "/"));
  bool usable = true;
  if (collection == "users") {
    absl::StatusOr<std::shared_ptr<const v1::User>> u =
        identity::SharedUser(*txn_, id);
    if (!u.ok() && !absl::IsNotFound(u.status())) return u.status();
    usable = u.ok() && (*u)->state() == v1::User::ACTIVE;
  } else {
    absl::StatusOr<std::shared_ptr<const v1::Team>> t =
        identity::SharedTeam(*txn_, id);
    if (!t.ok() && !absl::IsNotFound(t.status())) return t.status();
    usable = t.ok();
  }
  if (usable) return name;
  left_out_.push_back(name);
  return std::string();
}

absl::StatusOr<std::string> Run::ResolveName(absl::string_view ref,
                                             absl::string_view collection) {
  if (ref == kProjectTeam || ref == kProjectOwner) {
    if (!project_) {
      ASSIGN_OR_RETURN(project_, projects::GetProject(*txn_, w_.project()));
    }
    return ref == kProjectTeam ? project_->team() : project_->owner();
  }
  if (ref == kRunStarter) return w_.starter();
  if (absl::StartsWith(ref, "{{")) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, Placeholders("ref", ref));
    auto it = w_.variables().find(names.empty() ? "" : names[0]);
    return it == w_.variables().end() ? "" : it->second;
  }
  if (absl::StartsWith(ref, absl::StrCat(collection, "/"))) {
    return std::string(ref);
  }
  return absl::StrCat(collection, "/", ref);
}

absl::Status Run::Enter(int i) {
  StageState& s = stage(i);
  const v1::WorkflowStage& spec = spec_.stages(i);
  s.set_state(StageState::ACTIVE);
  *s.mutable_start_time() = ToProtoTime(txn_->Now());
  s.clear_end_time();
  s.clear_due_time();
  s.set_overdue(false);
  s.clear_outcome();
  s.clear_branch();
  s.clear_tasks();
  switch (spec.kind_case()) {
    case v1::WorkflowStage::kCondition:
      return EnterCondition(i);
    case v1::WorkflowStage::kEnd:
      Record(History::STAGE_ENTERED, &s);
      Close(i, StageState::DONE, spec.end().fail() ? "failed" : "end", "");
      if (spec.end().fail()) {
        End(v1::Workflow::FAILED, spec.end().reason().empty()
                                      ? absl::StrCat("ended at stage ", s.id())
                                      : spec.end().reason());
      } else {
        End(v1::Workflow::COMPLETED, "");
      }
      return absl::OkStatus();
    case v1::WorkflowStage::kWait:
      return EnterWait(i);
    case v1::WorkflowStage::kTask:
      return EnterTasks(i);
    case v1::WorkflowStage::kApproval:
      return EnterApproval(i);
    default:
      return absl::InternalError(
          absl::StrCat("stage ", s.id(), " of ", w_.name(), " has no kind"));
  }
}

absl::Status Run::EnterCondition(int i) {
  StageState& s = stage(i);
  ASSIGN_OR_RETURN(Condition c,
                   Condition::Parse(spec_.stages(i).condition().expression(),
                                    spec_.variables()));
  const Values all = values();
  const bool holds = c.Holds(all);
  const Values seen = c.Seen(all);
  Record(History::STAGE_ENTERED, &s);
  const std::string branch = holds ? "true" : "false";
  // The values are the history's too: a reader sees why it went this way.
  w_.mutable_history()->rbegin()->mutable_values()->insert(seen.begin(),
                                                           seen.end());
  // Advance, which entered it, goes on from here.
  Close(i, StageState::DONE, absl::StrCat(branch, ": ", Joined(seen)), branch);
  return absl::OkStatus();
}

absl::Status Run::EnterWait(int i) {
  StageState& s = stage(i);
  const v1::WorkflowWaitStage& wait = spec_.stages(i).wait();
  ASSIGN_OR_RETURN(const calendars::BusinessClock* clock, ClockOf(i));
  absl::Time until;
  if (!wait.until_variable().empty()) {
    auto it = w_.variables().find(wait.until_variable());
    std::optional<absl::Time> moment;
    if (it != w_.variables().end()) {
      moment = MomentOf(it->second, clock->calendar().time_zone());
    }
    if (!moment) {
      Record(History::STAGE_ENTERED, &s);
      Close(i, StageState::DONE,
            absl::StrCat(wait.until_variable(), " is not set"), "");
      return absl::OkStatus();
    }
    until = *moment;
  } else {
    ASSIGN_OR_RETURN(
        until, calendars::ResolveDue(wait.duration(), *clock, txn_->Now()));
  }
  *s.mutable_due_time() = ToProtoTime(until);
  Record(History::STAGE_ENTERED, &s);
  if (until <= txn_->Now()) {
    Close(i, StageState::DONE,
          absl::StrCat("waited until ", absl::FormatTime(until)), "");
    return absl::OkStatus();
  }
  ArmTimers(i);
  return absl::OkStatus();
}

absl::Status Run::SetDeadline(int i) {
  const v1::WorkflowStage& spec = spec_.stages(i);
  if (spec.due().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const calendars::BusinessClock* clock, ClockOf(i));
  ASSIGN_OR_RETURN(absl::Time due,
                   calendars::ResolveDue(spec.due(), *clock, txn_->Now()));
  *stage(i).mutable_due_time() = ToProtoTime(due);
  ArmTimers(i);
  return absl::OkStatus();
}

absl::Status Run::RestartDeadline(int i) {
  stage(i).clear_due_time();
  stage(i).set_overdue(false);
  return SetDeadline(i);
}

absl::Status Run::EnterTasks(int i) {
  StageState& s = stage(i);
  RETURN_IF_ERROR(SetDeadline(i));
  const Values all = values();
  v1::Event e;
  v1::WorkflowStageEvent* p = e.mutable_workflow_stage_entered();
  for (const v1::WorkflowTaskSpec& spec : spec_.stages(i).task().tasks()) {
    v1::Task* t = p->add_tasks();
    // Named here, so that the run lists its tasks in this command's
    // answer; the projects domain makes them under these names.
    std::string id;
    do {
      ASSIGN_OR_RETURN(id, projects::FreshTaskId(*txn_, w_.project()));
    } while (!drawn_.insert(id).second);
    t->set_name(absl::StrCat(w_.project(), "/tasks/", id));
    s.add_tasks(t->name());
    t->set_title(Clamp(Render(spec.title(), all), kMaxDisplayNameLength));
    t->set_description(
        Clamp(Render(spec.description(), all), kMaxDescriptionLength));
    if (!spec.team().empty()) {
      ASSIGN_OR_RETURN(*t->mutable_team(), Resolve(spec.team(), "teams"));
    }
    if (!spec.assignee().empty()) {
      ASSIGN_OR_RETURN(*t->mutable_assignee(),
                       Resolve(spec.assignee(), "users"));
    }
    if (auto estimate = TaskEstimate(spec.estimate())) {
      t->mutable_estimate()->set_seconds(absl::ToInt64Seconds(*estimate));
    }
    *t->mutable_labels() = spec.labels();
    if (s.has_due_time()) *t->mutable_due_time() = s.due_time();
    t->set_workflow(w_.name());
    t->set_workflow_stage(s.id());
  }
  RecordEntered(s);
  EmitStage(std::move(e), i);
  return absl::OkStatus();
}

void Run::RecordEntered(const StageState& s) {
  Record(History::STAGE_ENTERED, &s,
         left_out_.empty()
             ? ""
             : absl::StrCat(absl::StrJoin(left_out_, ", "),
                            left_out_.size() == 1 ? " is" : " are",
                            " gone or deactivated; left out"));
  left_out_.clear();
}

absl::Status Run::EnterApproval(int i) {
  StageState& s = stage(i);
  const v1::WorkflowApprovalStage& spec = spec_.stages(i).approval();
  RETURN_IF_ERROR(SetDeadline(i));
  const Values all = values();
  v1::Event e;
  v1::Approval* a = e.mutable_workflow_stage_entered()->mutable_approval();
  a->set_asset_version(
      Clamp(Render(spec.asset_version(), all), kMaxDisplayNameLength));
  if (!s.approval().empty()) {
    a->set_name(s.approval());  // the next round of the same approval
  } else {
    std::string id;
    do {
      ASSIGN_OR_RETURN(id, approvals::FreshApprovalId(*txn_));
    } while (!drawn_.insert(id).second);
    s.set_approval(absl::StrCat("approvals/", id));
    a->set_name(s.approval());
    const std::string& title = !spec.title().empty() ? spec.title()
                               : spec_.stages(i).title().empty()
                                   ? s.id()
                                   : spec_.stages(i).title();
    a->set_title(Clamp(Render(title, all), kMaxDisplayNameLength));
    a->set_details(Clamp(Render(spec.details(), all), kMaxDescriptionLength));
    for (const v1::ApproverGroup& g : spec.groups()) {
      v1::ApproverGroup group = g;
      if (!g.team().empty()) {
        ASSIGN_OR_RETURN(*group.mutable_team(), Resolve(g.team(), "teams"));
      }
      group.clear_users();
      for (const std::string& u : g.users()) {
        ASSIGN_OR_RETURN(std::string user, Resolve(u, "users"));
        if (!user.empty()) group.add_users(std::move(user));
      }
      // A group whose people all left out has no one to ask.
      if (!group.team().empty() || !group.users().empty() ||
          group.requester_manager()) {
        *a->add_groups() = std::move(group);
      }
    }
    if (a->groups().empty()) {
      // Rather than no approval at all: the project's team decides.
      ASSIGN_OR_RETURN(*a->add_groups()->mutable_team(),
                       Resolve(kProjectTeam, "teams"));
    }
    const std::string subject = Render(spec.subject(), all);
    a->set_subject(subject.empty() ? w_.project() : subject);
    a->set_deadline_action(spec.deadline_action());
    a->set_due(spec_.stages(i).due());
    const std::string& own = spec_.stages(i).calendar();
    a->set_calendar(own.empty() ? w_.calendar() : own);
    a->set_workflow(w_.name());
    a->set_workflow_stage(s.id());
  }
  RecordEntered(s);
  EmitStage(std::move(e), i);
  return absl::OkStatus();
}

void Run::ArmTimers(int i) {
  const StageState& s = w_.stages(i);
  if (s.state() != StageState::ACTIVE || !s.has_due_time()) return;
  TimerRecord t;
  t.set_target(w_.name());
  if (s.kind() == "wait") {
    mops::internal::v1::WorkflowWaitTimer wait;
    wait.set_stage(s.id());
    wait.set_round(s.round());
    *wait.mutable_until() = s.due_time();
    t.set_kind(kWaitTimer);
    t.mutable_payload()->PackFrom(wait);
  } else {
    if (s.overdue()) return;
    mops::internal::v1::WorkflowStageDueTimer due;
    due.set_stage(s.id());
    due.set_round(s.round());
    *due.mutable_due_time() = s.due_time();
    t.set_kind(kStageDueTimer);
    t.mutable_payload()->PackFrom(due);
  }
  txn_->SetTimer(FromProtoTime(s.due_time()), std::move(t));
}

absl::Status Run::ShiftClocks(absl::Time suspended, absl::Time resumed) {
  for (int i = 0; i < w_.stages_size(); ++i) {
    StageState& s = stage(i);
    if (s.state() != StageState::ACTIVE || !s.has_due_time()) continue;
    const bool fixed =
        s.kind() == "wait" && !spec_.stages(i).wait().until_variable().empty();
    const absl::Time due = FromProtoTime(s.due_time());
    if (!fixed && !s.overdue() && due > suspended) {
      // What was left of the stage's business time when it stopped is
      // what is left now.
      ASSIGN_OR_RETURN(const calendars::BusinessClock* clock, ClockOf(i));
      ASSIGN_OR_RETURN(absl::Duration left, clock->Elapsed(suspended, due));
      ASSIGN_OR_RETURN(absl::Time moved, clock->Add(resumed, left));
      *s.mutable_due_time() = ToProtoTime(moved);
    }
    ArmTimers(i);
  }
  return absl::OkStatus();
}

}  // namespace mops::services::workflows

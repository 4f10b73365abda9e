#include "services/workflows/run.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/workflows/keys.h"
#include "services/workflows/projection.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {

using storage::Cf;
using storage::Txn;
using History = v1::WorkflowHistoryEntry;
using StageState = v1::WorkflowStageState;

std::string RunName(absl::string_view id) {
  return absl::StrCat("workflows/", id);
}

void Mover::Emit(Txn& txn, absl::string_view subject, v1::Event e) const {
  if (p_ != nullptr) {
    services::Emit(txn, *p_, subject, std::move(e));
  } else if (cause_ != nullptr) {
    EmitReaction(txn, *cause_, subject, std::move(e));
  } else {
    services::Emit(txn, Principal::System(), subject, std::move(e));
  }
}

std::string Mover::Actor() const {
  if (p_ != nullptr) return p_->UserName();
  if (cause_ != nullptr && !cause_->actor().empty()) return cause_->actor();
  return "system";
}

absl::StatusOr<const calendars::BusinessClock*> Clocks::Get(
    absl::string_view name) {
  auto it = clocks_.find(name);
  if (it != clocks_.end()) return &it->second;
  absl::string_view id = name;
  absl::ConsumePrefix(&id, "calendars/");
  ASSIGN_OR_RETURN(calendars::BusinessClock clock,
                   calendars::LoadClock(reader_, id));
  return &clocks_.emplace(std::string(name), std::move(clock)).first->second;
}

absl::StatusOr<Run> Run::Load(Txn& txn, absl::string_view id, Mover mover) {
  ASSIGN_OR_RETURN(v1::Workflow w, LoadRun(txn, id));
  ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion v,
                   LoadVersion(txn, TemplateIdOf(w), w.template_version()));
  ASSIGN_OR_RETURN(StageGraph g, StageGraph::Build(v.template_().stages()));
  return Run(txn, std::move(w), std::move(*v.mutable_template_()), std::move(g),
             mover);
}

absl::StatusOr<Run> Run::Of(Txn& txn, v1::Workflow w, v1::WorkflowTemplate spec,
                            Mover mover) {
  ASSIGN_OR_RETURN(StageGraph g, StageGraph::Build(spec.stages()));
  return Run(txn, std::move(w), std::move(spec), std::move(g), mover);
}

absl::StatusOr<Run> Run::Begin(Txn& txn, v1::Workflow w,
                               v1::WorkflowTemplate spec, Mover mover) {
  ASSIGN_OR_RETURN(StageGraph g, StageGraph::Build(spec.stages()));
  w.clear_stages();
  for (const v1::WorkflowStage& s : spec.stages()) {
    StageState* st = w.add_stages();
    st->set_id(s.id());
    st->set_kind(KindOf(s));
    st->set_state(StageState::PENDING);
  }
  w.set_state(v1::Workflow::RUNNING);
  *w.mutable_start_time() = ToProtoTime(txn.Now());
  Run run(txn, std::move(w), std::move(spec), std::move(g), mover);
  run.created_ = true;
  run.Record(History::STARTED, nullptr);
  return run;
}

Values Run::values() const {
  return Values(w_.variables().begin(), w_.variables().end());
}

absl::StatusOr<const calendars::BusinessClock*> Run::ClockOf(int i) {
  const std::string& own = spec_.stages(i).calendar();
  return clocks_.Get(own.empty() ? w_.calendar() : own);
}

absl::Status Run::Advance() {
  if (!running()) return absl::OkStatus();
  // A finished rework: the approval that asked for it opens its next round
  // (the stages after the rework stage ran already). Also after a resume,
  // for a rework finished while the run was suspended.
  for (int i = 0; i < w_.stages_size(); ++i) {
    StageState& s = stage(i);
    if (s.state() != StageState::DONE || s.rework_for().empty()) continue;
    const int a = Index(s.rework_for());
    s.clear_rework_for();
    if (a >= 0 && w_.stages(a).state() == StageState::ACTIVE) {
      stage(a).set_round(w_.stages(a).round() + 1);
      RETURN_IF_ERROR(Enter(a));
    }
  }
  bool changed = true;
  while (changed && running()) {
    changed = false;
    for (int i : graph_.TopologicalOrder()) {
      if (!running()) break;
      if (w_.stages(i).state() != StageState::PENDING) continue;
      switch (Ready(graph_, i, w_.stages())) {
        case Readiness::kWait:
          continue;
        case Readiness::kSkip:
          Skip(i);
          break;
        case Readiness::kStart:
          stage(i).set_round(1);
          RETURN_IF_ERROR(Enter(i));
          break;
      }
      changed = true;
    }
  }
  if (!running()) return absl::OkStatus();
  for (const StageState& s : w_.stages()) {
    if (s.state() == StageState::PENDING || s.state() == StageState::ACTIVE) {
      return absl::OkStatus();
    }
  }
  End(v1::Workflow::COMPLETED, "");
  return absl::OkStatus();
}

// Why a stage none of whose edges was taken is skipped: what the
// condition before it saw, or which way the approval before it went.
std::string Run::SkipReason(int i) const {
  for (const Edge& e : graph_.In(i)) {
    const StageState& from = w_.stages(e.from);
    if (from.state() == StageState::SKIPPED) return from.outcome();
    const size_t colon = from.outcome().find(": ");
    if (from.kind() == "condition" && colon != std::string::npos) {
      return absl::StrCat("skipped: ", from.outcome().substr(colon + 2));
    }
    if (!from.branch().empty()) {
      return absl::StrCat("skipped: ", from.id(), " was ", from.branch());
    }
  }
  return "skipped";
}

void Run::Skip(int i) {
  StageState& s = stage(i);
  s.set_state(StageState::SKIPPED);
  s.set_outcome(SkipReason(i));
  *s.mutable_end_time() = ToProtoTime(txn_->Now());
  Record(History::STAGE_SKIPPED, &s, s.outcome());
  v1::Event e;
  e.mutable_workflow_stage_skipped();
  EmitStage(std::move(e), i);
}

void Run::Close(int i, StageState::State state, std::string outcome,
                std::string branch) {
  StageState& s = stage(i);
  s.set_state(state);
  s.set_outcome(std::move(outcome));
  s.set_branch(std::move(branch));
  *s.mutable_end_time() = ToProtoTime(txn_->Now());
  Record(state == StageState::DONE ? History::STAGE_COMPLETED
                                   : History::STAGE_FAILED,
         &s, s.outcome());
  v1::Event e;
  e.mutable_workflow_stage_completed();
  EmitStage(std::move(e), i);
}

absl::Status Run::Finish(int i, StageState::State state, std::string outcome,
                         std::string branch) {
  Close(i, state, std::move(outcome), std::move(branch));
  StageState& s = stage(i);
  if (state != StageState::DONE) {
    End(v1::Workflow::FAILED,
        absl::StrCat("stage ", s.id(), " failed: ", s.outcome()));
    return absl::OkStatus();
  }
  return Advance();
}

absl::Status Run::Rework(int i) {
  StageState& a = stage(i);
  const int r = Index(spec_.stages(i).approval().on_changes_requested());
  if (r < 0) return absl::OkStatus();
  a.set_outcome(absl::StrCat("changes requested in round ", a.round()));
  // The approval waits on the rework, not on its approvers: its deadline
  // counts again when its next round opens.
  a.clear_due_time();
  a.set_overdue(false);
  StageState& rs = stage(r);
  rs.set_round(rs.round() + 1);
  rs.set_rework_for(a.id());
  Record(History::REWORKED, &rs, a.outcome());
  v1::Event e;
  e.mutable_workflow_reworked()->set_from_stage(a.id());
  EmitStage(std::move(e), r);
  return Enter(r);
}

void Run::End(v1::Workflow::State state, std::string reason) {
  w_.set_state(state);
  w_.set_failure_reason(std::move(reason));
  *w_.mutable_end_time() = ToProtoTime(txn_->Now());
  for (StageState& s : *w_.mutable_stages()) {
    if (s.state() != StageState::ACTIVE) continue;
    s.set_state(StageState::CANCELLED);
    s.set_outcome("the run ended");
    *s.mutable_end_time() = ToProtoTime(txn_->Now());
  }
  v1::Event e;
  switch (state) {
    case v1::Workflow::COMPLETED:
      Record(History::COMPLETED, nullptr);
      *e.mutable_workflow_completed()->mutable_workflow() = Snapshot();
      break;
    case v1::Workflow::FAILED:
      Record(History::FAILED, nullptr, w_.failure_reason());
      *e.mutable_workflow_failed()->mutable_workflow() = Snapshot();
      break;
    default:
      Record(History::CANCELLED, nullptr, w_.failure_reason());
      *e.mutable_workflow_cancelled()->mutable_workflow() = Snapshot();
      break;
  }
  mover_.Emit(*txn_, w_.name(), std::move(e));
}

void Run::MarkOverdue(int i) {
  StageState& s = stage(i);
  s.set_overdue(true);
  Record(History::STAGE_OVERDUE, &s);
  v1::Event e;
  e.mutable_workflow_stage_overdue();
  EmitStage(std::move(e), i);
}

void Run::Record(History::Kind kind, const StageState* s, std::string outcome,
                 const Values& values) {
  History* h = w_.add_history();
  *h->mutable_time() = ToProtoTime(txn_->Now());
  h->set_kind(kind);
  h->set_actor(mover_.Actor());
  h->set_outcome(std::move(outcome));
  for (const auto& [k, v] : values) (*h->mutable_values())[k] = v;
  if (s != nullptr) {
    h->set_stage(s->id());
    h->set_round(s->round());
    if (s->has_due_time()) *h->mutable_due_time() = s->due_time();
  }
}

v1::Workflow Run::Snapshot() const {
  v1::Workflow w = w_;
  w.clear_history();
  return w;
}

void Run::EmitRun(v1::Event e) { mover_.Emit(*txn_, w_.name(), std::move(e)); }

void Run::EmitStage(v1::Event e, int i) {
  v1::WorkflowStageEvent* p = nullptr;
  switch (e.payload_case()) {
    case v1::Event::kWorkflowStageEntered:
      p = e.mutable_workflow_stage_entered();
      break;
    case v1::Event::kWorkflowStageCompleted:
      p = e.mutable_workflow_stage_completed();
      break;
    case v1::Event::kWorkflowStageSkipped:
      p = e.mutable_workflow_stage_skipped();
      break;
    case v1::Event::kWorkflowStageOverdue:
      p = e.mutable_workflow_stage_overdue();
      break;
    default:
      p = e.mutable_workflow_reworked();
      break;
  }
  const StageState& s = w_.stages(i);
  *p->mutable_workflow() = Snapshot();
  p->set_stage(s.id());
  p->set_round(s.round());
  if (p->outcome().empty()) p->set_outcome(s.outcome());
  mover_.Emit(*txn_, w_.name(), std::move(e));
}

absl::Status Run::Answer(v1::Workflow* out) {
  *out = w_;
  return FillProjection(
      spec_, graph_, txn_->Now(),
      [this](absl::string_view name) { return clocks_.Get(name); }, out);
}

void Run::Save() {
  SaveRun(*txn_, &w_, created_);
  created_ = false;
}

}  // namespace mops::services::workflows

// A clock's milestone timer (clocks.h): one pending timer per clock, for
// the next warning, breach or escalation step of its running cycle. A pause
// cancels it; a resume or a start sets it again, so paused time never
// fires anything.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/agreements/clocks.h"
#include "services/agreements/rules.h"
#include "services/approvals/approvals.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/identity/identity.h"
#include "services/workflows/workflows.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

using mops::internal::v1::AgreementClockTimer;
using mops::internal::v1::TimerRecord;
using storage::Txn;

v1::ClockEvent* ClockPayloadOf(v1::Event* e) {
  // Every agreement.clock_* payload is a ClockEvent.
  const google::protobuf::FieldDescriptor* field =
      e->GetDescriptor()->FindFieldByNumber(e->payload_case());
  return static_cast<v1::ClockEvent*>(
      e->GetReflection()->MutableMessage(e, field));
}

void CancelClockTimer(Txn& txn, ClockRecord* r) {
  if (r->timer_key().empty()) return;
  txn.CancelTimer(absl::HexStringToBytes(r->timer_key()));
  r->clear_timer_key();
  r->clear_timer_time();
}

absl::Status ArmClock(Txn& txn, const v1::AgreementTerm& term,
                      const calendars::BusinessClock& clock, ClockRecord* r) {
  CancelClockTimer(txn, r);
  const v1::ClockCycle& c = r->clock().current();
  if (IsStopped(c) || IsPaused(c)) return absl::OkStatus();
  ASSIGN_OR_RETURN(CycleTargets targets, TargetsOf(term, c, clock));
  std::vector<Milestone> pending = PendingMilestones(term, c, targets);
  if (pending.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(absl::Time fire,
                   WhenRunTimeReaches(c, clock, txn.Now(), pending[0].at));
  AgreementClockTimer payload;
  payload.set_cycle(c.number());
  *payload.mutable_fire_time() = ToProtoTime(fire);
  TimerRecord timer;
  timer.set_kind(kClockTimer);
  timer.set_target(r->clock().name());
  timer.mutable_payload()->PackFrom(payload);
  // Hex: the key is binary and the field a string.
  r->set_timer_key(
      absl::BytesToHexString(txn.SetTimer(fire, std::move(timer))));
  *r->mutable_timer_time() = ToProtoTime(fire);
  return absl::OkStatus();
}

namespace {

// The approval an escalation adds the provider's leads to: the subject
// itself, or the approval of the measured workflow stage.
absl::StatusOr<std::string> RelatedApproval(const storage::Reader& reader,
                                            absl::string_view subject) {
  if (absl::StartsWith(subject, "approvals/")) return std::string(subject);
  const size_t stages = subject.find("/stages/");
  if (absl::StartsWith(subject, "workflows/") &&
      stages != absl::string_view::npos) {
    return workflows::ApprovalOfStage(reader, subject.substr(0, stages),
                                      subject.substr(stages + 8));
  }
  return std::string();
}

absl::StatusOr<std::vector<std::string>> LeadsOf(const storage::Reader& reader,
                                                 absl::string_view team) {
  absl::ConsumePrefix(&team, "teams/");
  ASSIGN_OR_RETURN(std::vector<v1::Membership> members,
                   identity::ListMembers(reader, team));
  std::vector<std::string> leads;
  for (const v1::Membership& m : members) {
    if (m.role() == v1::Membership::LEAD) leads.push_back(m.user());
  }
  return leads;
}

// An escalation step's actions, into its event.
absl::Status Escalate(Txn& txn, const CompiledAgreement& a, const v1::Clock& c,
                      const v1::EscalationStep& step, v1::ClockEvent* out) {
  *out->mutable_escalation() = step;
  if (step.notify_liaisons()) {
    for (const v1::AgreementParty& party : a.agreement.parties()) {
      if (party.team() != c.provider() && party.team() != c.customer()) {
        continue;
      }
      for (const std::string& u : party.liaisons()) out->add_notify(u);
    }
  }
  if (step.add_provider_leads()) {
    ASSIGN_OR_RETURN(std::string approval, RelatedApproval(txn, c.subject()));
    if (!approval.empty()) {
      ASSIGN_OR_RETURN(std::vector<std::string> leads,
                       LeadsOf(txn, c.provider()));
      ASSIGN_OR_RETURN(std::vector<std::string> added,
                       approvals::EscalateApprovalTo(txn, approval, leads));
      for (std::string& u : added) out->add_added(std::move(u));
    }
  }
  return absl::OkStatus();
}

// Records milestone `m` on the clock and emits its event.
absl::Status Reach(Txn& txn, const CompiledAgreement& a,
                   const v1::AgreementTerm& term,
                   const calendars::BusinessClock& bc, const Milestone& m,
                   ClockRecord* r) {
  v1::Clock* c = r->mutable_clock();
  ASSIGN_OR_RETURN(std::optional<absl::Time> when,
                   TimeRunTimeReached(c->current(), bc, txn.Now(), m.at));
  RecordMilestone(c->mutable_current(), m, when.value_or(txn.Now()),
                  c->provider());
  v1::Event e;
  switch (m.kind) {
    case Milestone::kWarning:
      e.mutable_agreement_clock_warning()->set_percent(m.percent);
      break;
    case Milestone::kBreach:
      e.mutable_agreement_clock_breached();
      break;
    case Milestone::kEscalation:
      e.mutable_agreement_clock_escalated()->set_step(m.step);
      RETURN_IF_ERROR(Escalate(txn, a, *c, term.escalations(m.step - 1),
                               e.mutable_agreement_clock_escalated()));
      break;
  }
  RETURN_IF_ERROR(RefreshCycle(c->mutable_current(), bc, txn.Now()));
  v1::Clock* shown = ClockPayloadOf(&e)->mutable_clock();
  *shown = *c;
  shown->set_at_risk(AtRisk(&term, c->current()));
  Emit(txn, Principal::System(), c->name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace

absl::Status FireClockTimer(Txn& txn, const TimerRecord& timer) {
  AgreementClockTimer payload;
  if (!timer.payload().UnpackTo(&payload)) {
    return absl::InternalError(absl::StrCat(
        kClockTimer, " timer of ", timer.target(), " has another payload"));
  }
  ASSIGN_OR_RETURN(ClockRef ref, ParseClockName("target", timer.target()));
  absl::StatusOr<ClockRecord> loaded = LoadClock(txn, ref.agreement, ref.clock);
  if (absl::IsNotFound(loaded.status())) return absl::OkStatus();
  RETURN_IF_ERROR(loaded.status());
  ClockRecord r = *std::move(loaded);
  const v1::ClockCycle& cycle = r.clock().current();
  // Stale: the cycle moved on, or this is not the clock's timer (one set
  // again after a failure while a newer one was armed).
  if (cycle.number() != payload.cycle() || IsStopped(cycle) ||
      IsPaused(cycle) ||
      FromProtoTime(r.timer_time()) != FromProtoTime(payload.fire_time())) {
    return absl::OkStatus();
  }
  r.clear_timer_key();  // this one, fired
  r.clear_timer_time();
  ASSIGN_OR_RETURN(
      std::shared_ptr<const CompiledAgreement> a,
      LoadCompiled(txn, ref.agreement, r.clock().agreement_version()));
  const CompiledTerm* term = a->Term(r.clock().term());
  if (term == nullptr) return absl::OkStatus();
  CalendarCache calendars(txn);
  ASSIGN_OR_RETURN(
      const calendars::BusinessClock* bc,
      calendars.Get(r.clock().calendar(), r.clock().calendar_version()));
  ASSIGN_OR_RETURN(CycleTargets targets, TargetsOf(*term->term, cycle, *bc));
  ASSIGN_OR_RETURN(absl::Duration run, RunTime(cycle, *bc, txn.Now()));
  for (const Milestone& m :
       PendingMilestones(*term->term, r.clock().current(), targets)) {
    if (m.at > run) break;
    RETURN_IF_ERROR(Reach(txn, *a, *term->term, *bc, m, &r));
  }
  RETURN_IF_ERROR(ArmClock(txn, *term->term, *bc, &r));
  return SaveClock(txn, &r);
}

absl::Status ForRead(CalendarCache& calendars, const v1::AgreementTerm* term,
                     absl::Time now, v1::Clock* c) {
  if (!IsStopped(c->current())) {
    const CycleCalendar cal = CycleCalendarOf(*c, c->current());
    ASSIGN_OR_RETURN(const calendars::BusinessClock* bc,
                     calendars.Get(cal.name, cal.version));
    RETURN_IF_ERROR(RefreshCycle(c->mutable_current(), *bc, now));
  }
  c->set_at_risk(AtRisk(term, c->current()));
  return absl::OkStatus();
}

}  // namespace mops::services::agreements

// Events moving clocks (clocks.h): for each active agreement whose
// conditions name the event's type, each term's clock on the event's
// subject is cancelled, stopped, resumed or paused, or, with no open
// clock, started (or opens its next cycle).
#include "services/agreements/clocks.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "services/agreements/rules.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/identity/identity.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

using storage::Txn;

absl::StatusOr<CalendarCache::Resolved> CalendarCache::Resolve(
    absl::string_view name, int64_t version) {
  if (version == 0) {
    auto current = current_.find(std::string(name));
    if (current != current_.end()) version = current->second;
  }
  auto key = std::make_pair(std::string(name), version);
  auto it = clocks_.find(key);
  if (it != clocks_.end()) return Resolved{&it->second, version};
  absl::string_view id = name;
  absl::ConsumePrefix(&id, "calendars/");
  ASSIGN_OR_RETURN(v1::Calendar c,
                   calendars::LoadCalendarVersion(reader_, id, version));
  ASSIGN_OR_RETURN(calendars::BusinessClock clock,
                   calendars::BusinessClock::FromProto(c));
  if (version == 0) current_[key.first] = c.version();
  key.second = c.version();
  it = clocks_.insert_or_assign(key, std::move(clock)).first;
  return Resolved{&it->second, c.version()};
}

absl::StatusOr<const calendars::BusinessClock*> CalendarCache::Get(
    absl::string_view name, int64_t version) {
  ASSIGN_OR_RETURN(Resolved r, Resolve(name, version));
  return r.clock;
}

absl::StatusOr<std::string> CalendarCache::CalendarOf(
    const v1::AgreementTerm& term) {
  if (!term.calendar().empty()) return term.calendar();
  absl::string_view team = term.provider();
  absl::ConsumePrefix(&team, "teams/");
  ASSIGN_OR_RETURN(v1::Team t, identity::LoadTeam(reader_, team));
  return t.calendar().empty() ? calendars::DefaultCalendarName() : t.calendar();
}

std::string ClockSubjectOf(const v1::Event& e) {
  const v1::WorkflowStageEvent* stage = nullptr;
  switch (e.payload_case()) {
    case v1::Event::kWorkflowStageEntered:
      stage = &e.workflow_stage_entered();
      break;
    case v1::Event::kWorkflowStageCompleted:
      stage = &e.workflow_stage_completed();
      break;
    case v1::Event::kWorkflowStageSkipped:
      stage = &e.workflow_stage_skipped();
      break;
    case v1::Event::kWorkflowStageOverdue:
      stage = &e.workflow_stage_overdue();
      break;
    case v1::Event::kWorkflowReworked:
      stage = &e.workflow_reworked();
      break;
    default:
      return e.subject();
  }
  return absl::StrCat(stage->workflow().name(), "/stages/", stage->stage());
}

namespace {

// What one event does to the clocks of one agreement.
class Driver {
 public:
  Driver(Txn& txn, const v1::Event& e, std::string type)
      : txn_(txn),
        e_(e),
        type_(std::move(type)),
        subject_(ClockSubjectOf(e)),
        calendars_(txn) {}

  absl::Status Run(absl::string_view id) {
    ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn_, id));
    if (!head || head->active_version() == 0) return absl::OkStatus();
    ASSIGN_OR_RETURN(active_, LoadCompiled(txn_, id, head->active_version()));
    for (size_t i = 0; i < active_->terms.size(); ++i) {
      const CompiledTerm& term = active_->terms[i];
      if (!Names(term.types)) continue;
      RETURN_IF_ERROR(OnSubject(term, static_cast<int>(i)));
      if (Names(term.closing_types)) RETURN_IF_ERROR(UnderSubject(term));
    }
    return absl::OkStatus();
  }

 private:
  bool Names(const std::vector<std::string>& types) const {
    return std::binary_search(types.begin(), types.end(), type_);
  }

  // The first condition of `list` the event matches.
  const CompiledCondition* Match(const std::vector<CompiledCondition>& list) {
    for (const CompiledCondition& c : list) {
      if (c.condition.Matches(e_)) return &c;
    }
    return nullptr;
  }

  // The term of the version the clock runs on (frozen, so cached).
  absl::StatusOr<const CompiledTerm*> TermOf(const v1::Clock& c) {
    std::shared_ptr<const CompiledAgreement> v = active_;
    if (c.agreement_version() != active_->agreement.version()) {
      ASSIGN_OR_RETURN(v,
                       LoadCompiled(txn_, active_->id, c.agreement_version()));
      kept_.push_back(v);
    }
    return v->Term(c.term());
  }

  absl::Status OnSubject(const CompiledTerm& term, int index) {
    ASSIGN_OR_RETURN(std::optional<ClockRecord> r,
                     FindClock(txn_, active_->id, term.term->id(), subject_));
    if (r && !IsStopped(r->clock().current())) return Move(&*r);
    if (Match(term.start) == nullptr) return absl::OkStatus();
    return Start(term, index, std::move(r));
  }

  // Stop and cancel conditions reach the clocks of the subjects under the
  // event's own: a run cancelled, a project deleted.
  absl::Status UnderSubject(const CompiledTerm& term) {
    ASSIGN_OR_RETURN(
        std::vector<ClockRecord> under,
        ClocksUnder(txn_, active_->id, term.term->id(), e_.subject()));
    for (ClockRecord& r : under) {
      if (r.clock().subject() == subject_) continue;  // moved already
      if (IsStopped(r.clock().current())) continue;
      RETURN_IF_ERROR(Move(&r, /*closing_only=*/true));
    }
    return absl::OkStatus();
  }

  absl::Status Move(ClockRecord* r, bool closing_only = false) {
    ASSIGN_OR_RETURN(const CompiledTerm* term, TermOf(r->clock()));
    if (term == nullptr) return absl::OkStatus();  // left by recalculation
    v1::Clock* c = r->mutable_clock();
    v1::ClockCycle* cycle = c->mutable_current();
    ASSIGN_OR_RETURN(const calendars::BusinessClock* bc,
                     calendars_.Get(c->calendar(), c->calendar_version()));
    const absl::Time now = txn_.Now();
    v1::Event out;
    if (Match(term->cancel) != nullptr) {
      RETURN_IF_ERROR(CancelCycle(cycle, *bc, now));
      out.mutable_agreement_clock_cancelled();
    } else if (Match(term->stop) != nullptr) {
      RETURN_IF_ERROR(StopCycle(cycle, *bc, now, c->provider()));
      if (cycle->state() == v1::ClockCycle::MET) {
        out.mutable_agreement_clock_met();
      } else {
        out.mutable_agreement_clock_stopped();
      }
    } else if (closing_only) {
      return absl::OkStatus();
    } else if (const CompiledCondition* m = Match(term->resume);
               m != nullptr && IsPaused(*cycle)) {
      ASSIGN_OR_RETURN(bool moved, ResumeCycle(cycle, *bc, now));
      if (!moved) return absl::OkStatus();
      out.mutable_agreement_clock_resumed();
    } else if (const CompiledCondition* m = Match(term->pause);
               m != nullptr && !IsPaused(*cycle)) {
      const std::string charged =
          m->spec->charged_to().empty() ? c->customer() : m->spec->charged_to();
      RETURN_IF_ERROR(RefreshCycle(cycle, *bc, now));
      if (!PauseCycle(cycle, now, m->spec->reason(), charged)) {
        return absl::OkStatus();
      }
      out.mutable_agreement_clock_paused()->set_reason(m->spec->reason());
    } else {
      return absl::OkStatus();
    }
    return Record(*term->term, *bc, r, std::move(out));
  }

  absl::Status Start(const CompiledTerm& term, int index,
                     std::optional<ClockRecord> r) {
    const v1::AgreementTerm& t = *term.term;
    ASSIGN_OR_RETURN(std::string calendar, calendars_.CalendarOf(t));
    ASSIGN_OR_RETURN(CalendarCache::Resolved cal,
                     calendars_.Resolve(calendar, 0));
    const calendars::BusinessClock* bc = cal.clock;
    const absl::Time now = txn_.Now();
    if (!IsEffective(active_->agreement, now, bc->calendar().time_zone())) {
      return absl::OkStatus();
    }
    std::string segment = "default";
    std::string target = t.target();
    for (size_t i = 0; i < term.segments.size() && segment == "default"; ++i) {
      for (const EventCondition& s : term.segments[i]) {
        if (s.event_type() == type_ && s.Matches(e_)) {
          segment = t.segments(static_cast<int>(i)).name();
          target = t.segments(static_cast<int>(i)).target();
          break;
        }
      }
    }
    ASSIGN_OR_RETURN(BusinessSpan span, ParseSpan("target", target));
    ASSIGN_OR_RETURN(absl::Duration d, SpanDuration(span, *bc, now));
    ClockRecord record;
    if (r) {
      record = *std::move(r);
      *record.mutable_clock()->add_previous_cycles() = record.clock().current();
    } else {
      FillNew(t, index, &record);
    }
    v1::Clock* c = record.mutable_clock();
    const int number = r ? c->current().number() + 1 : 1;
    *c->mutable_current() = StartCycle(number, now, d, std::move(segment));
    c->set_term_title(t.title());
    c->set_agreement_version(active_->agreement.version());
    c->set_calendar(calendar);
    c->set_calendar_version(cal.version);
    RETURN_IF_ERROR(RefreshCycle(c->mutable_current(), *bc, now));
    v1::Event out;
    out.mutable_agreement_clock_started();
    return Record(t, *bc, &record, std::move(out));
  }

  void FillNew(const v1::AgreementTerm& t, int index, ClockRecord* record) {
    // Unique within the agreement: the revision, the event and the term;
    // and in creation order, like every server-chosen id.
    const std::string clock_id =
        absl::StrFormat("c%012x%04x%02x", txn_.revision(), e_.index(), index);
    v1::Clock* c = record->mutable_clock();
    c->set_name(ClockName(active_->id, clock_id));
    c->set_term(t.id());
    c->set_subject(subject_);
    c->set_provider(t.provider());
    c->set_customer(t.customer());
    c->set_metric(t.metric());
  }

  absl::Status Record(const v1::AgreementTerm& term,
                      const calendars::BusinessClock& bc, ClockRecord* r,
                      v1::Event out) {
    RETURN_IF_ERROR(ArmClock(txn_, term, bc, r));
    SaveClock(txn_, r);
    v1::Clock* shown = ClockPayloadOf(&out)->mutable_clock();
    *shown = r->clock();
    shown->set_at_risk(AtRisk(&term, shown->current()));
    EmitReaction(txn_, e_, r->clock().name(), std::move(out));
    return absl::OkStatus();
  }

  Txn& txn_;
  const v1::Event& e_;
  const std::string type_;
  const std::string subject_;
  CalendarCache calendars_;
  std::shared_ptr<const CompiledAgreement> active_;
  std::vector<std::shared_ptr<const CompiledAgreement>> kept_;
};

}  // namespace

absl::Status DriveClocks(Txn& txn, const v1::Event& e) {
  const std::string type = EventTypeOf(e);
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ActiveFor(txn, type));
  for (const std::string& id : ids) {
    Driver driver(txn, e, type);
    RETURN_IF_ERROR(driver.Run(id));
  }
  return absl::OkStatus();
}

}  // namespace mops::services::agreements

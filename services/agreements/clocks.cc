// Events moving clocks (clocks.h): for each active agreement whose
// conditions name the event's type, each term's clock on the event's
// subject is cancelled, stopped, resumed or paused, or, with no open
// clock, started (or opens its next cycle).
#include "services/agreements/clocks.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
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

CycleCalendar CycleCalendarOf(const v1::Clock& c, const v1::ClockCycle& cycle) {
  if (cycle.calendar().empty()) return {c.calendar(), c.calendar_version()};
  return {cycle.calendar(), cycle.calendar_version()};
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

// Whether clocks can be under `subject` ("projects/p" holds its tasks',
// "workflows/w" its stages'): a collection and an id, not an approval.
bool MayHoldClocks(absl::string_view subject) {
  return std::count(subject.begin(), subject.end(), '/') == 1 &&
         !absl::StartsWith(subject, "approvals/");
}

// What one event does to the clocks of one agreement.
class Driver {
 public:
  Driver(Txn& txn, const v1::Event& e, const std::string& type,
         CalendarCache& calendars)
      : txn_(txn),
        e_(e),
        type_(type),
        subject_(ClockSubjectOf(e)),
        calendars_(calendars) {}

  absl::Status Run(absl::string_view id) {
    ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn_, id));
    if (!head || head->active_version() == 0) return absl::OkStatus();
    ASSIGN_OR_RETURN(active_, LoadCompiled(txn_, id, head->active_version()));
    // The terms that may care: the active version's, and those of the
    // versions before it, whose open clocks move on their own conditions.
    std::vector<std::shared_ptr<const CompiledAgreement>> versions = {active_};
    for (int64_t v : head->superseded_versions()) {
      ASSIGN_OR_RETURN(versions.emplace_back(), LoadCompiled(txn_, id, v));
    }
    std::set<std::string> seen;
    const bool under = subject_ == e_.subject() && MayHoldClocks(subject_);
    for (const auto& version : versions) {
      for (const CompiledTerm& term : version->terms) {
        const std::string& term_id = term.term->id();
        if (!Names(term.types) || !seen.insert(term_id).second) continue;
        RETURN_IF_ERROR(OnSubject(term_id));
        if (under) RETURN_IF_ERROR(UnderSubject(term_id));
      }
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

  // An open clock moves on its version's conditions; otherwise the active
  // version's term may start one.
  absl::Status OnSubject(const std::string& term_id) {
    ASSIGN_OR_RETURN(std::optional<ClockRecord> r,
                     FindClock(txn_, active_->id, term_id, subject_));
    if (r && !IsStopped(r->clock().current())) return Move(&*r);
    const CompiledTerm* term = active_->Term(term_id);
    if (term == nullptr || Match(term->start) == nullptr) {
      return absl::OkStatus();
    }
    return Start(*term, static_cast<int>(term - active_->terms.data()),
                 std::move(r));
  }

  // Stop and cancel conditions reach the clocks of the subjects under the
  // event's own: a run cancelled, a project deleted.
  absl::Status UnderSubject(const std::string& term_id) {
    ASSIGN_OR_RETURN(std::vector<ClockRecord> under,
                     ClocksUnder(txn_, active_->id, term_id, e_.subject()));
    for (ClockRecord& r : under) {
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
    // Matched first: the calendar is read only for a clock that moves.
    enum { kCancel, kStop, kResume, kPause } action;
    const CompiledCondition* pause = nullptr;
    if (Match(term->cancel) != nullptr) {
      action = kCancel;
    } else if (Match(term->stop) != nullptr) {
      action = kStop;
    } else if (closing_only) {
      return absl::OkStatus();
    } else if (IsPaused(*cycle) && Match(term->resume) != nullptr) {
      action = kResume;
    } else if (!IsPaused(*cycle) && (pause = Match(term->pause)) != nullptr) {
      action = kPause;
    } else {
      return absl::OkStatus();
    }
    const CycleCalendar cal = CycleCalendarOf(*c, *cycle);
    ASSIGN_OR_RETURN(const calendars::BusinessClock* bc,
                     calendars_.Get(cal.name, cal.version));
    const absl::Time now = txn_.Now();
    v1::Event out;
    switch (action) {
      case kCancel:
        RETURN_IF_ERROR(CancelCycle(cycle, *bc, now));
        out.mutable_agreement_clock_cancelled();
        break;
      case kStop:
        RETURN_IF_ERROR(StopCycle(cycle, *bc, now, c->provider()));
        if (cycle->state() == v1::ClockCycle::MET) {
          out.mutable_agreement_clock_met();
        } else {
          out.mutable_agreement_clock_stopped();
        }
        break;
      case kResume:
        RETURN_IF_ERROR(ResumeCycle(cycle, *bc, now).status());
        out.mutable_agreement_clock_resumed();
        break;
      case kPause: {
        const std::string& charged = pause->spec->charged_to().empty()
                                         ? c->customer()
                                         : pause->spec->charged_to();
        RETURN_IF_ERROR(RefreshCycle(cycle, *bc, now));
        PauseCycle(cycle, now, pause->spec->reason(), charged);
        out.mutable_agreement_clock_paused()->set_reason(pause->spec->reason());
        break;
      }
    }
    return Record(*term->term, *bc, r, std::move(out));
  }

  // The target the first matching segment sets, else the term's.
  std::pair<std::string, std::string> TargetFor(const CompiledTerm& term) {
    const v1::AgreementTerm& t = *term.term;
    for (size_t i = 0; i < term.segments.size(); ++i) {
      for (const EventCondition& s : term.segments[i]) {
        if (s.event_type() == type_ && s.Matches(e_)) {
          const v1::TermSegment& segment = t.segments(static_cast<int>(i));
          return {segment.name(), segment.target()};
        }
      }
    }
    return {"default", t.target()};
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
    auto [segment, target] = TargetFor(term);
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
    v1::ClockCycle* cycle = c->mutable_current();
    *cycle = StartCycle(number, now, d, std::move(segment));
    cycle->set_agreement_version(active_->agreement.version());
    cycle->set_calendar(calendar);
    cycle->set_calendar_version(cal.version);
    // A new cycle counts on the active version: the term as it says now.
    c->set_term_title(t.title());
    c->set_provider(t.provider());
    c->set_customer(t.customer());
    c->set_metric(t.metric());
    c->set_agreement_version(active_->agreement.version());
    c->set_calendar(calendar);
    c->set_calendar_version(cal.version);
    RETURN_IF_ERROR(RefreshCycle(cycle, *bc, now));
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
  }

  absl::Status Record(const v1::AgreementTerm& term,
                      const calendars::BusinessClock& bc, ClockRecord* r,
                      v1::Event out) {
    RETURN_IF_ERROR(ArmClock(txn_, term, bc, r));
    RETURN_IF_ERROR(SaveClock(txn_, r));
    v1::Clock* shown = ClockPayloadOf(&out)->mutable_clock();
    *shown = r->clock();
    shown->set_at_risk(AtRisk(&term, shown->current()));
    EmitReaction(txn_, e_, r->clock().name(), std::move(out));
    return absl::OkStatus();
  }

  Txn& txn_;
  const v1::Event& e_;
  const std::string& type_;
  const std::string subject_;
  CalendarCache& calendars_;
  std::shared_ptr<const CompiledAgreement> active_;
  std::vector<std::shared_ptr<const CompiledAgreement>> kept_;
};

}  // namespace

absl::Status DriveClocks(Txn& txn, const v1::Event& e) {
  const std::string type = EventTypeOf(e);
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ActiveFor(txn, type));
  if (ids.empty()) return absl::OkStatus();
  CalendarCache calendars(txn);
  for (const std::string& id : ids) {
    Driver driver(txn, e, type, calendars);
    RETURN_IF_ERROR(driver.Run(id));
  }
  return absl::OkStatus();
}

}  // namespace mops::services::agreements

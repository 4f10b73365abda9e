// The arithmetic of a clock's cycle (rules.h): run time with pauses, due
// time, milestones. Pure: time and the calendar come in as arguments.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/agreements/rules.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

using calendars::BusinessClock;
using calendars::Interval;

namespace {

absl::Time StartOf(const v1::ClockCycle& c) {
  return FromProtoTime(c.start_time());
}

}  // namespace

absl::StatusOr<CycleTargets> TargetsOf(const v1::AgreementTerm& term,
                                       const v1::ClockCycle& cycle,
                                       const BusinessClock& clock) {
  CycleTargets out;
  out.target = FromProtoDuration(cycle.target());
  for (int i = 0; i < term.escalations_size(); ++i) {
    ASSIGN_OR_RETURN(
        BusinessSpan span,
        ParseSpan("offset", term.escalations(i).offset(), /*allow_sign=*/true));
    ASSIGN_OR_RETURN(absl::Duration offset,
                     SpanDuration(span, clock, StartOf(cycle)));
    // Never before the step above it: steps are taken in order.
    absl::Duration at = std::max(absl::ZeroDuration(), out.target + offset);
    if (!out.escalations.empty()) at = std::max(at, out.escalations.back());
    out.escalations.push_back(at);
  }
  return out;
}

// The moment the run time reached `at`, walking the cycle's running spans
// (its pauses are in order and do not overlap) up to `end`; nullopt when it
// had not by then.
absl::StatusOr<std::optional<absl::Time>> TimeRunTimeReached(
    const v1::ClockCycle& c, const BusinessClock& clock, absl::Time end,
    absl::Duration at) {
  absl::Duration run;
  absl::Time from = StartOf(c);
  for (int i = 0; i <= c.pauses_size(); ++i) {
    const bool last = i == c.pauses_size();
    const absl::Time to =
        last ? end : std::min(end, FromProtoTime(c.pauses(i).start_time()));
    ASSIGN_OR_RETURN(absl::Duration span, clock.Elapsed(from, to));
    if (span > absl::ZeroDuration() && run + span >= at) {
      ASSIGN_OR_RETURN(absl::Time t, clock.Add(from, at - run));
      return std::optional<absl::Time>(t);
    }
    run += span;
    if (last || !c.pauses(i).has_end_time()) break;
    from = FromProtoTime(c.pauses(i).end_time());
  }
  return std::optional<absl::Time>();
}

bool IsStopped(const v1::ClockCycle& c) {
  return c.state() == v1::ClockCycle::MET ||
         c.state() == v1::ClockCycle::BREACHED_STOPPED ||
         c.state() == v1::ClockCycle::CANCELLED;
}

bool IsPaused(const v1::ClockCycle& c) {
  return c.state() == v1::ClockCycle::PAUSED;
}

absl::StatusOr<absl::Duration> RunTime(const v1::ClockCycle& c,
                                       const BusinessClock& clock,
                                       absl::Time now) {
  const absl::Time end = c.has_stop_time() ? FromProtoTime(c.stop_time()) : now;
  std::vector<Interval> pauses;
  pauses.reserve(c.pauses_size());
  for (const v1::ClockPause& p : c.pauses()) {
    pauses.push_back({FromProtoTime(p.start_time()),
                      p.has_end_time() ? FromProtoTime(p.end_time()) : end});
  }
  return clock.ElapsedExcluding(StartOf(c), end, std::move(pauses));
}

v1::ClockCycle StartCycle(int number, absl::Time now, absl::Duration target,
                          std::string segment) {
  v1::ClockCycle c;
  c.set_number(number);
  c.set_state(v1::ClockCycle::RUNNING);
  *c.mutable_start_time() = ToProtoTime(now);
  *c.mutable_target() = ToProtoDuration(target);
  c.set_segment(std::move(segment));
  *c.mutable_elapsed() = ToProtoDuration(absl::ZeroDuration());
  return c;
}

bool PauseCycle(v1::ClockCycle* c, absl::Time now, std::string reason,
                std::string charged_to) {
  if (IsStopped(*c) || IsPaused(*c)) return false;
  v1::ClockPause* p = c->add_pauses();
  *p->mutable_start_time() = ToProtoTime(now);
  p->set_reason(std::move(reason));
  p->set_charged_to(std::move(charged_to));
  c->set_state(v1::ClockCycle::PAUSED);
  c->clear_due_time();
  return true;
}

absl::StatusOr<bool> ResumeCycle(v1::ClockCycle* c, const BusinessClock& clock,
                                 absl::Time now) {
  if (!IsPaused(*c)) return false;
  *c->mutable_pauses()->rbegin()->mutable_end_time() = ToProtoTime(now);
  c->set_state(c->has_breach() ? v1::ClockCycle::BREACHED
                               : v1::ClockCycle::RUNNING);
  RETURN_IF_ERROR(RefreshCycle(c, clock, now));
  return true;
}

absl::StatusOr<absl::Time> WhenRunTimeReaches(const v1::ClockCycle& c,
                                              const BusinessClock& clock,
                                              absl::Time now,
                                              absl::Duration at) {
  ASSIGN_OR_RETURN(absl::Duration run, RunTime(c, clock, now));
  if (run >= at) return now;
  return clock.Add(now, at - run);
}

absl::Status RefreshCycle(v1::ClockCycle* c, const BusinessClock& clock,
                          absl::Time now) {
  if (IsStopped(*c)) return absl::OkStatus();
  ASSIGN_OR_RETURN(absl::Duration run, RunTime(*c, clock, now));
  *c->mutable_elapsed() = ToProtoDuration(run);
  if (IsPaused(*c)) {
    c->clear_due_time();
    return absl::OkStatus();
  }
  if (c->has_breach()) {
    *c->mutable_due_time() = c->breach().time();
    return absl::OkStatus();
  }
  const absl::Duration target = FromProtoDuration(c->target());
  if (run < target) {
    ASSIGN_OR_RETURN(absl::Time due, clock.Add(now, target - run));
    *c->mutable_due_time() = ToProtoTime(due);
    return absl::OkStatus();
  }
  // Past the target before its breach is recorded (the timer is late):
  // still the moment it was reached, not the time of this read.
  ASSIGN_OR_RETURN(std::optional<absl::Time> reached,
                   TimeRunTimeReached(*c, clock, now, target));
  *c->mutable_due_time() = ToProtoTime(reached.value_or(now));
  return absl::OkStatus();
}

absl::Status StopCycle(v1::ClockCycle* c, const BusinessClock& clock,
                       absl::Time now, absl::string_view provider) {
  if (IsStopped(*c)) return absl::OkStatus();
  if (IsPaused(*c)) {
    *c->mutable_pauses()->rbegin()->mutable_end_time() = ToProtoTime(now);
  }
  const absl::Duration target = FromProtoDuration(c->target());
  if (!c->has_breach()) {
    // Where the run time crossed the target, if it did: a late breach
    // timer must not turn a breach into a met target.
    ASSIGN_OR_RETURN(absl::Duration run, RunTime(*c, clock, now));
    if (run > target) {
      ASSIGN_OR_RETURN(std::optional<absl::Time> when,
                       TimeRunTimeReached(*c, clock, now, target));
      RecordMilestone(c, {target, Milestone::kBreach}, when.value_or(now),
                      provider);
    }
  }
  *c->mutable_stop_time() = ToProtoTime(now);
  ASSIGN_OR_RETURN(absl::Duration run, RunTime(*c, clock, now));
  *c->mutable_elapsed() = ToProtoDuration(run);
  c->clear_due_time();
  c->set_state(c->has_breach() ? v1::ClockCycle::BREACHED_STOPPED
                               : v1::ClockCycle::MET);
  return absl::OkStatus();
}

absl::Status CancelCycle(v1::ClockCycle* c, const BusinessClock& clock,
                         absl::Time now) {
  if (IsStopped(*c)) return absl::OkStatus();
  if (IsPaused(*c)) {
    *c->mutable_pauses()->rbegin()->mutable_end_time() = ToProtoTime(now);
  }
  *c->mutable_stop_time() = ToProtoTime(now);
  ASSIGN_OR_RETURN(absl::Duration run, RunTime(*c, clock, now));
  *c->mutable_elapsed() = ToProtoDuration(run);
  c->clear_due_time();
  c->set_state(v1::ClockCycle::CANCELLED);
  return absl::OkStatus();
}

std::vector<Milestone> PendingMilestones(const v1::AgreementTerm& term,
                                         const v1::ClockCycle& c,
                                         const CycleTargets& targets) {
  std::vector<Milestone> out;
  for (int percent : WarningsOf(term)) {
    if (std::find(c.warned_percents().begin(), c.warned_percents().end(),
                  percent) != c.warned_percents().end()) {
      continue;
    }
    out.push_back(
        {targets.target * percent / 100, Milestone::kWarning, percent, 0});
  }
  if (!c.has_breach()) {
    out.push_back({targets.target, Milestone::kBreach});
  }
  for (size_t i = c.escalations_taken(); i < targets.escalations.size(); ++i) {
    out.push_back({targets.escalations[i], Milestone::kEscalation, 0,
                   static_cast<int>(i) + 1});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Milestone& a, const Milestone& b) {
                     if (a.at != b.at) return a.at < b.at;
                     return a.kind < b.kind;
                   });
  return out;
}

void RecordMilestone(v1::ClockCycle* c, const Milestone& m, absl::Time when,
                     absl::string_view provider) {
  switch (m.kind) {
    case Milestone::kWarning:
      c->add_warned_percents(m.percent);
      break;
    case Milestone::kBreach: {
      v1::ClockBreach* b = c->mutable_breach();
      *b->mutable_time() = ToProtoTime(when);
      b->set_responsible(std::string(provider));
      *b->mutable_elapsed() = c->target();
      if (c->state() == v1::ClockCycle::RUNNING) {
        c->set_state(v1::ClockCycle::BREACHED);
      }
      break;
    }
    case Milestone::kEscalation:
      c->set_escalations_taken(m.step);
      break;
  }
}

bool AtRisk(const v1::AgreementTerm* term, const v1::ClockCycle& c) {
  if (IsStopped(c)) return false;
  if (c.has_breach()) return true;
  if (term == nullptr) return false;
  const std::vector<int> warnings = WarningsOf(*term);
  if (warnings.empty()) return false;
  const int last = *std::max_element(warnings.begin(), warnings.end());
  return std::find(c.warned_percents().begin(), c.warned_percents().end(),
                   last) != c.warned_percents().end();
}

}  // namespace mops::services::agreements

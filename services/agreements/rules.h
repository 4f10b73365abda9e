// The agreements domain's decisions as pure functions: the shape of an
// agreement, business spans ("2bh", "3bd", "-30bm"), and the arithmetic of
// a clock's cycle (run time with pauses, due time, milestones). Tested
// without a server (tests/services/agreement_rules_test.cc).
#ifndef MOPS_SERVICES_AGREEMENTS_RULES_H_
#define MOPS_SERVICES_AGREEMENTS_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mops/v1/agreements.pb.h"
#include "services/calendars/business_clock.h"

namespace mops::services::agreements {

inline constexpr int kDefaultWarnings[] = {50, 75};

// ---- business spans

struct BusinessSpan {
  enum Unit { kMinutes, kHours, kDays };
  int64_t count = 0;
  Unit unit = kHours;
  bool negative = false;
};
// "30bm", "2bh", "3bd" with N >= 1 (at most ten years of it); with
// allow_sign also "-1bh", "+2bh" and "0bh". INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<BusinessSpan> ParseSpan(absl::string_view field,
                                       absl::string_view text,
                                       bool allow_sign = false);
// The business time a span stands for, counted from `start`: minutes and
// hours as they are; N business days the working time from the start's
// next working moment to the same clock time N working days later (a day
// is the calendar's, not 8 hours). Negative for a negative span.
absl::StatusOr<absl::Duration> SpanDuration(
    const BusinessSpan& span, const calendars::BusinessClock& clock,
    absl::Time start);

// ---- the shape of an agreement

// Everything that needs no stored state: ids, names, parties (two or more,
// each team once, liaisons), dates, terms (provider and customer are
// different parties, conditions compile against their event types,
// targets, segments, warnings, escalations in order). INVALID_ARGUMENT
// naming the field ("agreement.terms[1].pause[0].charged_to").
absl::Status ValidateAgreement(absl::string_view prefix,
                               const v1::Agreement& a);
// A term's warning shares: its own, else 50 and 75.
std::vector<int> WarningsOf(const v1::AgreementTerm& term);
// Whether `t`, as a date in `zone`, is within the agreement's effective
// dates.
bool IsEffective(const v1::Agreement& a, absl::Time t, absl::TimeZone zone);
// The term `id` of `a`; nullptr when absent.
const v1::AgreementTerm* FindTerm(const v1::Agreement& a, absl::string_view id);

// ---- a clock's cycle

// What a cycle counts against: its target and escalation offsets as
// business time, fixed when the cycle starts.
struct CycleTargets {
  absl::Duration target;
  std::vector<absl::Duration> escalations;  // target + offset, per step
};
absl::StatusOr<CycleTargets> TargetsOf(const v1::AgreementTerm& term,
                                       const v1::ClockCycle& cycle,
                                       const calendars::BusinessClock& clock);

// Business time the cycle has run by `now`: from its start to its stop (or
// now), minus its pauses (an open one ends now).
absl::StatusOr<absl::Duration> RunTime(const v1::ClockCycle& cycle,
                                       const calendars::BusinessClock& clock,
                                       absl::Time now);
// Whether the cycle is stopped (met, breached and stopped, cancelled).
bool IsStopped(const v1::ClockCycle& cycle);
bool IsPaused(const v1::ClockCycle& cycle);

// The transitions. Each sets state, times and elapsed; `now` is the
// event's time. Pause and resume of a stopped cycle, a pause of a paused
// one and a resume of a running one change nothing and return false.
v1::ClockCycle StartCycle(int number, absl::Time now, absl::Duration target,
                          std::string segment);
bool PauseCycle(v1::ClockCycle* cycle, absl::Time now, std::string reason,
                std::string charged_to);
absl::StatusOr<bool> ResumeCycle(v1::ClockCycle* cycle,
                                 const calendars::BusinessClock& clock,
                                 absl::Time now);
// Met or breached and stopped, by the run time at `now`. A target passed
// before its breach was recorded (a late timer) is recorded as a breach at
// the moment it passed, owed by `provider`.
absl::Status StopCycle(v1::ClockCycle* cycle,
                       const calendars::BusinessClock& clock, absl::Time now,
                       absl::string_view provider);
absl::Status CancelCycle(v1::ClockCycle* cycle,
                         const calendars::BusinessClock& clock, absl::Time now);
// While running: due_time is when the run time reaches the target (in the
// past once breached), and elapsed is as of now. Paused: no due time.
absl::Status RefreshCycle(v1::ClockCycle* cycle,
                          const calendars::BusinessClock& clock,
                          absl::Time now);

// A point in run time where something is recorded.
struct Milestone {
  enum Kind { kWarning, kBreach, kEscalation };
  absl::Duration at;
  Kind kind = kWarning;
  int percent = 0;  // kWarning
  int step = 0;     // kEscalation: from 1
};
// The term's milestones for a cycle not yet recorded on it, soonest first
// (a warning before the breach at the same run time, the breach before an
// escalation at it).
std::vector<Milestone> PendingMilestones(const v1::AgreementTerm& term,
                                         const v1::ClockCycle& cycle,
                                         const CycleTargets& targets);
// Marks `m` recorded on the cycle; a breach records its time and party.
void RecordMilestone(v1::ClockCycle* cycle, const Milestone& m, absl::Time when,
                     absl::string_view provider);
// The moment the cycle's run time reached `at`, walking its running spans
// up to `end`; nullopt when it had not by then.
absl::StatusOr<std::optional<absl::Time>> TimeRunTimeReached(
    const v1::ClockCycle& cycle, const calendars::BusinessClock& clock,
    absl::Time end, absl::Duration at);
// When a running cycle's run time reaches `at`: now when it has already.
absl::StatusOr<absl::Time> WhenRunTimeReaches(
    const v1::ClockCycle& cycle, const calendars::BusinessClock& clock,
    absl::Time now, absl::Duration at);
// Running or paused past the last warning share, or breached and open.
bool AtRisk(const v1::AgreementTerm* term, const v1::ClockCycle& cycle);

}  // namespace mops::services::agreements

#endif  // MOPS_SERVICES_AGREEMENTS_RULES_H_

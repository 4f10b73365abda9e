#include "services/workflows/projection.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {

using StageState = v1::WorkflowStageState;

namespace {

// "3bd" -> 3 days (as a business-day count), "16bh" -> hours: to compare
// task estimates without a calendar.
int64_t Hours(absl::string_view d) {
  int64_t n = 0;
  if (absl::ConsumeSuffix(&d, "bh") && absl::SimpleAtoi(d, &n)) return n;
  if (absl::ConsumeSuffix(&d, "bd") && absl::SimpleAtoi(d, &n)) return n * 8;
  return 0;
}

// When a stage that starts at `start` ends on its estimate.
absl::StatusOr<absl::Time> EndFrom(const v1::WorkflowStage& s,
                                   const v1::Workflow& run, absl::Time start,
                                   const calendars::BusinessClock& clock) {
  if (s.has_wait() && !s.wait().until_variable().empty()) {
    auto it = run.variables().find(s.wait().until_variable());
    if (it == run.variables().end()) return start;
    std::optional<absl::Time> until =
        MomentOf(it->second, clock.calendar().time_zone());
    return until ? std::max(start, *until) : start;
  }
  const std::string estimate =
      s.has_wait() ? s.wait().duration() : EstimateOf(s);
  if (estimate.empty()) return start;
  return calendars::ResolveDue(estimate, clock, start);
}

}  // namespace

std::string EstimateOf(const v1::WorkflowStage& s) {
  if (!s.estimate().empty()) return s.estimate();
  std::string longest;
  for (const v1::WorkflowTaskSpec& t : s.task().tasks()) {
    if (Hours(t.estimate()) > Hours(longest)) longest = t.estimate();
  }
  if (!longest.empty()) return longest;
  return s.due();
}

absl::StatusOr<Projection> Project(const v1::WorkflowTemplate& spec,
                                   const StageGraph& g,
                                   const StageStates& states,
                                   const v1::Workflow& run, absl::Time now,
                                   const ClockOfStage& clock_of) {
  Projection p;
  p.stage_end.resize(states.size());
  for (int i : g.TopologicalOrder()) {
    const StageState& s = states[i];
    std::optional<absl::Time>& end = p.stage_end[i];
    switch (s.state()) {
      case StageState::SKIPPED:
        break;
      case StageState::DONE:
      case StageState::FAILED:
      case StageState::CANCELLED:
        end = FromProtoTime(s.end_time());
        break;
      case StageState::ACTIVE: {
        ASSIGN_OR_RETURN(const calendars::BusinessClock* clock, clock_of(i));
        ASSIGN_OR_RETURN(absl::Time e,
                         EndFrom(spec.stages(i), run,
                                 FromProtoTime(s.start_time()), *clock));
        end = std::max(e, now);
        break;
      }
      default: {
        // Pending: after the latest of what it waits on, along the edges
        // the run may still take (not a rejection path not taken yet).
        std::optional<absl::Time> start;
        bool any = g.In(i).empty();
        for (const Edge& e : g.In(i)) {
          const StageState& from = states[e.from];
          if (e.label == EdgeLabel::kIfRejected && from.branch() != "rejected")
            continue;
          if (!p.stage_end[e.from]) continue;
          any = true;
          start = std::max(start.value_or(now), *p.stage_end[e.from]);
        }
        if (!any) break;
        ASSIGN_OR_RETURN(const calendars::BusinessClock* clock, clock_of(i));
        ASSIGN_OR_RETURN(end,
                         EndFrom(spec.stages(i), run,
                                 std::max(start.value_or(now), now), *clock));
        break;
      }
    }
    if (end) p.end = std::max(p.end.value_or(*end), *end);
  }
  return p;
}

absl::Status FillProjection(const v1::WorkflowTemplate& spec,
                            const StageGraph& g, absl::Time now,
                            const ClockNamed& clocks, v1::Workflow* w) {
  if (w->state() != v1::Workflow::RUNNING &&
      w->state() != v1::Workflow::SUSPENDED) {
    if (w->has_end_time()) *w->mutable_projected_end_time() = w->end_time();
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(
      Projection p,
      Project(spec, g, w->stages(), *w, now,
              [&](int i) -> absl::StatusOr<const calendars::BusinessClock*> {
                const std::string& own = spec.stages(i).calendar();
                return clocks(own.empty() ? w->calendar() : own);
              }));
  for (int i = 0; i < w->stages_size(); ++i) {
    if (p.stage_end[i] && w->stages(i).state() != StageState::DONE) {
      *w->mutable_stages(i)->mutable_projected_end_time() =
          ToProtoTime(*p.stage_end[i]);
    }
  }
  if (!p.end) return absl::OkStatus();
  *w->mutable_projected_end_time() = ToProtoTime(*p.end);
  ASSIGN_OR_RETURN(const calendars::BusinessClock* clock,
                   clocks(w->calendar()));
  const std::optional<absl::Time> target =
      TargetOf(spec, *w, clock->calendar().time_zone());
  w->set_at_risk(target && *p.end > *target);
  return absl::OkStatus();
}

std::optional<absl::Time> MomentOf(absl::string_view value,
                                   const absl::TimeZone& zone) {
  absl::CivilDay day;
  if (absl::ParseCivilTime(value, &day)) return absl::FromCivil(day, zone);
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, value, &t, &err)) return t;
  return std::nullopt;
}

std::optional<absl::Time> TargetOf(const v1::WorkflowTemplate& spec,
                                   const v1::Workflow& run,
                                   const absl::TimeZone& zone) {
  if (spec.target_variable().empty()) return std::nullopt;
  auto it = run.variables().find(spec.target_variable());
  absl::CivilDay day;
  if (it == run.variables().end() || !absl::ParseCivilTime(it->second, &day)) {
    return std::nullopt;
  }
  return absl::FromCivil(day + 1, zone);
}

}  // namespace mops::services::workflows

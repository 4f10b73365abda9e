// When a run will end if each remaining stage takes its estimate: its
// longest remaining path, each stage on its calendar. Pure but for the
// clocks it is given.
#ifndef MOPS_SERVICES_WORKFLOWS_PROJECTION_H_
#define MOPS_SERVICES_WORKFLOWS_PROJECTION_H_

#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "mops/v1/workflows.pb.h"
#include "services/calendars/calendars.h"
#include "services/workflows/graph.h"

namespace mops::services::workflows {

using StageStates = google::protobuf::RepeatedPtrField<v1::WorkflowStageState>;
// The clock of stage `i`.
using ClockOfStage =
    std::function<absl::StatusOr<const calendars::BusinessClock*>(int)>;

struct Projection {
  // Per stage: when it ended or will end; nullopt for a stage that will
  // not run (skipped, or only on a rejection path).
  std::vector<std::optional<absl::Time>> stage_end;
  std::optional<absl::Time> end;
};

// A stage's estimate: its own, else its longest task estimate, else its
// deadline ("" for none).
std::string EstimateOf(const v1::WorkflowStage& s);

absl::StatusOr<Projection> Project(const v1::WorkflowTemplate& spec,
                                   const StageGraph& g,
                                   const StageStates& states,
                                   const v1::Workflow& run, absl::Time now,
                                   const ClockOfStage& clock_of);

// A calendar's clock by name ("calendars/{c}").
using ClockNamed =
    std::function<absl::StatusOr<const calendars::BusinessClock*>(
        absl::string_view name)>;

// Fills what a run shows of the projection: its projected end, its
// unfinished stages' and at_risk (the projected end after the target
// date). An ended run's projected end is its end.
absl::Status FillProjection(const v1::WorkflowTemplate& spec,
                            const StageGraph& g, absl::Time now,
                            const ClockNamed& clocks, v1::Workflow* w);

// The moment a date or time variable's value names: a date's midnight in
// `zone`, a time as it is; nullopt for anything else.
std::optional<absl::Time> MomentOf(absl::string_view value,
                                   const absl::TimeZone& zone);

// The end of the target date (its next midnight in `zone`) when the
// template has a target variable and the run a date in it.
std::optional<absl::Time> TargetOf(const v1::WorkflowTemplate& spec,
                                   const v1::Workflow& run,
                                   const absl::TimeZone& zone);

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_PROJECTION_H_

// Moving a run to another version of its template: which stage of the
// new version each stage's state goes to. Pure.
#ifndef MOPS_SERVICES_WORKFLOWS_MIGRATION_H_
#define MOPS_SERVICES_WORKFLOWS_MIGRATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/map.h"
#include "mops/v1/workflows.pb.h"

namespace mops::services::workflows {

using StageMapping = google::protobuf::Map<std::string, std::string>;

// The run's stage states for version `to`: a stage that had started keeps
// its state (rounds, tasks, approval, decisions) under the stage it maps
// to (`mapping`, else the same id); the others are pending, or skipped
// when the run is already past them. INVALID_ARGUMENT naming
// `stage_mapping[id]` for a name that is no stage, a stage of another kind
// or two stages mapped to one; FAILED_PRECONDITION naming the stage for an
// active stage the new version has no place for.
absl::StatusOr<google::protobuf::RepeatedPtrField<v1::WorkflowStageState>>
MapStages(
    const v1::WorkflowTemplate& from, const v1::WorkflowTemplate& to,
    int64_t to_version,
    const google::protobuf::RepeatedPtrField<v1::WorkflowStageState>& states,
    const StageMapping& mapping);

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_MIGRATION_H_

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/migration.h"
#include "services/workflows/run.h"
#include "services/workflows/state.h"
#include "services/workflows/template_rules.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Txn;
using History = v1::WorkflowHistoryEntry;
using StageState = v1::WorkflowStageState;

absl::Status MigrateWorkflow::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseRunName("name", req.name()).status());
  if (req.target_version() <= 0) {
    return absl::InvalidArgumentError(
        "target_version: a published version number is needed");
  }
  // Which names are stages is MapStages' to say; here only their size.
  for (const auto& [from, to] : req.stage_mapping()) {
    if (from.size() > kMaxStageIdLength || to.size() > kMaxStageIdLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("stage_mapping: stage ids are at most ",
                       kMaxStageIdLength, " characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status MigrateWorkflow::Apply(Txn& txn, const Principal& p,
                                    const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseRunName("name", req.name()));
  ASSIGN_OR_RETURN(v1::Workflow w, LoadRun(txn, id));
  RETURN_IF_ERROR(
      RequireProjectMember(txn, p, w.project(), "migrate its workflows"));
  if (w.state() != v1::Workflow::RUNNING &&
      w.state() != v1::Workflow::SUSPENDED) {
    return absl::FailedPreconditionError(
        absl::StrCat(w.name(), " is ", v1::Workflow::State_Name(w.state()),
                     "; only a running or suspended run is migrated"));
  }
  if (req.target_version() <= w.template_version()) {
    return absl::InvalidArgumentError(
        absl::StrCat("target_version: ", w.name(), " runs version ",
                     w.template_version(), "; it moves to a newer one"));
  }
  const absl::string_view template_id = TemplateIdOf(w);
  ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion from,
                   LoadVersion(txn, template_id, w.template_version()));
  ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion to,
                   LoadVersion(txn, template_id, req.target_version()));
  if (to.deprecated()) {
    return absl::FailedPreconditionError(
        absl::StrCat(to.name(), " is deprecated; migrate to a newer version"));
  }
  ASSIGN_OR_RETURN(*w.mutable_stages(),
                   MapStages(from.template_(), to.template_(), to.version(),
                             w.stages(), req.stage_mapping()));
  const int64_t from_version = w.template_version();
  const int64_t to_version = to.version();
  w.set_template_version(to_version);
  ASSIGN_OR_RETURN(
      Run run, Run::Of(txn, std::move(w), std::move(*to.mutable_template_()),
                       Mover::Caller(p)));
  for (int i = 0; i < run.workflow().stages_size(); ++i) {
    StageState& s = run.stage(i);
    if (s.state() != StageState::ACTIVE) continue;
    if (req.deadlines() == v1::MigrateWorkflowRequest::RESTART) {
      RETURN_IF_ERROR(run.RestartDeadline(i));
    } else {
      run.ArmTimers(i);
    }
  }
  run.Record(History::MIGRATED, nullptr,
             absl::StrCat("version ", from_version, " -> ", to_version));
  v1::Event e;
  v1::WorkflowMigrated* m = e.mutable_workflow_migrated();
  *m->mutable_workflow() = run.Snapshot();
  m->set_from_version(from_version);
  *m->mutable_stage_mapping() = req.stage_mapping();
  run.EmitRun(std::move(e));
  RETURN_IF_ERROR(run.Advance());
  run.Save();
  return run.Answer(out);
}

}  // namespace mops::services::workflows::commands

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "services/projects/commands/commands.h"
#include "services/projects/keys.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

constexpr absl::string_view kUpdatable[] = {
    "title", "description", "team",     "owner",  "objective", "kpis",
    "state", "start_date",  "end_date", "budget", "labels"};

}  // namespace

absl::Status UpdateProject::Validate(const Request& req) const {
  RETURN_IF_ERROR(
      ParseId("project.name", req.project().name(), "projects/*").status());
  return UpdatePaths(req.update_mask(), req.project(), kUpdatable).status();
}

absl::Status UpdateProject::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("project.name", req.project().name(), "projects/*"));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), req.project(), kUpdatable));
  ASSIGN_OR_RETURN(v1::Project project, LoadProject(txn, id));
  const std::string old_team = project.team().substr(strlen("teams/"));
  RETURN_IF_ERROR(RequireWriter(txn, p, old_team, "update its projects"));
  RETURN_IF_ERROR(
      CheckEtag(req.project().etag(), project.etag(), project.name()));
  const v1::Project::State old_state = project.state();
  const v1::Project& in = req.project();
  for (const std::string& path : paths) {
    if (path == "title") {
      RETURN_IF_ERROR(ValidateRequired("project.title", in.title()));
      project.set_title(in.title());
    } else if (path == "description") {
      project.set_description(in.description());
    } else if (path == "team") {
      ASSIGN_OR_RETURN(std::string team,
                       ResolveTeam(txn, "project.team", in.team()));
      RETURN_IF_ERROR(RequireWriter(txn, p, team, "move projects to it"));
      project.set_team(absl::StrCat("teams/", team));
    } else if (path == "owner") {
      ASSIGN_OR_RETURN(std::string owner,
                       ResolveUser(txn, "project.owner", in.owner()));
      project.set_owner(absl::StrCat("users/", owner));
    } else if (path == "objective") {
      project.set_objective(in.objective());
    } else if (path == "kpis") {
      *project.mutable_kpis() = in.kpis();
    } else if (path == "state") {
      if (in.state() == v1::Project::STATE_UNSPECIFIED) {
        return absl::InvalidArgumentError("project.state must be set");
      }
      project.set_state(in.state());
    } else if (path == "start_date") {
      project.set_start_date(in.start_date());
    } else if (path == "end_date") {
      project.set_end_date(in.end_date());
    } else if (path == "budget") {
      if (in.has_budget()) {
        *project.mutable_budget() = in.budget();
      } else {
        project.clear_budget();
      }
    } else if (path == "labels") {
      *project.mutable_labels() = in.labels();
      Dedupe(project.mutable_labels());
    }
  }
  RETURN_IF_ERROR(ValidateProjectFields(project, /*require_title=*/true));
  project.set_etag(EtagOf(txn.revision()));
  *project.mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Project(id), project);
  v1::Event e;
  *e.mutable_project_updated()->mutable_project() = project;
  e.mutable_project_updated()->mutable_fields()->Assign(paths.begin(),
                                                        paths.end());
  Emit(txn, p, project.name(), std::move(e));
  if (project.state() != old_state) {
    v1::Event s;
    *s.mutable_project_state_changed()->mutable_project() = project;
    s.mutable_project_state_changed()->set_from(old_state);
    Emit(txn, p, project.name(), std::move(s));
  }
  *out = std::move(project);
  return absl::OkStatus();
}

}  // namespace mops::services::projects::commands

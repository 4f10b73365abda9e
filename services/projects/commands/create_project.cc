#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/projects/commands/commands.h"
#include "services/projects/keys.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CreateProject::Validate(const Request& req) const {
  if (!req.project_id().empty()) {
    RETURN_IF_ERROR(ValidateId("project_id", req.project_id()));
  }
  RETURN_IF_ERROR(ValidateProjectFields(req.project(), /*require_title=*/true));
  return ValidateRequired("project.team", req.project().team());
}

absl::Status CreateProject::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  v1::Project& project = *out;
  ASSIGN_OR_RETURN(std::string team,
                   ResolveTeam(txn, "project.team", req.project().team()));
  RETURN_IF_ERROR(RequireWriter(txn, p, team, "create its projects"));
  std::string id = req.project_id();
  if (id.empty()) {
    ASSIGN_OR_RETURN(
        id, FreshId(txn, Cf::kRecords, 'p',
                    [](const std::string& i) { return keys::Project(i); }));
  }
  ASSIGN_OR_RETURN(auto existing, txn.Get(Cf::kRecords, keys::Project(id)));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat("project \"projects/", id, "\" already exists"));
  }
  RETURN_IF_ERROR(CheckNotPurging(txn, id));
  project = req.project();
  project.set_name(absl::StrCat("projects/", id));
  project.set_team(absl::StrCat("teams/", team));
  if (project.owner().empty()) {
    project.set_owner(p.UserName());
  } else {
    ASSIGN_OR_RETURN(std::string owner,
                     ResolveUser(txn, "project.owner", project.owner()));
    project.set_owner(absl::StrCat("users/", owner));
  }
  if (project.state() == v1::Project::STATE_UNSPECIFIED) {
    project.set_state(v1::Project::PLANNED);
  }
  Dedupe(project.mutable_labels());
  project.set_etag(EtagOf(txn.revision()));
  *project.mutable_create_time() = ToProtoTime(txn.Now());
  *project.mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Project(id), project);
  v1::Event e;
  *e.mutable_project_created()->mutable_project() = project;
  Emit(txn, p, project.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::projects::commands

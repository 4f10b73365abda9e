#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/projects/projects.h"
#include "services/workflows/keys.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {

using storage::Cf;
using storage::Reader;
using storage::Txn;

absl::StatusOr<std::string> ParseRunName(absl::string_view field,
                                         absl::string_view name) {
  return ParseId(field, name, "workflows/*");
}

absl::string_view TemplateIdOf(const v1::Workflow& w) {
  absl::string_view id = w.template_();
  absl::ConsumePrefix(&id, "workflowTemplates/");
  return id;
}

absl::StatusOr<v1::Workflow> LoadRun(const Reader& reader,
                                     absl::string_view id) {
  v1::Workflow w;
  ASSIGN_OR_RETURN(bool found,
                   reader.GetProto(Cf::kRecords, keys::Workflow(id), &w));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("workflow \"workflows/", id, "\" not found"));
  }
  return w;
}

void SaveRun(Txn& txn, v1::Workflow* w, bool created) {
  absl::string_view id = w->name();
  absl::ConsumePrefix(&id, "workflows/");
  w->set_etag(EtagOf(txn.revision()));
  *w->mutable_update_time() = ToProtoTime(txn.Now());
  // Computed on read.
  w->clear_projected_end_time();
  w->clear_at_risk();
  for (v1::WorkflowStageState& s : *w->mutable_stages()) {
    s.clear_projected_end_time();
  }
  txn.PutProto(Cf::kRecords, keys::Workflow(id), *w);
  if (created) {
    txn.Put(Cf::kIndex, keys::RunByTemplate(TemplateIdOf(*w), id), "");
  }
}

absl::Status RequireProjectMember(const Reader& reader, const Principal& p,
                                  absl::string_view project,
                                  absl::string_view action) {
  if (p.admin) return absl::OkStatus();
  ASSIGN_OR_RETURN(v1::Project pr, projects::GetProject(reader, project));
  absl::string_view team = pr.team();
  absl::ConsumePrefix(&team, "teams/");
  ASSIGN_OR_RETURN(std::optional<v1::Membership> m,
                   identity::LoadMembership(reader, team, p.user_id));
  if (m) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only admins and members of ", pr.team(), " may ", action,
                   "; users/", p.user_id, " is neither"));
}

}  // namespace mops::services::workflows

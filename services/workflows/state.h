// Load and save of workflow templates, their versions and runs, and who
// may change them. Internal to the workflows domain.
#ifndef MOPS_SERVICES_WORKFLOWS_STATE_H_
#define MOPS_SERVICES_WORKFLOWS_STATE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/v1/workflows.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::workflows {

std::string TemplateName(absl::string_view id);
std::string VersionName(absl::string_view template_id, int64_t version);

struct VersionRef {
  std::string template_id;
  int64_t version = 0;  // 0: the latest
};
// "workflowTemplates/{t}/versions/{n}", or ".../versions/latest";
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<VersionRef> ParseVersionName(absl::string_view field,
                                            absl::string_view name);

absl::StatusOr<std::optional<v1::WorkflowTemplate>> FindTemplate(
    const storage::Reader& reader, absl::string_view id);
// NOT_FOUND naming it when absent.
absl::StatusOr<v1::WorkflowTemplate> LoadTemplate(const storage::Reader& reader,
                                                  absl::string_view id);
// Sets etag and times, and writes the draft.
void SaveTemplate(storage::Txn& txn, absl::string_view id,
                  v1::WorkflowTemplate* t, bool created);

// Version `version` (0: the newest); NOT_FOUND naming it when absent.
absl::StatusOr<v1::WorkflowTemplateVersion> LoadVersion(
    const storage::Reader& reader, absl::string_view template_id,
    int64_t version);
void SaveVersion(storage::Txn& txn, absl::string_view template_id,
                 const v1::WorkflowTemplateVersion& v);

// The draft as published: output-only fields cleared.
v1::WorkflowTemplate Spec(const v1::WorkflowTemplate& t);
// Fills the draft's draft_changed against its latest version.
absl::Status FillDraftChanged(const storage::Reader& reader,
                              absl::string_view id, v1::WorkflowTemplate* t);

// ---- runs

// The id of "workflows/{w}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseRunName(absl::string_view field,
                                         absl::string_view name);
// The template id of a run's "workflowTemplates/{t}".
absl::string_view TemplateIdOf(const v1::Workflow& w);
// NOT_FOUND naming it when absent.
absl::StatusOr<v1::Workflow> LoadRun(const storage::Reader& reader,
                                     absl::string_view id);
// Sets etag and update time and writes the run; a new one also gets its
// row in the index by template.
void SaveRun(storage::Txn& txn, v1::Workflow* w, bool created);
// PERMISSION_DENIED unless `p` is an admin or a member of the run's
// project's team; `action` completes "... may".
absl::Status RequireProjectMember(const storage::Reader& reader,
                                  const Principal& p, absl::string_view project,
                                  absl::string_view action);

// PERMISSION_DENIED unless `p` is an admin or a lead of `team`
// ("teams/{t}"); `action` completes "only admins and leads of ... may".
absl::Status RequireTeamLead(const storage::Reader& reader, const Principal& p,
                             absl::string_view team, absl::string_view action);

// NOT_FOUND naming the field when a team, user or calendar a template names
// literally does not exist.
absl::Status CheckReferencesExist(const storage::Reader& reader,
                                  const v1::WorkflowTemplate& t);

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_STATE_H_

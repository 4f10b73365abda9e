#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/keys.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Cf;
using storage::Txn;

absl::Status DeleteWorkflowTemplate::Validate(const Request& req) const {
  return ParseId("name", req.name(), "workflowTemplates/*").status();
}

absl::Status DeleteWorkflowTemplate::Apply(Txn& txn, const Principal& p,
                                           const Request& req,
                                           Response*) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("name", req.name(), "workflowTemplates/*"));
  ASSIGN_OR_RETURN(v1::WorkflowTemplate t, LoadTemplate(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.etag(), t.etag(), t.name()));
  RETURN_IF_ERROR(RequireTeamLead(txn, p, t.team(), "delete its templates"));
  bool has_runs = false;
  RETURN_IF_ERROR(txn.Scan(Cf::kIndex, keys::RunsByTemplatePrefix(id), "",
                           [&](absl::string_view, absl::string_view) {
                             has_runs = true;
                             return false;
                           }));
  if (has_runs) {
    return absl::FailedPreconditionError(absl::StrCat(
        t.name(), " has runs; deprecate its versions instead of deleting it"));
  }
  std::vector<std::string> versions;
  RETURN_IF_ERROR(txn.Scan(Cf::kRecords, keys::VersionPrefix(id), "",
                           [&](absl::string_view key, absl::string_view) {
                             versions.emplace_back(key);
                             return true;
                           }));
  for (const std::string& key : versions) txn.Delete(Cf::kRecords, key);
  txn.Delete(Cf::kRecords, keys::Template(id));
  v1::Event e;
  *e.mutable_workflow_template_deleted()->mutable_workflow_template() = t;
  Emit(txn, p, t.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::workflows::commands

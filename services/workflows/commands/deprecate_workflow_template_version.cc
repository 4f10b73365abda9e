#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Txn;

absl::Status DeprecateWorkflowTemplateVersion::Validate(
    const Request& req) const {
  return ParseVersionName("name", req.name()).status();
}

absl::Status DeprecateWorkflowTemplateVersion::Apply(Txn& txn,
                                                     const Principal& p,
                                                     const Request& req,
                                                     Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseVersionName("name", req.name()));
  ASSIGN_OR_RETURN(v1::WorkflowTemplate t, LoadTemplate(txn, ref.template_id));
  RETURN_IF_ERROR(
      RequireTeamLead(txn, p, t.team(), "deprecate its template versions"));
  ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion v,
                   LoadVersion(txn, ref.template_id, ref.version));
  if (!v.deprecated()) {
    v.set_deprecated(true);
    *v.mutable_deprecate_time() = ToProtoTime(txn.Now());
    SaveVersion(txn, ref.template_id, v);
    v1::Event e;
    *e.mutable_workflow_template_deprecated()->mutable_version() = v;
    Emit(txn, p, v.name(), std::move(e));
  }
  *out = std::move(v);
  return absl::OkStatus();
}

}  // namespace mops::services::workflows::commands

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/commands/draft.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Txn;

absl::Status PublishWorkflowTemplate::Validate(const Request& req) const {
  return ParseId("name", req.name(), "workflowTemplates/*").status();
}

absl::Status PublishWorkflowTemplate::Apply(Txn& txn, const Principal& p,
                                            const Request& req,
                                            Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("name", req.name(), "workflowTemplates/*"));
  ASSIGN_OR_RETURN(v1::WorkflowTemplate t, LoadTemplate(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.etag(), t.etag(), t.name()));
  RETURN_IF_ERROR(RequireTeamLead(txn, p, t.team(), "publish its templates"));
  const v1::WorkflowTemplate spec = Spec(t);
  if (t.latest_version() > 0) {
    ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion latest,
                     LoadVersion(txn, id, t.latest_version()));
    if (google::protobuf::util::MessageDifferencer::Equals(
            spec, latest.template_())) {
      return absl::FailedPreconditionError(absl::StrCat(
          t.name(), ": the draft is the same as version ", t.latest_version(),
          "; change it before publishing again"));
    }
  }
  RETURN_IF_ERROR(CheckPublishable(txn, spec));
  v1::WorkflowTemplateVersion v;
  v.set_version(t.latest_version() + 1);
  v.set_name(VersionName(id, v.version()));
  *v.mutable_template_() = spec;
  v.set_publisher(p.UserName());
  *v.mutable_publish_time() = ToProtoTime(txn.Now());
  SaveVersion(txn, id, v);
  t.set_latest_version(v.version());
  SaveTemplate(txn, id, &t, /*created=*/false);
  v1::Event e;
  *e.mutable_workflow_template_published()->mutable_version() = v;
  Emit(txn, p, v.name(), std::move(e));
  *out = std::move(v);
  return absl::OkStatus();
}

}  // namespace mops::services::workflows::commands

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

absl::Status DeleteTask::Validate(const Request& req) const {
  return ParseTaskName("name", req.name()).status();
}

absl::Status DeleteTask::Apply(Txn& txn, const Principal& p, const Request& req,
                               Response*) const {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("name", req.name()));
  ASSIGN_OR_RETURN(v1::Task task, LoadTask(txn, ids.first, ids.second));
  RETURN_IF_ERROR(RequireTaskWriter(txn, p, task, false, "delete"));
  RETURN_IF_ERROR(CheckEtag(req.etag(), task.etag(), task.name()));
  return RemoveTask(txn, p, task);
}

}  // namespace mops::services::projects::commands

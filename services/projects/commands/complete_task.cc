#include "absl/strings/str_cat.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/projects/commands/commands.h"
#include "services/projects/commands/task_transition.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::commands {

using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CompleteTask::Validate(const Request& req) const {
  return ValidateTaskName(req.name());
}

absl::Status CompleteTask::Apply(Txn& txn, const Principal& p,
                                 const Request& req, Response* out) const {
  return Transition(
      txn, p, req.name(), req.etag(),
      [&](v1::Task& t) -> absl::Status {
        if (!IsOpen(t.state())) return IllegalFrom(t, "complete");
        RETURN_IF_ERROR(RequireDependenciesDone(txn, t, "complete"));
        t.set_state(v1::Task::DONE);
        t.clear_blocked_reason();
        *t.mutable_complete_time() = ToProtoTime(txn.Now());
        return absl::OkStatus();
      },
      out);
}

}  // namespace mops::services::projects::commands

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

absl::Status BlockTask::Validate(const Request& req) const {
  RETURN_IF_ERROR(ValidateTaskName(req.name()));
  RETURN_IF_ERROR(ValidateRequired("reason", req.reason()));
  return ValidateLength("reason", req.reason(), kMaxDescriptionLength);
}

absl::Status BlockTask::Apply(Txn& txn, const Principal& p, const Request& req,
                              Response* out) const {
  return Transition(
      txn, p, req.name(), req.etag(),
      [&](v1::Task& t) -> absl::Status {
        if (t.state() != v1::Task::TODO && t.state() != v1::Task::IN_PROGRESS) {
          return IllegalFrom(t, "block");
        }
        t.set_state(v1::Task::BLOCKED);
        t.set_blocked_reason(req.reason());
        return absl::OkStatus();
      },
      out);
}

}  // namespace mops::services::projects::commands

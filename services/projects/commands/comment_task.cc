#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/projects/commands/commands.h"
#include "services/projects/commands/task_transition.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::commands {

using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CommentTask::Validate(const Request& req) const {
  RETURN_IF_ERROR(ValidateTaskName(req.name()));
  RETURN_IF_ERROR(ValidateRequired("text", req.text()));
  return ValidateLength("text", req.text(), kMaxDescriptionLength);
}

absl::Status CommentTask::Apply(Txn& txn, const Principal& p,
                                const Request& req, Response* out) const {
  return Transition(
      txn, p, req.name(), "",
      [&](v1::Task& t) -> absl::Status {
        if (static_cast<size_t>(t.comments_size()) >= kMaxComments) {
          return absl::ResourceExhaustedError(
              absl::StrCat(t.name(), " has ", kMaxComments,
                           " comments, the most a task holds"));
        }
        v1::Task::Comment* c = t.add_comments();
        c->set_author(p.UserName());
        *c->mutable_create_time() = ToProtoTime(txn.Now());
        c->set_text(req.text());
        return absl::OkStatus();
      },
      out,
      [&](const v1::Task& t) {
        v1::Event e;
        *e.mutable_task_commented()->mutable_task() = t;
        Emit(txn, p, t.name(), std::move(e));
        return absl::OkStatus();
      });
}

}  // namespace mops::services::projects::commands

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

absl::Status BatchCreateTasks::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("parent", req.parent(), "projects/*").status());
  if (req.requests().empty() || req.requests_size() > kMaxBatchTasks) {
    return absl::InvalidArgumentError(
        absl::StrCat("requests must hold 1 to ", kMaxBatchTasks, " tasks (got ",
                     req.requests_size(), ")"));
  }
  for (int i = 0; i < req.requests_size(); ++i) {
    v1::CreateTaskRequest one = req.requests(i);
    if (!one.parent().empty() && one.parent() != req.parent()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "requests[", i, "].parent must be empty or ", req.parent()));
    }
    one.set_parent(req.parent());
    absl::Status s = CreateTask().Validate(one);
    if (!s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("requests[", i, "]: ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status BatchCreateTasks::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response* out) const {
  for (int i = 0; i < req.requests_size(); ++i) {
    v1::CreateTaskRequest one = req.requests(i);
    one.set_parent(req.parent());
    one.clear_request_id();
    absl::Status s = CreateTask().Apply(txn, p, one, out->add_tasks());
    if (!s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("requests[", i, "]: ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace mops::services::projects::commands

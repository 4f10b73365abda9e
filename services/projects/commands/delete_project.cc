#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
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

absl::Status DeleteProject::Validate(const Request& req) const {
  return ParseId("name", req.name(), "projects/*").status();
}

absl::Status DeleteProject::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "projects/*"));
  ASSIGN_OR_RETURN(v1::Project project, LoadProject(txn, id));
  RETURN_IF_ERROR(RequireWriter(txn, p, project.team().substr(strlen("teams/")),
                                "delete its projects"));
  RETURN_IF_ERROR(CheckEtag(req.etag(), project.etag(), project.name()));
  // Without force, every task is read to find open ones; with force only
  // the keys are counted.
  int64_t total = 0;
  int open = 0;
  std::string first_open;
  if (req.force()) {
    RETURN_IF_ERROR(txn.Scan(Cf::kRecords, keys::TaskPrefix(id), "",
                             [&](absl::string_view, absl::string_view) {
                               ++total;
                               return true;
                             }));
  } else {
    RETURN_IF_ERROR(
        storage::ScanParsed<v1::Task>(txn, Cf::kRecords, keys::TaskPrefix(id),
                                      "", [&](absl::string_view, v1::Task&& t) {
                                        ++total;
                                        if (IsOpen(t.state()) && open++ == 0)
                                          first_open = t.name();
                                        return true;
                                      }));
  }
  if (open > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(project.name(), " has ", open, " open task",
                     open == 1 ? "" : "s", " (such as ", first_open,
                     "); complete or cancel them, or delete with force"));
  }
  if (total <= kPurgeChunk) {
    std::vector<v1::Task> tasks;
    RETURN_IF_ERROR(
        storage::ScanParsed<v1::Task>(txn, Cf::kRecords, keys::TaskPrefix(id),
                                      "", [&](absl::string_view, v1::Task&& t) {
                                        tasks.push_back(std::move(t));
                                        return true;
                                      }));
    for (const v1::Task& t : tasks) RETURN_IF_ERROR(RemoveTask(txn, p, t));
  } else {
    RETURN_IF_ERROR(StartPurge(txn, p, project, total));
  }
  txn.Delete(Cf::kRecords, keys::Project(id));
  v1::Event e;
  *e.mutable_project_deleted()->mutable_project() = project;
  e.mutable_project_deleted()->set_deleted_tasks(static_cast<int32_t>(total));
  Emit(txn, p, project.name(), std::move(e));
  out->set_deleted_tasks(static_cast<int32_t>(total));
  return absl::OkStatus();
}

}  // namespace mops::services::projects::commands

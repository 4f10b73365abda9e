// Projects and tasks: what other parts of the server and the tests use.
// The write RPCs are in commands/, the reads in queries.h, the binding in
// service.h.
#ifndef MOPS_SERVICES_PROJECTS_PROJECTS_H_
#define MOPS_SERVICES_PROJECTS_PROJECTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/projects.pb.h"
#include "services/common/principal.h"
#include "services/common/reactions.h"
#include "storage/engine.h"

namespace mops::services::projects {

inline constexpr char kTaskOverdueTimer[] = "task.overdue";
inline constexpr char kProjectPurgeTimer[] = "project.purge";
// Tasks a forced DeleteProject deletes at once; a project with more is
// deleted a chunk of this many at a time, so that other writers wait at
// most for one chunk (about 10 ms).
inline constexpr int kPurgeChunk = 1000;
// Between two chunks: without a pause every group commit carried a chunk
// and other writers' throughput fell to a twentieth while a purge ran.
inline constexpr absl::Duration kPurgePause = absl::Milliseconds(50);
inline constexpr size_t kMaxTitleLength = 200;
inline constexpr size_t kMaxListItems = 64;  // labels, KPIs
inline constexpr size_t kMaxDependencies = 100;
inline constexpr size_t kMaxCustomFields = 50;
inline constexpr size_t kMaxComments = 500;
inline constexpr int kMaxBatchTasks = 1000;

// Registers the projects domain's reactions (task.unblocked after the last
// dependency of a task is done).
void RegisterReactions(Reactions& reactions);

// The subject resolver of "projects/" names (services/common/subjects.h):
// OK for an existing "projects/{p}" or "projects/{p}/tasks/{t}", NOT_FOUND
// naming a missing one, INVALID_ARGUMENT naming `field` for another shape.
absl::Status CheckSubject(const storage::Reader& reader,
                          absl::string_view field, absl::string_view name);

// The project "projects/{p}"; NOT_FOUND naming it (a workflow run reads
// its team and owner).
absl::StatusOr<v1::Project> GetProject(const storage::Reader& reader,
                                       absl::string_view name);
// Whether the task "projects/{p}/tasks/{t}" is open (not done, not
// cancelled); false when it is gone.
absl::StatusOr<bool> TaskIsOpen(const storage::Reader& reader,
                                absl::string_view name);

// An unused task id in project `project` ("projects/{p}"); not reserved:
// draw the ids of one command's tasks together and keep them apart.
absl::StatusOr<std::string> FreshTaskId(const storage::Reader& reader,
                                        absl::string_view project);

// The task.overdue timer.
absl::Status FireOverdue(storage::Txn& txn,
                         const mops::internal::v1::TimerRecord& timer);
// The project.purge timer: deletes the next chunk of a deleted project's
// tasks, and sets itself again while some are left.
absl::Status FirePurge(storage::Txn& txn,
                       const mops::internal::v1::TimerRecord& timer);
// Data format 2 -> 3: the due time in micros becomes a TaskOverdueTimer.
absl::Status UpgradeOverdueTimer(mops::internal::v1::TimerRecord* timer);

// How much a List read, to show that selective filters use an index.
struct ListStats {
  int64_t index_rows = 0;    // index keys scanned
  int64_t records_read = 0;  // task records loaded
};
// The page as a serialized v1::ListTasksResponse: what the service sends,
// so covering index rows can go out as stored, without a parse.
absl::StatusOr<std::string> ListTasksWire(const storage::Reader& reader,
                                          const Principal& p,
                                          const v1::ListTasksRequest& req,
                                          ListStats* stats = nullptr);
absl::StatusOr<v1::ListTasksResponse> ListTasks(const storage::Reader& reader,
                                                const Principal& p,
                                                const v1::ListTasksRequest& req,
                                                ListStats* stats = nullptr);

}  // namespace mops::services::projects

#endif  // MOPS_SERVICES_PROJECTS_PROJECTS_H_

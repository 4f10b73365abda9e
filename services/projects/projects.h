// Projects and tasks: the rules. Writes run inside engine commands (Txn);
// reads take any Reader. projects_service.h adapts them to gRPC.
#ifndef MOPS_SERVICES_PROJECTS_PROJECTS_H_
#define MOPS_SERVICES_PROJECTS_PROJECTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/projects.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::projects {

inline constexpr char kTaskOverdueTimer[] = "task.overdue";
inline constexpr size_t kMaxTitleLength = 200;
inline constexpr size_t kMaxListItems = 64;  // labels, KPIs
inline constexpr size_t kMaxDependencies = 100;
inline constexpr size_t kMaxCustomFields = 50;
inline constexpr size_t kMaxComments = 500;

// ---- projects

absl::Status ValidateCreateProject(const v1::CreateProjectRequest& req);
absl::StatusOr<v1::Project> CreateProject(storage::Txn& txn, const Principal& p,
                                          const v1::CreateProjectRequest& req);
absl::StatusOr<v1::Project> GetProject(const storage::Reader& reader,
                                       const v1::GetProjectRequest& req);
absl::StatusOr<v1::ListProjectsResponse> ListProjects(
    const storage::Reader& reader, const v1::ListProjectsRequest& req);
absl::StatusOr<v1::Project> UpdateProject(storage::Txn& txn, const Principal& p,
                                          const v1::UpdateProjectRequest& req);
absl::StatusOr<v1::DeleteProjectResponse> DeleteProject(
    storage::Txn& txn, const Principal& p, const v1::DeleteProjectRequest& req);

// ---- tasks

absl::Status ValidateCreateTask(const v1::CreateTaskRequest& req);
absl::StatusOr<v1::Task> CreateTask(storage::Txn& txn, const Principal& p,
                                    const v1::CreateTaskRequest& req);
inline constexpr int kMaxBatchTasks = 1000;
absl::Status ValidateBatchCreateTasks(const v1::BatchCreateTasksRequest& req);
absl::StatusOr<v1::BatchCreateTasksResponse> BatchCreateTasks(
    storage::Txn& txn, const Principal& p,
    const v1::BatchCreateTasksRequest& req);
// The stored task, a serialized v1::Task: the service sends it as it is.
absl::StatusOr<std::string> GetTaskWire(const storage::Reader& reader,
                                        const v1::GetTaskRequest& req);
absl::StatusOr<v1::Task> UpdateTask(storage::Txn& txn, const Principal& p,
                                    const v1::UpdateTaskRequest& req);
absl::Status DeleteTask(storage::Txn& txn, const Principal& p,
                        const v1::DeleteTaskRequest& req);

// The state methods. `action` names the RPC (StartTask, CompleteTask,
// ReopenTask, CancelTask) for request_id replay and messages.
absl::StatusOr<v1::Task> ChangeTaskState(storage::Txn& txn, const Principal& p,
                                         absl::string_view action,
                                         const v1::TaskActionRequest& req);
absl::StatusOr<v1::Task> BlockTask(storage::Txn& txn, const Principal& p,
                                   const v1::BlockTaskRequest& req);
absl::StatusOr<v1::Task> CommentTask(storage::Txn& txn, const Principal& p,
                                     const v1::CommentTaskRequest& req);

// The task.overdue timer.
absl::Status FireOverdue(storage::Txn& txn,
                         const mops::internal::v1::TimerRecord& timer);

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

// ---- shared by projects.cc, tasks.cc and task_query.cc

namespace internal {

absl::StatusOr<v1::Project> LoadProject(const storage::Reader& reader,
                                        absl::string_view id);
// The same without a copy (Reader::GetShared), for commands that only read it.
absl::StatusOr<std::shared_ptr<const v1::Project>> SharedProject(
    const storage::Reader& reader, absl::string_view id);
// (project, task) ids of "projects/{p}/tasks/{t}".
absl::StatusOr<std::pair<std::string, std::string>> ParseTaskName(
    absl::string_view field, absl::string_view name);
// The stored task (a serialized v1::Task), NOT_FOUND naming it when absent.
absl::StatusOr<std::string> LoadTaskBytes(const storage::Reader& reader,
                                          absl::string_view project,
                                          absl::string_view task);
absl::StatusOr<v1::Task> LoadTask(const storage::Reader& reader,
                                  absl::string_view project,
                                  absl::string_view task);
// Admins and members of `team` (an id) may write.
absl::StatusOr<bool> IsAdminOrMember(const storage::Reader& reader,
                                     const Principal& p,
                                     absl::string_view team);
absl::Status ValidateLabels(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<std::string>& labels);
// Writes a task and moves its index rows from `old` (nullptr: new task).
void SaveTask(storage::Txn& txn, const v1::Task* old, v1::Task* task);
// Deletes a task, its index rows and its dependents' references to it.
absl::Status RemoveTask(storage::Txn& txn, const Principal& p,
                        const v1::Task& task);
bool IsOpen(v1::Task::State state);

}  // namespace internal
}  // namespace mops::services::projects

#endif  // MOPS_SERVICES_PROJECTS_PROJECTS_H_

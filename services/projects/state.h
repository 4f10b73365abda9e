// Load and save of projects and tasks with their index rows, and the checks
// that several commands share. Internal to the projects domain.
#ifndef MOPS_SERVICES_PROJECTS_STATE_H_
#define MOPS_SERVICES_PROJECTS_STATE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mops/v1/projects.pb.h"
#include "services/common/principal.h"
#include "services/projects/projects.h"
#include "storage/engine.h"

namespace mops::services::projects::internal {

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
bool IsOpen(v1::Task::State state);
// Tasks of workflow stages (workflow_reactions.cc); RegisterReactions calls
// it.
void RegisterWorkflowReactions(Reactions& reactions);

// ---- projects

// Field checks that need no stored state, for create and update alike.
absl::Status ValidateProjectFields(const v1::Project& project,
                                   bool require_title);
// The id of an existing team / user named in `field`.
absl::StatusOr<std::string> ResolveTeam(const storage::Reader& reader,
                                        absl::string_view field,
                                        absl::string_view name);
absl::StatusOr<std::string> ResolveUser(const storage::Reader& reader,
                                        absl::string_view field,
                                        absl::string_view name);
// PERMISSION_DENIED unless `p` is an admin or a member of `team` (an id).
absl::Status RequireWriter(const storage::Reader& reader, const Principal& p,
                           absl::string_view team, absl::string_view what);
void Dedupe(google::protobuf::RepeatedPtrField<std::string>* items);

// ---- tasks

struct TaskId {
  std::string project;
  std::string task;
  std::string Name() const;
};
// The ids in a task's name, which the server wrote: split, not validated.
TaskId IdOf(const v1::Task& t);
// The due time in micros; no due time sorts last.
int64_t DueMicros(const v1::Task& t);
// "teams/x" -> "x".
std::string StripPrefix(const std::string& name);
// The canonical name of an existing team (team) or active user (!team).
absl::StatusOr<std::string> ResolveMember(const storage::Reader& reader,
                                          absl::string_view field,
                                          absl::string_view name,
                                          absl::string_view prefix, bool team);
// Checks, normalizes and dedupes dependencies; rejects missing tasks, the
// task itself and cycles.
absl::Status ResolveDependencies(const storage::Reader& reader,
                                 const TaskId& self, v1::Task* task);
absl::Status ValidateTaskFields(const v1::Task& t);
// Admins, members of the project's team and of the task's team may write;
// with `assignee_ok`, so may the assignee. `loaded` is the task's project
// when the caller has it already.
absl::Status RequireTaskWriter(const storage::Reader& reader,
                               const Principal& p, const v1::Task& t,
                               bool assignee_ok, absl::string_view what,
                               const v1::Project* loaded = nullptr);
// Names of dependencies that are not done (missing ones count as not done).
absl::StatusOr<std::vector<std::string>> UnfinishedDependencies(
    const storage::Reader& reader, const v1::Task& t);
// Writes a task and moves its index rows from `old` (nullptr: new task).
void SaveTask(storage::Txn& txn, const v1::Task* old, v1::Task* task);
// Deletes a task, its index rows and its dependents' references to it.
absl::Status RemoveTask(storage::Txn& txn, const Principal& p,
                        const v1::Task& task);

// ---- deleting a project in chunks (purge.cc)

// Whether `project` (an id) was deleted and its tasks are still going.
absl::StatusOr<bool> IsPurging(const storage::Reader& reader,
                               absl::string_view project);
// The ids of every such project (usually none).
absl::StatusOr<absl::flat_hash_set<std::string>> PurgingProjects(
    const storage::Reader& reader);
// FAILED_PRECONDITION naming project_id while `project` is being purged.
absl::Status CheckNotPurging(const storage::Reader& reader,
                             absl::string_view project);
// Leaves the purge record of the deleted `project` (with `tasks` tasks) and
// arms the project.purge timer; the caller deletes the project record.
absl::Status StartPurge(storage::Txn& txn, const Principal& p,
                        const v1::Project& project, int64_t tasks);

}  // namespace mops::services::projects::internal

#endif  // MOPS_SERVICES_PROJECTS_STATE_H_

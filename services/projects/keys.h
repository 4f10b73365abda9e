// Projects' key spaces: projects, tasks and the task indexes. Registered
// with storage by RegisterKeySpaces; every projects key is built here.
#ifndef MOPS_SERVICES_PROJECTS_KEYS_H_
#define MOPS_SERVICES_PROJECTS_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::projects::keys {

inline constexpr storage::KeySpace kProject{0x16, "project",
                                            storage::Cf::kRecords};
inline constexpr storage::KeySpace kTask{0x17, "task", storage::Cf::kRecords,
                                         storage::HeadShape::kFirstString};
// Projects being deleted in chunks (ProjectPurgeRecord).
inline constexpr storage::KeySpace kProjectPurge{0x1C, "project purge",
                                                 storage::Cf::kRecords};
// Task indexes end with (project, task). `group` is 0 for open tasks and 1
// for closed ones; `due` is the due time in micros (no due time: max).
// assignee, group, due, project, task (covering: the value is the task)
inline constexpr storage::KeySpace kIdxTaskAssignee{
    0x82, "index of tasks by assignee", storage::Cf::kIndex,
    storage::HeadShape::kFirstString, "index.task_assignee"};
// team, group, due, project, task
inline constexpr storage::KeySpace kIdxTaskTeam{
    0x83, "index of tasks by team", storage::Cf::kIndex,
    storage::HeadShape::kFirstString, "index.task_team"};
// group, due, project, task
inline constexpr storage::KeySpace kIdxTaskDue{
    0x84, "index of tasks by due time", storage::Cf::kIndex,
    storage::HeadShape::kFirstByte, "index.task_due"};
// dependency's project and task, project, task
inline constexpr storage::KeySpace kIdxTaskDependents{
    0x85, "index of tasks by dependency", storage::Cf::kIndex,
    storage::HeadShape::kFirstString, "index.task_dependents"};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

std::string Project(absl::string_view project);
std::string ProjectPrefix();
std::string Task(absl::string_view project, absl::string_view task);
std::string TaskPrefix(absl::string_view project);
std::string AllTasksPrefix();
std::string ProjectPurge(absl::string_view project);
// One row listing the ids of every project being purged, so that a list
// reads it with one point lookup instead of opening an iterator.
std::string ProjectPurgeSet();

// Index prefixes. Pass group/due to narrow; the due-bounded forms are the
// range ends for a due-time window.
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group);
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group,
                            int64_t due_micros);
std::string IdxTaskTeam(absl::string_view team, uint8_t group);
std::string IdxTaskTeam(absl::string_view team, uint8_t group,
                        int64_t due_micros);
std::string IdxTaskDue(uint8_t group);
std::string IdxTaskDue(uint8_t group, int64_t due_micros);
// Complete index rows for one task.
std::string IdxTaskAssigneeRow(absl::string_view assignee, uint8_t group,
                               int64_t due_micros, absl::string_view project,
                               absl::string_view task);
std::string IdxTaskTeamRow(absl::string_view team, uint8_t group,
                           int64_t due_micros, absl::string_view project,
                           absl::string_view task);
std::string IdxTaskDueRow(uint8_t group, int64_t due_micros,
                          absl::string_view project, absl::string_view task);
std::string IdxTaskDependents(absl::string_view dep_project,
                              absl::string_view dep_task);
std::string IdxTaskDependentsRow(absl::string_view dep_project,
                                 absl::string_view dep_task,
                                 absl::string_view project,
                                 absl::string_view task);
// (project, task) at the end of any task index row.
std::optional<std::pair<std::string, std::string>> TaskOfIndexRow(
    absl::string_view key);

}  // namespace mops::services::projects::keys

#endif  // MOPS_SERVICES_PROJECTS_KEYS_H_

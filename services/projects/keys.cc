#include "services/projects/keys.h"

namespace mops::services::projects::keys {

using storage::KeyBuilder;
using storage::KeyReader;
using storage::KeySpace;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  for (const KeySpace& space :
       {kProject, kTask, kProjectPurge, kIdxTaskAssignee, kIdxTaskTeam,
        kIdxTaskDue, kIdxTaskDependents}) {
    registry.Add(space);
  }
}

std::string Project(absl::string_view project) {
  return KeyBuilder(kProject).Str(project).Build();
}
std::string ProjectPrefix() { return KeyBuilder(kProject).Build(); }
std::string Task(absl::string_view project, absl::string_view task) {
  return KeyBuilder(kTask).Str(project).Str(task).Build();
}
std::string TaskPrefix(absl::string_view project) {
  return KeyBuilder(kTask).Str(project).Build();
}
std::string AllTasksPrefix() { return KeyBuilder(kTask).Build(); }
std::string ProjectPurge(absl::string_view project) {
  return KeyBuilder(kProjectPurge).Str(project).Build();
}
std::string ProjectPurgeSet() { return KeyBuilder(kProjectPurge).Build(); }
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group) {
  return KeyBuilder(kIdxTaskAssignee).Str(assignee).U8(group).Build();
}
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group,
                            int64_t due_micros) {
  return KeyBuilder(kIdxTaskAssignee)
      .Str(assignee)
      .U8(group)
      .I64(due_micros)
      .Build();
}
std::string IdxTaskTeam(absl::string_view team, uint8_t group) {
  return KeyBuilder(kIdxTaskTeam).Str(team).U8(group).Build();
}
std::string IdxTaskTeam(absl::string_view team, uint8_t group,
                        int64_t due_micros) {
  return KeyBuilder(kIdxTaskTeam).Str(team).U8(group).I64(due_micros).Build();
}
std::string IdxTaskDue(uint8_t group) {
  return KeyBuilder(kIdxTaskDue).U8(group).Build();
}
std::string IdxTaskDue(uint8_t group, int64_t due_micros) {
  return KeyBuilder(kIdxTaskDue).U8(group).I64(due_micros).Build();
}
std::string IdxTaskAssigneeRow(absl::string_view assignee, uint8_t group,
                               int64_t due_micros, absl::string_view project,
                               absl::string_view task) {
  return KeyBuilder(kIdxTaskAssignee)
      .Str(assignee)
      .U8(group)
      .I64(due_micros)
      .Str(project)
      .Str(task)
      .Build();
}
std::string IdxTaskTeamRow(absl::string_view team, uint8_t group,
                           int64_t due_micros, absl::string_view project,
                           absl::string_view task) {
  return KeyBuilder(kIdxTaskTeam)
      .Str(team)
      .U8(group)
      .I64(due_micros)
      .Str(project)
      .Str(task)
      .Build();
}
std::string IdxTaskDueRow(uint8_t group, int64_t due_micros,
                          absl::string_view project, absl::string_view task) {
  return KeyBuilder(kIdxTaskDue)
      .U8(group)
      .I64(due_micros)
      .Str(project)
      .Str(task)
      .Build();
}
std::string IdxTaskDependents(absl::string_view dep_project,
                              absl::string_view dep_task) {
  return KeyBuilder(kIdxTaskDependents).Str(dep_project).Str(dep_task).Build();
}
std::string IdxTaskDependentsRow(absl::string_view dep_project,
                                 absl::string_view dep_task,
                                 absl::string_view project,
                                 absl::string_view task) {
  return KeyBuilder(kIdxTaskDependents)
      .Str(dep_project)
      .Str(dep_task)
      .Str(project)
      .Str(task)
      .Build();
}
std::optional<std::pair<std::string, std::string>> TaskOfIndexRow(
    absl::string_view key) {
  KeyReader r(key);
  const std::optional<uint8_t> prefix = r.Prefix();
  if (!prefix) return std::nullopt;
  bool ok = true;
  if (*prefix == kIdxTaskAssignee.prefix || *prefix == kIdxTaskTeam.prefix) {
    ok = r.Str() && r.U8() && r.I64();
  } else if (*prefix == kIdxTaskDue.prefix) {
    ok = r.U8() && r.I64();
  } else if (*prefix == kIdxTaskDependents.prefix) {
    ok = r.Str() && r.Str();
  } else {
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  auto project = r.Str();
  auto task = r.Str();
  if (!project || !task || !r.done()) return std::nullopt;
  return std::make_pair(*project, *task);
}

}  // namespace mops::services::projects::keys

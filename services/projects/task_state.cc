#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/projects/keys.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

using storage::Cf;
using storage::Reader;
using storage::Txn;
using namespace internal;  // NOLINT
using mops::internal::v1::TimerRecord;

namespace internal {

constexpr int64_t kNoDue = std::numeric_limits<int64_t>::max();

std::string TaskId::Name() const {
  return absl::StrCat("projects/", project, "/tasks/", task);
}

// The ids in a task's name, which the server wrote ("projects/P/tasks/T"):
// split, not validated again (this runs several times per task write).
TaskId IdOf(const v1::Task& t) {
  constexpr absl::string_view kProjects = "projects/";
  constexpr absl::string_view kTasks = "/tasks/";
  const absl::string_view name = t.name();
  const size_t tasks = name.find(kTasks);
  if (!absl::StartsWith(name, kProjects) || tasks == absl::string_view::npos) {
    return TaskId{};
  }
  return TaskId{
      std::string(name.substr(kProjects.size(), tasks - kProjects.size())),
      std::string(name.substr(tasks + kTasks.size()))};
}

int64_t DueMicros(const v1::Task& t) {
  return t.has_due_time() ? absl::ToUnixMicros(FromProtoTime(t.due_time()))
                          : kNoDue;
}

std::string StripPrefix(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

struct IndexRow {
  std::string key;
  // The assignee index covers the task (its value is the task), so "my
  // open tasks" pages need no lookups; the other rows are key-only.
  bool covering = false;
};

// Every index row a task has in its current state.
std::vector<IndexRow> IndexRows(const v1::Task& t) {
  const TaskId id = IdOf(t);
  const uint8_t group = IsOpen(t.state()) ? 0 : 1;
  const int64_t due = DueMicros(t);
  std::vector<IndexRow> rows;
  if (!t.assignee().empty()) {
    rows.push_back({keys::IdxTaskAssigneeRow(StripPrefix(t.assignee()), group,
                                             due, id.project, id.task),
                    true});
  }
  if (!t.team().empty()) {
    rows.push_back({keys::IdxTaskTeamRow(StripPrefix(t.team()), group, due,
                                         id.project, id.task)});
  }
  rows.push_back({keys::IdxTaskDueRow(group, due, id.project, id.task)});
  for (const std::string& dep : t.dependencies()) {
    auto d = ParseTaskName("dependency", dep);
    if (d.ok()) {
      rows.push_back({keys::IdxTaskDependentsRow(d->first, d->second,
                                                 id.project, id.task)});
    }
  }
  return rows;
}

void ArmOverdueTimer(Txn& txn, const v1::Task& t) {
  if (!t.has_due_time() || !IsOpen(t.state())) return;
  TimerRecord timer;
  timer.set_kind(kTaskOverdueTimer);
  timer.set_target(t.name());
  // The handler ignores the timer if the due time changed since.
  mops::internal::v1::TaskOverdueTimer payload;
  *payload.mutable_due_time() = t.due_time();
  timer.mutable_payload()->PackFrom(payload);
  txn.SetTimer(FromProtoTime(t.due_time()), timer);
}

absl::StatusOr<std::string> ResolveMember(const Reader& reader,
                                          absl::string_view field,
                                          absl::string_view name,
                                          absl::string_view prefix, bool team) {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId(field, name, absl::StrCat(prefix, "*")));
  if (team) {
    RETURN_IF_ERROR(identity::SharedTeam(reader, id).status());
  } else {
    ASSIGN_OR_RETURN(auto u, identity::SharedUser(reader, id));
    if (u->state() != v1::User::ACTIVE) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": ", u->name(), " is deactivated"));
    }
  }
  return absl::StrCat(prefix, id);
}

// Checks, normalizes and dedupes dependencies; rejects missing tasks, the
// task itself and cycles (a dependency that already depends on the task).
absl::Status ResolveDependencies(const Reader& reader, const TaskId& self,
                                 v1::Task* task) {
  if (static_cast<size_t>(task->dependencies_size()) > kMaxDependencies) {
    return absl::InvalidArgumentError(absl::StrCat(
        "task.dependencies has more than ", kMaxDependencies, " entries"));
  }
  std::set<std::string> seen;
  google::protobuf::RepeatedPtrField<std::string> out;
  for (const std::string& dep : task->dependencies()) {
    ASSIGN_OR_RETURN(auto ids, ParseTaskName("task.dependencies entry", dep));
    TaskId d{ids.first, ids.second};
    if (d.project == self.project && d.task == self.task) {
      return absl::InvalidArgumentError(
          absl::StrCat("task.dependencies: ", dep, " cannot depend on itself"));
    }
    absl::StatusOr<v1::Task> t = LoadTask(reader, d.project, d.task);
    if (!t.ok()) {
      return absl::NotFoundError(
          absl::StrCat("task.dependencies: ", d.Name(), " not found"));
    }
    if (seen.insert(d.Name()).second) *out.Add() = d.Name();
  }
  // Depth-first from each dependency along stored dependencies.
  std::map<std::string, std::string> parent;  // visited -> reached from
  std::vector<std::string> stack(out.begin(), out.end());
  for (const std::string& s : stack) parent[s] = self.Name();
  while (!stack.empty()) {
    std::string current = stack.back();
    stack.pop_back();
    auto ids = ParseTaskName("dependency", current);
    if (!ids.ok()) continue;
    absl::StatusOr<v1::Task> t = LoadTask(reader, ids->first, ids->second);
    if (!t.ok()) continue;
    for (const std::string& next : t->dependencies()) {
      if (next == self.Name()) {
        // self -> ... -> current -> self, from the parent links.
        std::vector<std::string> path;
        for (std::string at = current; at != self.Name(); at = parent[at]) {
          path.push_back(at);
        }
        path.push_back(self.Name());
        std::reverse(path.begin(), path.end());
        path.push_back(self.Name());
        return absl::InvalidArgumentError(
            absl::StrCat("task.dependencies would form a cycle: ",
                         absl::StrJoin(path, " -> ")));
      }
      if (parent.emplace(next, current).second) stack.push_back(next);
    }
  }
  task->mutable_dependencies()->Swap(&out);
  return absl::OkStatus();
}

absl::Status ValidateTaskFields(const v1::Task& t) {
  RETURN_IF_ERROR(ValidateLength("task.title", t.title(), kMaxTitleLength));
  RETURN_IF_ERROR(ValidateLength("task.description", t.description(),
                                 kMaxDescriptionLength));
  RETURN_IF_ERROR(ValidateLabels("task.labels", t.labels()));
  if (!v1::Task::Priority_IsValid(t.priority())) {
    return absl::InvalidArgumentError("task.priority is not P0, P1, P2 or P3");
  }
  if (t.has_start_time() && t.has_due_time() &&
      FromProtoTime(t.due_time()) < FromProtoTime(t.start_time())) {
    return absl::InvalidArgumentError(
        "task.due_time is before task.start_time");
  }
  if (t.has_estimate() &&
      (t.estimate().seconds() < 0 || t.estimate().nanos() < 0)) {
    return absl::InvalidArgumentError("task.estimate must not be negative");
  }
  if (static_cast<size_t>(t.custom_fields_size()) > kMaxCustomFields) {
    return absl::InvalidArgumentError(absl::StrCat(
        "task.custom_fields has more than ", kMaxCustomFields, " entries"));
  }
  for (const auto& [key, value] : t.custom_fields()) {
    RETURN_IF_ERROR(ValidateId("task.custom_fields key", key));
    RETURN_IF_ERROR(
        ValidateLength(absl::StrCat("task.custom_fields[", key, "]"), value,
                       kMaxTitleLength * 5));
  }
  return absl::OkStatus();
}

// Admins, members of the project's team and of the task's team may write;
// with `assignee_ok`, so may the assignee. `project` is the task's project
// when the caller has it loaded already.
absl::Status RequireTaskWriter(const Reader& reader, const Principal& p,
                               const v1::Task& t, bool assignee_ok,
                               absl::string_view what,
                               const v1::Project* loaded) {
  if (assignee_ok && t.assignee() == p.UserName()) return absl::OkStatus();
  std::shared_ptr<const v1::Project> own;
  if (loaded == nullptr) {
    ASSIGN_OR_RETURN(own, SharedProject(reader, IdOf(t).project));
    loaded = own.get();
  }
  const v1::Project& project = *loaded;
  ASSIGN_OR_RETURN(bool ok,
                   IsAdminOrMember(reader, p, StripPrefix(project.team())));
  if (!ok && !t.team().empty()) {
    ASSIGN_OR_RETURN(ok, IsAdminOrMember(reader, p, StripPrefix(t.team())));
  }
  if (ok) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "only admins, members of ", project.team(),
      t.team().empty() || t.team() == project.team() ? "" : " or " + t.team(),
      assignee_ok ? " and the assignee" : "", " may ", what, " ", t.name(),
      "; users/", p.user_id, " is none of them"));
}

// Names of dependencies that are not done (missing ones count as not done).
absl::StatusOr<std::vector<std::string>> UnfinishedDependencies(
    const Reader& reader, const v1::Task& t) {
  std::vector<std::string> unfinished;
  for (const std::string& dep : t.dependencies()) {
    ASSIGN_OR_RETURN(auto ids, ParseTaskName("dependency", dep));
    absl::StatusOr<v1::Task> d = LoadTask(reader, ids.first, ids.second);
    if (!d.ok() || d->state() != v1::Task::DONE) unfinished.push_back(dep);
  }
  return unfinished;
}

void Touch(Txn& txn, v1::Task* t) {
  t->set_etag(EtagOf(txn.revision()));
  *t->mutable_update_time() = ToProtoTime(txn.Now());
}

void SaveTask(Txn& txn, const v1::Task* old, v1::Task* task) {
  Touch(txn, task);
  const TaskId id = IdOf(*task);
  const std::vector<IndexRow> new_rows = IndexRows(*task);
  if (old != nullptr) {
    for (const IndexRow& row : IndexRows(*old)) {
      bool kept =
          std::any_of(new_rows.begin(), new_rows.end(),
                      [&](const IndexRow& r) { return r.key == row.key; });
      if (!kept) txn.Delete(Cf::kIndex, row.key);
    }
  }
  const std::string serialized = task->SerializeAsString();
  for (const IndexRow& row : new_rows) {
    txn.Put(Cf::kIndex, row.key,
            row.covering ? absl::string_view(serialized) : absl::string_view());
  }
  txn.Put(Cf::kRecords, keys::Task(id.project, id.task), serialized);
  const bool rearm = old == nullptr || DueMicros(*old) != DueMicros(*task) ||
                     IsOpen(old->state()) != IsOpen(task->state());
  if (rearm) ArmOverdueTimer(txn, *task);
}

absl::Status RemoveTask(Txn& txn, const Principal& p, const v1::Task& task) {
  const TaskId id = IdOf(task);
  for (const IndexRow& row : IndexRows(task)) txn.Delete(Cf::kIndex, row.key);
  txn.Delete(Cf::kRecords, keys::Task(id.project, id.task));
  // Tasks that depended on this one no longer do.
  std::vector<std::pair<std::string, std::string>> dependents;
  RETURN_IF_ERROR(txn.Scan(Cf::kIndex,
                           keys::IdxTaskDependents(id.project, id.task), "",
                           [&](absl::string_view key, absl::string_view) {
                             if (auto d = keys::TaskOfIndexRow(key)) {
                               dependents.push_back(*d);
                             }
                             return true;
                           }));
  for (const auto& [project, task_id] : dependents) {
    absl::StatusOr<v1::Task> d = LoadTask(txn, project, task_id);
    if (!d.ok()) continue;  // deleted in the same command
    v1::Task updated = *d;
    google::protobuf::RepeatedPtrField<std::string> kept;
    for (const std::string& dep : updated.dependencies()) {
      if (dep != task.name()) *kept.Add() = dep;
    }
    updated.mutable_dependencies()->Swap(&kept);
    SaveTask(txn, &*d, &updated);
    v1::Event e;
    v1::TaskPayload* payload = e.mutable_task_updated();
    *payload->mutable_task() = updated;
    payload->add_fields("dependencies");
    payload->set_removed_dependency(task.name());
    Emit(txn, p, updated.name(), std::move(e));
  }
  v1::Event e;
  *e.mutable_task_deleted()->mutable_task() = task;
  Emit(txn, p, task.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace mops::services::projects

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/ids.h"
#include "services/common/request_log.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/projects/projects.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

namespace keys = storage::keys;
using mops::internal::v1::TimerRecord;
using storage::Cf;
using storage::Reader;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

constexpr int64_t kNoDue = std::numeric_limits<int64_t>::max();

struct TaskId {
  std::string project;
  std::string task;
  std::string Name() const {
    return absl::StrCat("projects/", project, "/tasks/", task);
  }
};

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
  timer.set_payload(absl::StrCat(DueMicros(t)));
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
                               const v1::Project* loaded = nullptr) {
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

}  // namespace

namespace internal {

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
    v1::Event e = p.NewEvent("task.updated", updated.name());
    (*e.mutable_data())["fields"] = "dependencies";
    (*e.mutable_data())["removed_dependency"] = task.name();
    txn.Emit(std::move(e));
  }
  txn.Emit(p.NewEvent("task.deleted", task.name()));
  return absl::OkStatus();
}

}  // namespace internal

absl::Status ValidateCreateTask(const v1::CreateTaskRequest& req) {
  RETURN_IF_ERROR(ParseId("parent", req.parent(), "projects/*").status());
  if (!req.task_id().empty())
    RETURN_IF_ERROR(ValidateId("task_id", req.task_id()));
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
  RETURN_IF_ERROR(ValidateRequired("task.title", req.task().title()));
  return ValidateTaskFields(req.task());
}

absl::StatusOr<v1::Task> CreateTask(Txn& txn, const Principal& p,
                                    const v1::CreateTaskRequest& req) {
  RETURN_IF_ERROR(ValidateCreateTask(req));
  v1::Task task;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "CreateTask",
                                                req.request_id(), req, &task));
  if (replayed) return task;
  ASSIGN_OR_RETURN(std::string project_id,
                   ParseId("parent", req.parent(), "projects/*"));
  ASSIGN_OR_RETURN(auto shared_project, SharedProject(txn, project_id));
  const v1::Project& project = *shared_project;
  std::string task_id = req.task_id();
  if (task_id.empty()) {
    // FreshId checked that no task has it.
    ASSIGN_OR_RETURN(task_id,
                     FreshId(txn, Cf::kRecords, 't', [&](const std::string& i) {
                       return keys::Task(project_id, i);
                     }));
  } else {
    ASSIGN_OR_RETURN(auto existing,
                     txn.Get(Cf::kRecords, keys::Task(project_id, task_id)));
    if (existing) {
      return absl::AlreadyExistsError(absl::StrCat(
          "task \"", project.name(), "/tasks/", task_id, "\" already exists"));
    }
  }
  const v1::Task& in = req.task();
  task.set_name(absl::StrCat(project.name(), "/tasks/", task_id));
  task.set_title(in.title());
  task.set_description(in.description());
  if (in.team().empty()) {
    task.set_team(project.team());
  } else {
    ASSIGN_OR_RETURN(
        *task.mutable_team(),
        ResolveMember(txn, "task.team", in.team(), "teams/", true));
  }
  if (!in.assignee().empty()) {
    ASSIGN_OR_RETURN(
        *task.mutable_assignee(),
        ResolveMember(txn, "task.assignee", in.assignee(), "users/", false));
  }
  RETURN_IF_ERROR(
      RequireTaskWriter(txn, p, task, false, "create tasks like", &project));
  task.set_state(v1::Task::TODO);
  task.set_priority(in.priority() == v1::Task::PRIORITY_UNSPECIFIED
                        ? v1::Task::P2
                        : in.priority());
  if (in.has_start_time()) *task.mutable_start_time() = in.start_time();
  if (in.has_due_time()) *task.mutable_due_time() = in.due_time();
  if (in.has_estimate()) *task.mutable_estimate() = in.estimate();
  *task.mutable_labels() = in.labels();
  *task.mutable_custom_fields() = in.custom_fields();
  *task.mutable_dependencies() = in.dependencies();
  RETURN_IF_ERROR(ResolveDependencies(txn, {project_id, task_id}, &task));
  *task.mutable_create_time() = ToProtoTime(txn.Now());
  SaveTask(txn, nullptr, &task);
  v1::Event e = p.NewEvent("task.created", task.name());
  if (!task.assignee().empty())
    (*e.mutable_data())["assignee"] = task.assignee();
  txn.Emit(std::move(e));
  RememberRequest(txn, p, "CreateTask", req.request_id(), req, task);
  return task;
}

absl::Status ValidateBatchCreateTasks(const v1::BatchCreateTasksRequest& req) {
  RETURN_IF_ERROR(ParseId("parent", req.parent(), "projects/*").status());
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
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
    absl::Status s = ValidateCreateTask(one);
    if (!s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("requests[", i, "]: ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::BatchCreateTasksResponse> BatchCreateTasks(
    Txn& txn, const Principal& p, const v1::BatchCreateTasksRequest& req) {
  RETURN_IF_ERROR(ValidateBatchCreateTasks(req));
  v1::BatchCreateTasksResponse resp;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "BatchCreateTasks",
                                                req.request_id(), req, &resp));
  if (replayed) return resp;
  for (int i = 0; i < req.requests_size(); ++i) {
    v1::CreateTaskRequest one = req.requests(i);
    one.set_parent(req.parent());
    one.clear_request_id();
    absl::StatusOr<v1::Task> task = CreateTask(txn, p, one);
    if (!task.ok()) {
      return absl::Status(
          task.status().code(),
          absl::StrCat("requests[", i, "]: ", task.status().message()));
    }
    *resp.add_tasks() = *std::move(task);
  }
  RememberRequest(txn, p, "BatchCreateTasks", req.request_id(), req, resp);
  return resp;
}

absl::StatusOr<std::string> GetTaskWire(const Reader& reader,
                                        const v1::GetTaskRequest& req) {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("name", req.name()));
  return LoadTaskBytes(reader, ids.first, ids.second);
}

absl::StatusOr<v1::Task> UpdateTask(Txn& txn, const Principal& p,
                                    const v1::UpdateTaskRequest& req) {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("task.name", req.task().name()));
  const std::set<std::string> allowed = {
      "title",    "description",   "team",        "assignee",
      "priority", "start_time",    "due_time",    "estimate",
      "labels",   "custom_fields", "dependencies"};
  if (req.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "update_mask is required; paths: ", absl::StrJoin(allowed, ", ")));
  }
  for (const std::string& path : req.update_mask().paths()) {
    if (!allowed.count(path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask: path \"", path,
          "\" cannot be updated; allowed: ", absl::StrJoin(allowed, ", "),
          " (state changes have their own methods)"));
    }
  }
  ASSIGN_OR_RETURN(const v1::Task old, LoadTask(txn, ids.first, ids.second));
  RETURN_IF_ERROR(RequireTaskWriter(txn, p, old, false, "update"));
  RETURN_IF_ERROR(CheckEtag(req.task().etag(), old.etag(), old.name()));
  v1::Task task = old;
  const v1::Task& in = req.task();
  for (const std::string& path : req.update_mask().paths()) {
    if (path == "title") {
      RETURN_IF_ERROR(ValidateRequired("task.title", in.title()));
      task.set_title(in.title());
    } else if (path == "description") {
      task.set_description(in.description());
    } else if (path == "team") {
      if (in.team().empty()) {
        task.clear_team();
      } else {
        ASSIGN_OR_RETURN(
            *task.mutable_team(),
            ResolveMember(txn, "task.team", in.team(), "teams/", true));
      }
    } else if (path == "assignee") {
      if (in.assignee().empty()) {
        task.clear_assignee();
      } else {
        ASSIGN_OR_RETURN(*task.mutable_assignee(),
                         ResolveMember(txn, "task.assignee", in.assignee(),
                                       "users/", false));
      }
    } else if (path == "priority") {
      task.set_priority(in.priority() == v1::Task::PRIORITY_UNSPECIFIED
                            ? v1::Task::P2
                            : in.priority());
    } else if (path == "start_time") {
      if (in.has_start_time()) {
        *task.mutable_start_time() = in.start_time();
      } else {
        task.clear_start_time();
      }
    } else if (path == "due_time") {
      if (in.has_due_time()) {
        *task.mutable_due_time() = in.due_time();
      } else {
        task.clear_due_time();
      }
    } else if (path == "estimate") {
      if (in.has_estimate()) {
        *task.mutable_estimate() = in.estimate();
      } else {
        task.clear_estimate();
      }
    } else if (path == "labels") {
      *task.mutable_labels() = in.labels();
    } else if (path == "custom_fields") {
      *task.mutable_custom_fields() = in.custom_fields();
    } else if (path == "dependencies") {
      *task.mutable_dependencies() = in.dependencies();
      RETURN_IF_ERROR(ResolveDependencies(txn, {ids.first, ids.second}, &task));
    }
  }
  RETURN_IF_ERROR(ValidateTaskFields(task));
  SaveTask(txn, &old, &task);
  v1::Event e = p.NewEvent("task.updated", task.name());
  (*e.mutable_data())["fields"] = absl::StrJoin(req.update_mask().paths(), ",");
  txn.Emit(std::move(e));
  return task;
}

absl::Status DeleteTask(Txn& txn, const Principal& p,
                        const v1::DeleteTaskRequest& req) {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("name", req.name()));
  ASSIGN_OR_RETURN(v1::Task task, LoadTask(txn, ids.first, ids.second));
  RETURN_IF_ERROR(RequireTaskWriter(txn, p, task, false, "delete"));
  RETURN_IF_ERROR(CheckEtag(req.etag(), task.etag(), task.name()));
  return RemoveTask(txn, p, task);
}

namespace {

// The common shape of every state method: replay, load, check, change, save,
// record.
absl::StatusOr<v1::Task> Transition(
    Txn& txn, const Principal& p, absl::string_view action,
    const google::protobuf::Message& req, absl::string_view name,
    absl::string_view etag, absl::string_view request_id,
    const std::function<absl::Status(v1::Task&)>& change,
    const std::function<absl::Status(const v1::Task&)>& after = nullptr) {
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  v1::Task task;
  ASSIGN_OR_RETURN(bool replayed,
                   ReplayRequest(txn, p, action, request_id, req, &task));
  if (replayed) return task;
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("name", name));
  ASSIGN_OR_RETURN(const v1::Task old, LoadTask(txn, ids.first, ids.second));
  RETURN_IF_ERROR(RequireTaskWriter(txn, p, old, true, "change the state of"));
  RETURN_IF_ERROR(CheckEtag(etag, old.etag(), old.name()));
  task = old;
  RETURN_IF_ERROR(change(task));
  SaveTask(txn, &old, &task);
  if (old.state() != task.state()) {
    v1::Event e = p.NewEvent("task.state_changed", task.name());
    (*e.mutable_data())["from"] = v1::Task::State_Name(old.state());
    (*e.mutable_data())["to"] = v1::Task::State_Name(task.state());
    if (!task.blocked_reason().empty())
      (*e.mutable_data())["reason"] = task.blocked_reason();
    txn.Emit(std::move(e));
  }
  // Not on replay: a retried request changes nothing.
  if (after) RETURN_IF_ERROR(after(task));
  RememberRequest(txn, p, action, request_id, req, task);
  return task;
}

absl::Status IllegalFrom(const v1::Task& t, absl::string_view action,
                         absl::string_view hint = "") {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", action, " ", t.name(), ": it is ",
      v1::Task::State_Name(t.state()), hint.empty() ? "" : "; ", hint));
}

absl::Status RequireDependenciesDone(const Reader& reader, const v1::Task& t,
                                     absl::string_view action) {
  ASSIGN_OR_RETURN(std::vector<std::string> unfinished,
                   UnfinishedDependencies(reader, t));
  if (unfinished.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", action, " ", t.name(),
      ": unfinished dependencies: ", absl::StrJoin(unfinished, ", ")));
}

// After `done` completes: dependents whose dependencies are all done now.
absl::Status RecordUnblocked(Txn& txn, const Principal& p,
                             const v1::Task& done) {
  const TaskId id = IdOf(done);
  std::vector<std::pair<std::string, std::string>> dependents;
  RETURN_IF_ERROR(txn.Scan(Cf::kIndex,
                           keys::IdxTaskDependents(id.project, id.task), "",
                           [&](absl::string_view key, absl::string_view) {
                             if (auto d = keys::TaskOfIndexRow(key))
                               dependents.push_back(*d);
                             return true;
                           }));
  for (const auto& [project, task_id] : dependents) {
    ASSIGN_OR_RETURN(v1::Task d, LoadTask(txn, project, task_id));
    if (!IsOpen(d.state())) continue;
    ASSIGN_OR_RETURN(std::vector<std::string> unfinished,
                     UnfinishedDependencies(txn, d));
    if (!unfinished.empty()) continue;
    v1::Event e = p.NewEvent("task.unblocked", d.name());
    (*e.mutable_data())["completed_dependency"] = done.name();
    if (!d.assignee().empty()) (*e.mutable_data())["assignee"] = d.assignee();
    txn.Emit(std::move(e));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Task> ChangeTaskState(Txn& txn, const Principal& p,
                                         absl::string_view action,
                                         const v1::TaskActionRequest& req) {
  std::function<absl::Status(v1::Task&)> change;
  if (action == "StartTask") {
    change = [&](v1::Task& t) -> absl::Status {
      if (t.state() != v1::Task::TODO && t.state() != v1::Task::BLOCKED) {
        return IllegalFrom(t, "start",
                           IsOpen(t.state()) ? "" : "reopen it first");
      }
      RETURN_IF_ERROR(RequireDependenciesDone(txn, t, "start"));
      t.set_state(v1::Task::IN_PROGRESS);
      t.clear_blocked_reason();
      return absl::OkStatus();
    };
  } else if (action == "CompleteTask") {
    change = [&](v1::Task& t) -> absl::Status {
      if (!IsOpen(t.state())) return IllegalFrom(t, "complete");
      RETURN_IF_ERROR(RequireDependenciesDone(txn, t, "complete"));
      t.set_state(v1::Task::DONE);
      t.clear_blocked_reason();
      *t.mutable_complete_time() = ToProtoTime(txn.Now());
      return absl::OkStatus();
    };
  } else if (action == "ReopenTask") {
    change = [&](v1::Task& t) -> absl::Status {
      if (IsOpen(t.state()))
        return IllegalFrom(t, "reopen", "it is still open");
      t.set_state(v1::Task::TODO);
      t.clear_complete_time();
      return absl::OkStatus();
    };
  } else if (action == "CancelTask") {
    change = [&](v1::Task& t) -> absl::Status {
      if (!IsOpen(t.state())) return IllegalFrom(t, "cancel");
      t.set_state(v1::Task::CANCELLED);
      t.clear_blocked_reason();
      return absl::OkStatus();
    };
  } else {
    return absl::InternalError(absl::StrCat("unknown task action ", action));
  }
  std::function<absl::Status(const v1::Task&)> after;
  if (action == "CompleteTask") {
    after = [&](const v1::Task& t) { return RecordUnblocked(txn, p, t); };
  }
  return Transition(txn, p, action, req, req.name(), req.etag(),
                    req.request_id(), change, after);
}

absl::StatusOr<v1::Task> BlockTask(Txn& txn, const Principal& p,
                                   const v1::BlockTaskRequest& req) {
  RETURN_IF_ERROR(ValidateRequired("reason", req.reason()));
  RETURN_IF_ERROR(
      ValidateLength("reason", req.reason(), kMaxDescriptionLength));
  return Transition(
      txn, p, "BlockTask", req, req.name(), req.etag(), req.request_id(),
      [&](v1::Task& t) -> absl::Status {
        if (t.state() != v1::Task::TODO && t.state() != v1::Task::IN_PROGRESS) {
          return IllegalFrom(t, "block");
        }
        t.set_state(v1::Task::BLOCKED);
        t.set_blocked_reason(req.reason());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Task> CommentTask(Txn& txn, const Principal& p,
                                     const v1::CommentTaskRequest& req) {
  RETURN_IF_ERROR(ValidateRequired("text", req.text()));
  RETURN_IF_ERROR(ValidateLength("text", req.text(), kMaxDescriptionLength));
  return Transition(
      txn, p, "CommentTask", req, req.name(), "", req.request_id(),
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
      [&](const v1::Task& t) {
        v1::Event e = p.NewEvent("task.commented", t.name());
        (*e.mutable_data())["comment_index"] =
            absl::StrCat(t.comments_size() - 1);
        txn.Emit(std::move(e));
        return absl::OkStatus();
      });
}

absl::Status FireOverdue(Txn& txn, const TimerRecord& timer) {
  auto ids = ParseTaskName("task", timer.target());
  if (!ids.ok()) return absl::OkStatus();
  absl::StatusOr<v1::Task> task = LoadTask(txn, ids->first, ids->second);
  if (!task.ok() || !IsOpen(task->state())) return absl::OkStatus();
  int64_t due = 0;
  if (!absl::SimpleAtoi(timer.payload(), &due) || due != DueMicros(*task)) {
    return absl::OkStatus();  // the due time moved; a newer timer covers it
  }
  v1::Event e = Principal::System().NewEvent("task.overdue", task->name());
  (*e.mutable_data())["due_time"] = absl::FormatTime(
      absl::RFC3339_sec, FromProtoTime(task->due_time()), absl::UTCTimeZone());
  if (!task->assignee().empty())
    (*e.mutable_data())["assignee"] = task->assignee();
  txn.Emit(std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::projects

// ListTasks: filter, order and page over tasks, reading an index when the
// filter allows.
//
// Plan, from the top-level AND of the filter: `assignee = X` reads the
// assignee index, else `team = X` the team index, else a parent project (or
// `project = X`) that project's tasks, else a state filter that keeps only
// open (or only closed) tasks the due index, else every task. Index keys
// hold (group, due time), so a state filter narrows to one group and
// due_time bounds to a key range. When one group is read and the order is
// due_time ascending, rows come in index order and the scan stops after one
// page; otherwise the candidates are sorted.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "services/common/filter.h"
#include "services/common/pagination.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/projects/keys.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

using mops::internal::v1::PageCursor;
using storage::Cf;
using storage::Reader;
using namespace internal;  // NOLINT

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

filter::Schema TaskSchema(const Principal& p) {
  filter::Schema schema;
  schema["state"] = {
      false, filter::EnumLiteral(v1::Task::State_descriptor(), "a task state")};
  schema["assignee"] = {false, filter::UserLiteral(p.UserName())};
  schema["team"] = {false, filter::NameLiteral("teams/")};
  schema["project"] = {false, filter::NameLiteral("projects/")};
  schema["labels"] = {false, filter::ParseStringLiteral};
  schema["priority"] = {
      true, filter::EnumLiteral(v1::Task::Priority_descriptor(), "a priority")};
  schema["due_time"] = {true, filter::ParseTimeLiteral};
  schema["create_time"] = {true, filter::ParseTimeLiteral};
  return schema;
}

filter::Value TaskField(const v1::Task& t, const std::string& field) {
  if (field == "state") return filter::Value::Int(t.state());
  if (field == "assignee") {
    return t.assignee().empty() ? filter::Value::Absent()
                                : filter::Value::String(t.assignee());
  }
  if (field == "team") {
    return t.team().empty() ? filter::Value::Absent()
                            : filter::Value::String(t.team());
  }
  if (field == "project") {
    return filter::Value::String(t.name().substr(0, t.name().find("/tasks/")));
  }
  if (field == "labels")
    return filter::Value::List({t.labels().begin(), t.labels().end()});
  if (field == "priority") return filter::Value::Int(t.priority());
  if (field == "due_time") {
    if (!t.has_due_time()) return filter::Value::Absent();
    return filter::Value::Int(absl::ToUnixMicros(FromProtoTime(t.due_time())));
  }
  if (field == "create_time") {
    return filter::Value::Int(
        absl::ToUnixMicros(FromProtoTime(t.create_time())));
  }
  return filter::Value::Absent();
}

enum class Path { kAssignee, kTeam, kDue, kProject, kAll };

struct Plan {
  Path path = Path::kAll;
  std::string key;      // assignee or team id
  std::string project;  // restricts to one project ("" = any)
  std::vector<uint8_t> groups;
  int64_t due_lo = kMin;
  int64_t due_hi = kMax;
};

std::string IndexBase(const Plan& plan, uint8_t group) {
  switch (plan.path) {
    case Path::kAssignee:
      return keys::IdxTaskAssignee(plan.key, group);
    case Path::kTeam:
      return keys::IdxTaskTeam(plan.key, group);
    default:
      return keys::IdxTaskDue(group);
  }
}

std::string IndexAt(const Plan& plan, uint8_t group, int64_t due) {
  switch (plan.path) {
    case Path::kAssignee:
      return keys::IdxTaskAssignee(plan.key, group, due);
    case Path::kTeam:
      return keys::IdxTaskTeam(plan.key, group, due);
    default:
      return keys::IdxTaskDue(group, due);
  }
}

// [start, end) of one group's rows within the due-time bounds.
std::pair<std::string, std::string> IndexRange(const Plan& plan,
                                               uint8_t group) {
  std::string base = IndexBase(plan, group);
  std::string start =
      plan.due_lo == kMin ? base : IndexAt(plan, group, plan.due_lo);
  std::string end = plan.due_hi == kMax ? storage::PrefixEnd(base)
                                        : IndexAt(plan, group, plan.due_hi + 1);
  return {start, end};
}

std::string IdOf(const filter::Value& v, absl::string_view prefix) {
  return v.str.substr(prefix.size());
}

// The task states an index group holds: 0 open, 1 closed.
std::vector<v1::Task::State> StatesOf(uint8_t group) {
  if (group == 0) {
    return {v1::Task::TODO, v1::Task::IN_PROGRESS, v1::Task::BLOCKED};
  }
  return {v1::Task::DONE, v1::Task::CANCELLED};
}

absl::StatusOr<Plan> MakePlan(const filter::Filter& f,
                              const std::string& parent_project) {
  Plan plan;
  plan.project = parent_project;
  if (auto proj = f.RequiredEquals("project")) {
    std::string id = IdOf(*proj, "projects/");
    if (!plan.project.empty() && plan.project != id) {
      plan.groups.clear();  // contradicts the parent: nothing is read
      plan.path = Path::kProject;
      return plan;
    }
    plan.project = id;
  }
  for (uint8_t group : {0, 1}) {
    for (v1::Task::State s : StatesOf(group)) {
      if (f.Allows("state", filter::Value::Int(s))) {
        plan.groups.push_back(group);
        break;
      }
    }
  }
  f.IntBounds("due_time", &plan.due_lo, &plan.due_hi);
  auto assignee = f.RequiredEquals("assignee");
  auto team = f.RequiredEquals("team");
  if (assignee && absl::StartsWith(assignee->str, "users/")) {
    plan.path = Path::kAssignee;
    plan.key = IdOf(*assignee, "users/");
  } else if (team && absl::StartsWith(team->str, "teams/")) {
    plan.path = Path::kTeam;
    plan.key = IdOf(*team, "teams/");
  } else if (!plan.project.empty()) {
    plan.path = Path::kProject;
  } else if (plan.groups.size() == 1) {
    plan.path = Path::kDue;
  }
  return plan;
}

bool IsIndexPath(Path path) {
  return path == Path::kAssignee || path == Path::kTeam || path == Path::kDue;
}

// Appends one `tasks` entry, a serialized v1::Task, to a serialized
// ListTasksResponse.
void AppendTask(absl::string_view task, std::string* out) {
  uint8_t head[1 + 5];  // a tag byte and a varint32 of at most 5 bytes
  head[0] = (v1::ListTasksResponse::kTasksFieldNumber << 3) |
            2;  // wire type 2: length-delimited
  uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(task.size()), head + 1);
  out->append(reinterpret_cast<const char*>(head), end - head);
  out->append(task.data(), task.size());
}

SortKey SortKeyOf(const v1::Task& t, const std::string& field,
                  const std::string& row) {
  SortKey k;
  k.row = row;
  if (field == "due_time") {
    k.absent = !t.has_due_time();
    if (!k.absent) k.num = absl::ToUnixMicros(FromProtoTime(t.due_time()));
  } else if (field == "priority") {
    k.num = t.priority();
  } else {
    k.num = absl::ToUnixMicros(FromProtoTime(t.create_time()));
  }
  return k;
}

// One ListTasks call once its plan is made: reads the rows the plan names
// and builds the page.
class TaskLister {
 public:
  TaskLister(const Reader& reader, const filter::Filter& f, const Plan& plan,
             PageCursor cursor, std::string query, size_t page_size,
             absl::flat_hash_set<std::string> purging, ListStats* stats)
      : reader_(reader),
        f_(f),
        plan_(plan),
        cursor_(std::move(cursor)),
        query_(std::move(query)),
        page_size_(page_size),
        purging_(std::move(purging)),
        stats_(stats),
        covering_(plan.path == Path::kAssignee) {}

  // Index order is the requested order: reads one page of `group` and stops.
  absl::StatusOr<std::string> IndexOrderedPage(uint8_t group);
  // Otherwise: every candidate, keeping the page's rows in `order`.
  absl::StatusOr<std::string> SortedRows(const filter::OrderBy& order);

 private:
  bool Matches(const v1::Task& t) const {
    return f_.Matches(
        [&](const std::string& field) { return TaskField(t, field); });
  }
  bool Purging(absl::string_view project) const {
    return !purging_.empty() && purging_.contains(project);
  }
  // Whether the index row belongs to the requested project (any when none)
  // and not to a deleted one whose tasks are still going.
  absl::StatusOr<bool> InProject(absl::string_view index_key);
  // Loads the task behind an index row into *t; false when it does not
  // match. *bytes is then the stored task: the row's value when the index
  // covers it, else the record, read into *record.
  absl::StatusOr<bool> Load(absl::string_view index_key,
                            absl::string_view value, v1::Task* t,
                            std::string* record, absl::string_view* bytes);
  // A covering row's key holds the assignee and the open/closed group, so
  // a filter on assignee and state alone that holds for every state of the
  // group matches every row: rows go out as stored, never parsed (the
  // common "my open tasks" page).
  bool EveryRowMatches(uint8_t group) const;

  const Reader& reader_;
  const filter::Filter& f_;
  const Plan& plan_;
  const PageCursor cursor_;
  const std::string query_;
  const size_t page_size_;
  const absl::flat_hash_set<std::string> purging_;
  ListStats* const stats_;
  const bool covering_;
};

absl::StatusOr<bool> TaskLister::InProject(absl::string_view index_key) {
  ++stats_->index_rows;
  auto ids = keys::TaskOfIndexRow(index_key);
  if (!ids) return absl::DataLossError("malformed task index row");
  if (Purging(ids->first)) return false;
  return plan_.project.empty() || ids->first == plan_.project;
}

absl::StatusOr<bool> TaskLister::Load(absl::string_view index_key,
                                      absl::string_view value, v1::Task* t,
                                      std::string* record,
                                      absl::string_view* bytes) {
  ASSIGN_OR_RETURN(bool wanted, InProject(index_key));
  if (!wanted) return false;
  *bytes = value;
  if (!covering_) {
    ++stats_->records_read;
    auto ids = keys::TaskOfIndexRow(index_key);
    ASSIGN_OR_RETURN(
        std::optional<std::string> stored,
        reader_.Get(Cf::kRecords, keys::Task(ids->first, ids->second)));
    if (!stored) return false;
    *record = *std::move(stored);
    *bytes = *record;
  }
  RETURN_IF_ERROR(storage::ParseStored(*bytes, t));
  return Matches(*t);
}

bool TaskLister::EveryRowMatches(uint8_t group) const {
  if (!covering_ || !f_.MentionsOnly({"assignee", "state"})) return false;
  for (v1::Task::State state : StatesOf(group)) {
    const bool holds = f_.Matches([&](const std::string& field) {
      return field == "state"
                 ? filter::Value::Int(state)
                 : filter::Value::String(absl::StrCat("users/", plan_.key));
    });
    if (!holds) return false;
  }
  return true;
}

absl::StatusOr<std::string> TaskLister::IndexOrderedPage(uint8_t group) {
  const bool every_row_matches = EveryRowMatches(group);
  auto [start, end] = IndexRange(plan_, group);
  if (!cursor_.index_key().empty()) {
    if (!absl::StartsWith(cursor_.index_key(), IndexBase(plan_, group))) {
      return absl::InvalidArgumentError(
          "page_token is not valid for this list");
    }
    start = std::max(start, storage::KeyAfter(cursor_.index_key()));
  }
  std::string out;
  size_t taken = 0;
  std::string last_key;
  std::string record;
  absl::Status error;
  RETURN_IF_ERROR(
      reader_.ScanRange(Cf::kIndex, start, end,
                        [&](absl::string_view key, absl::string_view value) {
                          absl::StatusOr<bool> ok = false;
                          absl::string_view task = value;
                          if (every_row_matches) {
                            ok = InProject(key);
                          } else {
                            v1::Task t;
                            ok = Load(key, value, &t, &record, &task);
                          }
                          if (!ok.ok()) {
                            error = ok.status();
                            return false;
                          }
                          if (!*ok) return true;
                          if (taken == page_size_) {
                            PageCursor next;
                            next.set_query(query_);
                            next.set_index_key(last_key);
                            v1::ListTasksResponse tail;
                            tail.set_next_page_token(EncodeCursor(next));
                            out += tail.SerializeAsString();
                            return false;
                          }
                          AppendTask(task, &out);
                          ++taken;
                          last_key.assign(key.data(), key.size());
                          return true;
                        }));
  RETURN_IF_ERROR(error);
  return out;
}

absl::StatusOr<std::string> TaskLister::SortedRows(
    const filter::OrderBy& order) {
  services::SortedPage<v1::Task> page(order.desc, cursor_, query_, page_size_);
  auto keep = [&](v1::Task t) {
    const std::string row = t.name();
    auto ids = ParseTaskName("name", row);
    std::string key = ids.ok() ? keys::Task(ids->first, ids->second) : row;
    SortKey sort_key = SortKeyOf(t, order.field, key);
    page.Add(std::move(sort_key), std::move(t));
  };
  if (IsIndexPath(plan_.path)) {
    std::string record;
    absl::string_view bytes;
    absl::Status error;
    for (uint8_t group : plan_.groups) {
      auto [start, end] = IndexRange(plan_, group);
      RETURN_IF_ERROR(reader_.ScanRange(
          Cf::kIndex, start, end,
          [&](absl::string_view key, absl::string_view value) {
            v1::Task t;
            absl::StatusOr<bool> ok = Load(key, value, &t, &record, &bytes);
            if (!ok.ok()) {
              error = ok.status();
              return false;
            }
            if (*ok) keep(std::move(t));
            return true;
          }));
      RETURN_IF_ERROR(error);
    }
  } else {
    const std::string prefix = plan_.path == Path::kProject
                                   ? keys::TaskPrefix(plan_.project)
                                   : keys::AllTasksPrefix();
    RETURN_IF_ERROR(storage::ScanParsed<v1::Task>(
        reader_, Cf::kRecords, prefix, "",
        [&](absl::string_view, v1::Task&& t) {
          ++stats_->records_read;
          if (!purging_.empty()) {
            auto ids = ParseTaskName("name", t.name());
            if (ids.ok() && Purging(ids->first)) return true;
          }
          if (Matches(t)) keep(std::move(t));
          return true;
        }));
  }
  v1::ListTasksResponse resp;
  resp.set_next_page_token(page.Take(resp.mutable_tasks()));
  return resp.SerializeAsString();
}

}  // namespace

absl::StatusOr<std::string> ListTasksWire(const Reader& reader,
                                          const Principal& p,
                                          const v1::ListTasksRequest& req,
                                          ListStats* stats) {
  ListStats local;
  if (stats == nullptr) stats = &local;
  ASSIGN_OR_RETURN(
      std::string parent,
      ParseId("parent", req.parent(), "projects/*", /*allow_wildcard=*/true));
  if (parent == "-") {
    parent.clear();
  } else {
    RETURN_IF_ERROR(LoadProject(reader, parent).status());
  }
  ASSIGN_OR_RETURN(const size_t page_size, ParsePageSize(req.page_size()));
  ASSIGN_OR_RETURN(filter::Filter f,
                   filter::Filter::Parse(req.filter(), TaskSchema(p)));
  ASSIGN_OR_RETURN(
      filter::OrderBy order,
      filter::ParseOrderBy(
          req.order_by(), {"due_time", "priority", "create_time"}, "due_time"));
  std::string query =
      QueryFingerprint(req.parent(), req.filter(), req.order_by());
  ASSIGN_OR_RETURN(PageCursor cursor, DecodeCursor(req.page_token(), query));
  ASSIGN_OR_RETURN(Plan plan, MakePlan(f, parent));
  if (plan.groups.empty()) return std::string();
  // The tasks of a deleted project whose last chunks are still going are
  // gone for readers already.
  ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> purging,
                   PurgingProjects(reader));
  TaskLister lister(reader, f, plan, std::move(cursor), std::move(query),
                    page_size, std::move(purging), stats);
  if (IsIndexPath(plan.path) && plan.groups.size() == 1 &&
      order.field == "due_time" && !order.desc) {
    return lister.IndexOrderedPage(plan.groups[0]);
  }
  return lister.SortedRows(order);
}

absl::StatusOr<v1::ListTasksResponse> ListTasks(const Reader& reader,
                                                const Principal& p,
                                                const v1::ListTasksRequest& req,
                                                ListStats* stats) {
  ASSIGN_OR_RETURN(std::string wire, ListTasksWire(reader, p, req, stats));
  v1::ListTasksResponse resp;
  if (!resp.ParseFromString(wire)) {
    return absl::InternalError("list page does not parse");
  }
  return resp;
}

}  // namespace mops::services::projects

#include "services/projects/projects.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "services/common/crypto.h"
#include "services/common/filter.h"
#include "services/common/ids.h"
#include "services/common/pagination.h"
#include "services/common/request_log.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

namespace keys = storage::keys;
using mops::internal::v1::PageCursor;
using storage::Cf;
using storage::Reader;
using storage::Txn;

// ------------------------------------------------------------ internal

namespace internal {

absl::StatusOr<std::shared_ptr<const v1::Project>> SharedProject(
    const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto project, reader.GetShared<v1::Project>(
                                     Cf::kRecords, keys::Project(id)));
  if (project == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("project \"projects/", id, "\" not found"));
  }
  return project;
}

absl::StatusOr<v1::Project> LoadProject(const Reader& reader,
                                        absl::string_view id) {
  ASSIGN_OR_RETURN(auto project, SharedProject(reader, id));
  return *project;
}

absl::StatusOr<std::pair<std::string, std::string>> ParseTaskName(
    absl::string_view field, absl::string_view name) {
  ASSIGN_OR_RETURN(auto ids, ParseName(field, name, "projects/*/tasks/*"));
  return std::make_pair(ids[0], ids[1]);
}

absl::StatusOr<std::string> LoadTaskBytes(const Reader& reader,
                                          absl::string_view project,
                                          absl::string_view task) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   reader.Get(Cf::kRecords, keys::Task(project, task)));
  if (!stored) {
    return absl::NotFoundError(absl::StrCat("task \"projects/", project,
                                            "/tasks/", task, "\" not found"));
  }
  return *std::move(stored);
}

absl::StatusOr<v1::Task> LoadTask(const Reader& reader,
                                  absl::string_view project,
                                  absl::string_view task) {
  ASSIGN_OR_RETURN(std::string bytes, LoadTaskBytes(reader, project, task));
  v1::Task t;
  RETURN_IF_ERROR(storage::ParseStored(bytes, &t));
  return t;
}

absl::StatusOr<bool> IsAdminOrMember(const Reader& reader, const Principal& p,
                                     absl::string_view team) {
  if (p.admin) return true;
  if (team.empty()) return false;
  ASSIGN_OR_RETURN(auto m, identity::LoadMembership(reader, team, p.user_id));
  return m.has_value();
}

absl::Status ValidateLabels(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<std::string>& labels) {
  if (static_cast<size_t>(labels.size()) > kMaxListItems) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " has ", labels.size(), " entries; at most ", kMaxListItems));
  }
  for (const std::string& label : labels) {
    RETURN_IF_ERROR(ValidateId(absl::StrCat(field, " entry"), label));
  }
  return absl::OkStatus();
}

bool IsOpen(v1::Task::State state) {
  return state != v1::Task::DONE && state != v1::Task::CANCELLED;
}

}  // namespace internal

using namespace internal;  // NOLINT: this file implements them

namespace {

constexpr char kDatePattern[] = "%Y-%m-%d";

absl::StatusOr<absl::Time> ParseDate(absl::string_view field,
                                     absl::string_view date) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(kDatePattern, date, absl::UTCTimeZone(), &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " \"", date, "\" is not a date (YYYY-MM-DD)"));
  }
  return t;
}

absl::Status ValidateMoney(const v1::Money& money) {
  const std::string& code = money.currency_code();
  bool ok = code.size() == 3 &&
            std::all_of(code.begin(), code.end(),
                        [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "project.budget.currency_code \"", code,
        "\" is not an ISO 4217 code (three capital letters, e.g. EUR)"));
  }
  if (money.amount_minor() < 0) {
    return absl::InvalidArgumentError(
        "project.budget.amount_minor must not be negative");
  }
  return absl::OkStatus();
}

// Field checks that need no stored state, for create and update alike.
absl::Status ValidateProjectFields(const v1::Project& project,
                                   bool require_title) {
  if (require_title)
    RETURN_IF_ERROR(ValidateRequired("project.title", project.title()));
  RETURN_IF_ERROR(
      ValidateLength("project.title", project.title(), kMaxTitleLength));
  RETURN_IF_ERROR(ValidateLength("project.description", project.description(),
                                 kMaxDescriptionLength));
  RETURN_IF_ERROR(ValidateLength("project.objective", project.objective(),
                                 kMaxDescriptionLength));
  if (static_cast<size_t>(project.kpis_size()) > kMaxListItems) {
    return absl::InvalidArgumentError(
        absl::StrCat("project.kpis has more than ", kMaxListItems, " entries"));
  }
  for (const std::string& kpi : project.kpis()) {
    RETURN_IF_ERROR(ValidateRequired("project.kpis entry", kpi));
    RETURN_IF_ERROR(ValidateLength("project.kpis entry", kpi, kMaxTitleLength));
  }
  RETURN_IF_ERROR(ValidateLabels("project.labels", project.labels()));
  if (!v1::Project::State_IsValid(project.state())) {
    return absl::InvalidArgumentError("project.state is not a known state");
  }
  std::optional<absl::Time> start, end;
  if (!project.start_date().empty()) {
    ASSIGN_OR_RETURN(start,
                     ParseDate("project.start_date", project.start_date()));
  }
  if (!project.end_date().empty()) {
    ASSIGN_OR_RETURN(end, ParseDate("project.end_date", project.end_date()));
  }
  if (start && end && *end < *start) {
    return absl::InvalidArgumentError(
        "project.end_date is before project.start_date");
  }
  if (project.has_budget()) RETURN_IF_ERROR(ValidateMoney(project.budget()));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveTeam(const Reader& reader,
                                        absl::string_view field,
                                        absl::string_view name) {
  ASSIGN_OR_RETURN(std::string id, ParseId(field, name, "teams/*"));
  RETURN_IF_ERROR(identity::LoadTeam(reader, id).status());
  return id;
}

absl::StatusOr<std::string> ResolveUser(const Reader& reader,
                                        absl::string_view field,
                                        absl::string_view name) {
  ASSIGN_OR_RETURN(std::string id, ParseId(field, name, "users/*"));
  RETURN_IF_ERROR(identity::LoadUser(reader, id).status());
  return id;
}

absl::Status RequireWriter(const Reader& reader, const Principal& p,
                           absl::string_view team, absl::string_view what) {
  ASSIGN_OR_RETURN(bool ok, IsAdminOrMember(reader, p, team));
  if (ok) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only admins and members of teams/", team, " may ", what,
                   "; users/", p.user_id, " is neither"));
}

filter::Schema ProjectSchema() {
  filter::Schema schema;
  schema["state"] = {false, filter::EnumLiteral(v1::Project::State_descriptor(),
                                                "a project state")};
  schema["team"] = {false, filter::NameLiteral("teams/")};
  schema["owner"] = {false, filter::NameLiteral("users/")};
  schema["labels"] = {false, filter::ParseStringLiteral};
  schema["title"] = {false, filter::ParseStringLiteral};
  schema["create_time"] = {true, filter::ParseTimeLiteral};
  return schema;
}

filter::Value ProjectField(const v1::Project& p, const std::string& field) {
  if (field == "state") return filter::Value::Int(p.state());
  if (field == "team") return filter::Value::String(p.team());
  if (field == "owner") return filter::Value::String(p.owner());
  if (field == "title") return filter::Value::String(p.title());
  if (field == "labels") {
    return filter::Value::List({p.labels().begin(), p.labels().end()});
  }
  if (field == "create_time") {
    return filter::Value::Int(
        absl::ToUnixMicros(FromProtoTime(p.create_time())));
  }
  return filter::Value::Absent();
}

void Dedupe(google::protobuf::RepeatedPtrField<std::string>* items) {
  std::set<std::string> seen;
  google::protobuf::RepeatedPtrField<std::string> out;
  for (const std::string& s : *items) {
    if (seen.insert(s).second) *out.Add() = s;
  }
  items->Swap(&out);
}

}  // namespace

// ------------------------------------------------------------ projects

absl::Status ValidateCreateProject(const v1::CreateProjectRequest& req) {
  if (!req.project_id().empty()) {
    RETURN_IF_ERROR(ValidateId("project_id", req.project_id()));
  }
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
  RETURN_IF_ERROR(ValidateProjectFields(req.project(), /*require_title=*/true));
  return ValidateRequired("project.team", req.project().team());
}

absl::StatusOr<v1::Project> CreateProject(Txn& txn, const Principal& p,
                                          const v1::CreateProjectRequest& req) {
  RETURN_IF_ERROR(ValidateCreateProject(req));
  v1::Project project;
  ASSIGN_OR_RETURN(
      bool replayed,
      ReplayRequest(txn, p, "CreateProject", req.request_id(), req, &project));
  if (replayed) return project;
  ASSIGN_OR_RETURN(std::string team,
                   ResolveTeam(txn, "project.team", req.project().team()));
  RETURN_IF_ERROR(RequireWriter(txn, p, team, "create its projects"));
  std::string id = req.project_id();
  if (id.empty()) {
    ASSIGN_OR_RETURN(
        id, FreshId(txn, Cf::kRecords, 'p',
                    [](const std::string& i) { return keys::Project(i); }));
  }
  ASSIGN_OR_RETURN(auto existing, txn.Get(Cf::kRecords, keys::Project(id)));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat("project \"projects/", id, "\" already exists"));
  }
  project = req.project();
  project.set_name(absl::StrCat("projects/", id));
  project.set_team(absl::StrCat("teams/", team));
  if (project.owner().empty()) {
    project.set_owner(p.UserName());
  } else {
    ASSIGN_OR_RETURN(std::string owner,
                     ResolveUser(txn, "project.owner", project.owner()));
    project.set_owner(absl::StrCat("users/", owner));
  }
  if (project.state() == v1::Project::STATE_UNSPECIFIED) {
    project.set_state(v1::Project::PLANNED);
  }
  Dedupe(project.mutable_labels());
  project.set_etag(EtagOf(txn.revision()));
  *project.mutable_create_time() = ToProtoTime(txn.Now());
  *project.mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Project(id), project);
  v1::Event e = p.NewEvent("project.created", project.name());
  (*e.mutable_data())["team"] = project.team();
  txn.Emit(std::move(e));
  RememberRequest(txn, p, "CreateProject", req.request_id(), req, project);
  return project;
}

absl::StatusOr<v1::Project> GetProject(const Reader& reader,
                                       const v1::GetProjectRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "projects/*"));
  return LoadProject(reader, id);
}

absl::StatusOr<v1::ListProjectsResponse> ListProjects(
    const Reader& reader, const v1::ListProjectsRequest& req) {
  ASSIGN_OR_RETURN(const size_t page_size, ParsePageSize(req.page_size()));
  ASSIGN_OR_RETURN(filter::Filter f,
                   filter::Filter::Parse(req.filter(), ProjectSchema()));
  ASSIGN_OR_RETURN(
      filter::OrderBy order,
      filter::ParseOrderBy(req.order_by(), {"create_time", "title", "end_date"},
                           "create_time"));
  const std::string query = QueryFingerprint("", req.filter(), req.order_by());
  ASSIGN_OR_RETURN(PageCursor cursor, DecodeCursor(req.page_token(), query));

  // Projects are few next to tasks: a full scan keeping one page.
  SortedPage<v1::Project> page(order.desc, cursor, query, page_size);
  RETURN_IF_ERROR(storage::ScanParsed<v1::Project>(
      reader, Cf::kRecords, keys::ProjectPrefix(), "",
      [&](absl::string_view key, v1::Project&& project) {
        if (!f.Matches([&](const std::string& field) {
              return ProjectField(project, field);
            })) {
          return true;
        }
        SortKey k;
        k.row = std::string(key);
        if (order.field == "create_time") {
          k.num = absl::ToUnixMicros(FromProtoTime(project.create_time()));
        } else if (order.field == "title") {
          k.text = project.title();
        } else {
          k.absent = project.end_date().empty();
          k.text = project.end_date();
        }
        page.Add(std::move(k), std::move(project));
        return true;
      }));
  v1::ListProjectsResponse resp;
  resp.set_next_page_token(page.Take(resp.mutable_projects()));
  return resp;
}

absl::StatusOr<v1::Project> UpdateProject(Txn& txn, const Principal& p,
                                          const v1::UpdateProjectRequest& req) {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("project.name", req.project().name(), "projects/*"));
  const std::set<std::string> allowed = {
      "title", "description", "team",     "owner",  "objective", "kpis",
      "state", "start_date",  "end_date", "budget", "labels"};
  if (req.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "update_mask is required; paths: ", absl::StrJoin(allowed, ", ")));
  }
  for (const std::string& path : req.update_mask().paths()) {
    if (!allowed.count(path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask: path \"", path,
          "\" cannot be updated; allowed: ", absl::StrJoin(allowed, ", ")));
    }
  }
  ASSIGN_OR_RETURN(v1::Project project, LoadProject(txn, id));
  const std::string old_team = project.team().substr(strlen("teams/"));
  RETURN_IF_ERROR(RequireWriter(txn, p, old_team, "update its projects"));
  RETURN_IF_ERROR(
      CheckEtag(req.project().etag(), project.etag(), project.name()));
  const v1::Project::State old_state = project.state();
  const v1::Project& in = req.project();
  for (const std::string& path : req.update_mask().paths()) {
    if (path == "title") {
      RETURN_IF_ERROR(ValidateRequired("project.title", in.title()));
      project.set_title(in.title());
    } else if (path == "description") {
      project.set_description(in.description());
    } else if (path == "team") {
      ASSIGN_OR_RETURN(std::string team,
                       ResolveTeam(txn, "project.team", in.team()));
      RETURN_IF_ERROR(RequireWriter(txn, p, team, "move projects to it"));
      project.set_team(absl::StrCat("teams/", team));
    } else if (path == "owner") {
      ASSIGN_OR_RETURN(std::string owner,
                       ResolveUser(txn, "project.owner", in.owner()));
      project.set_owner(absl::StrCat("users/", owner));
    } else if (path == "objective") {
      project.set_objective(in.objective());
    } else if (path == "kpis") {
      *project.mutable_kpis() = in.kpis();
    } else if (path == "state") {
      if (in.state() == v1::Project::STATE_UNSPECIFIED) {
        return absl::InvalidArgumentError("project.state must be set");
      }
      project.set_state(in.state());
    } else if (path == "start_date") {
      project.set_start_date(in.start_date());
    } else if (path == "end_date") {
      project.set_end_date(in.end_date());
    } else if (path == "budget") {
      if (in.has_budget()) {
        *project.mutable_budget() = in.budget();
      } else {
        project.clear_budget();
      }
    } else if (path == "labels") {
      *project.mutable_labels() = in.labels();
      Dedupe(project.mutable_labels());
    }
  }
  RETURN_IF_ERROR(ValidateProjectFields(project, /*require_title=*/true));
  project.set_etag(EtagOf(txn.revision()));
  *project.mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Project(id), project);
  v1::Event e = p.NewEvent("project.updated", project.name());
  (*e.mutable_data())["fields"] = absl::StrJoin(req.update_mask().paths(), ",");
  txn.Emit(std::move(e));
  if (project.state() != old_state) {
    v1::Event s = p.NewEvent("project.state_changed", project.name());
    (*s.mutable_data())["from"] = v1::Project::State_Name(old_state);
    (*s.mutable_data())["to"] = v1::Project::State_Name(project.state());
    txn.Emit(s);
  }
  return project;
}

absl::StatusOr<v1::DeleteProjectResponse> DeleteProject(
    Txn& txn, const Principal& p, const v1::DeleteProjectRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "projects/*"));
  ASSIGN_OR_RETURN(v1::Project project, LoadProject(txn, id));
  RETURN_IF_ERROR(RequireWriter(txn, p, project.team().substr(strlen("teams/")),
                                "delete its projects"));
  RETURN_IF_ERROR(CheckEtag(req.etag(), project.etag(), project.name()));
  std::vector<v1::Task> tasks;
  int open = 0;
  std::string first_open;
  RETURN_IF_ERROR(
      storage::ScanParsed<v1::Task>(txn, Cf::kRecords, keys::TaskPrefix(id), "",
                                    [&](absl::string_view, v1::Task&& t) {
                                      if (IsOpen(t.state()) && open++ == 0)
                                        first_open = t.name();
                                      tasks.push_back(std::move(t));
                                      return true;
                                    }));
  if (open > 0 && !req.force()) {
    return absl::FailedPreconditionError(
        absl::StrCat(project.name(), " has ", open, " open task",
                     open == 1 ? "" : "s", " (such as ", first_open,
                     "); complete or cancel them, or delete with force"));
  }
  for (const v1::Task& t : tasks) RETURN_IF_ERROR(RemoveTask(txn, p, t));
  txn.Delete(Cf::kRecords, keys::Project(id));
  v1::Event e = p.NewEvent("project.deleted", project.name());
  (*e.mutable_data())["deleted_tasks"] = absl::StrCat(tasks.size());
  txn.Emit(std::move(e));
  v1::DeleteProjectResponse resp;
  resp.set_deleted_tasks(static_cast<int32_t>(tasks.size()));
  return resp;
}

}  // namespace mops::services::projects

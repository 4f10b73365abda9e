#include "services/projects/queries.h"

#include <string>
#include <utility>

#include "services/common/filter.h"
#include "services/common/pagination.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/projects/keys.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects::queries {

using mops::internal::v1::PageCursor;
using storage::Cf;
using storage::Reader;
using namespace internal;  // NOLINT

namespace {

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

}  // namespace

absl::Status GetProject::Run(const Reader& reader, const Principal&,
                             const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "projects/*"));
  ASSIGN_OR_RETURN(*out, LoadProject(reader, id));
  return absl::OkStatus();
}

absl::Status ListProjects::Run(const Reader& reader, const Principal&,
                               const Request& req, Response* out) const {
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
  out->set_next_page_token(page.Take(out->mutable_projects()));
  return absl::OkStatus();
}

absl::StatusOr<std::string> GetTask::RunWire(const Reader& reader,
                                             const Principal&,
                                             const Request& req) const {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("name", req.name()));
  return LoadTaskBytes(reader, ids.first, ids.second);
}

absl::StatusOr<std::string> ListTasks::RunWire(const Reader& reader,
                                               const Principal& p,
                                               const Request& req) const {
  return ListTasksWire(reader, p, req);
}

}  // namespace mops::services::projects::queries

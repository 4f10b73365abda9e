// GetWorkflow and ListWorkflows. The projection (when a run ends, whether
// it is at risk) depends on the time, so it is computed on every read.
#include <map>
#include <string>
#include <utility>

#include "services/common/filter.h"
#include "services/common/pagination.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/workflows/keys.h"
#include "services/workflows/projection.h"
#include "services/workflows/queries.h"
#include "services/workflows/run.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::queries {

using mops::internal::v1::PageCursor;
using storage::Cf;
using storage::Reader;

namespace {

// The versions runs are pinned to, and their graphs, read once per call.
class Versions {
 public:
  explicit Versions(const Reader& reader) : reader_(reader) {}
  absl::StatusOr<std::pair<const v1::WorkflowTemplate*, const StageGraph*>> Of(
      const v1::Workflow& w) {
    const std::string key =
        absl::StrCat(w.template_(), "@", w.template_version());
    auto it = loaded_.find(key);
    if (it == loaded_.end()) {
      ASSIGN_OR_RETURN(
          v1::WorkflowTemplateVersion v,
          LoadVersion(reader_, TemplateIdOf(w), w.template_version()));
      ASSIGN_OR_RETURN(StageGraph g, StageGraph::Build(v.template_().stages()));
      it = loaded_
               .emplace(key,
                        Entry{std::move(*v.mutable_template_()), std::move(g)})
               .first;
    }
    return std::make_pair(&it->second.spec, &it->second.graph);
  }

 private:
  struct Entry {
    v1::WorkflowTemplate spec;
    StageGraph graph;
  };
  const Reader& reader_;
  std::map<std::string, Entry> loaded_;
};

absl::Status Fill(Versions& versions, Clocks& clocks, absl::Time now,
                  v1::Workflow* w) {
  if (w->state() != v1::Workflow::RUNNING &&
      w->state() != v1::Workflow::SUSPENDED) {
    return FillProjection(v1::WorkflowTemplate(), StageGraph(), now, nullptr,
                          w);
  }
  ASSIGN_OR_RETURN(auto version, versions.Of(*w));
  return FillProjection(
      *version.first, *version.second, now,
      [&](absl::string_view name) { return clocks.Get(name); }, w);
}

const filter::Schema& RunSchema() {
  static const filter::Schema* schema = new filter::Schema{
      {"state",
       {false, filter::EnumLiteral(v1::Workflow::State_descriptor(),
                                   "a workflow state")}},
      {"template", {false, filter::NameLiteral("workflowTemplates/")}},
      {"project", {false, filter::NameLiteral("projects/")}},
      {"at_risk", {false, filter::ParseBoolLiteral}},
      {"stage", {false, filter::ParseStringLiteral}},
  };
  return *schema;
}

filter::Value RunField(const v1::Workflow& w, const std::string& field) {
  if (field == "state") return filter::Value::Int(w.state());
  if (field == "template") return filter::Value::String(w.template_());
  if (field == "project") return filter::Value::String(w.project());
  if (field == "at_risk") {
    return filter::Value::String(w.at_risk() ? "true" : "false");
  }
  // "stage": the stages that are active.
  std::vector<std::string> active;
  for (const v1::WorkflowStageState& s : w.stages()) {
    if (s.state() == v1::WorkflowStageState::ACTIVE) active.push_back(s.id());
  }
  return filter::Value::List(std::move(active));
}

}  // namespace

absl::Status GetWorkflow::Run(const Reader& reader, const Principal&,
                              const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseRunName("name", req.name()));
  ASSIGN_OR_RETURN(*out, LoadRun(reader, id));
  Versions versions(reader);
  Clocks clocks(reader);
  return Fill(versions, clocks, clock->Now(), out);
}

absl::Status ListWorkflows::Run(const Reader& reader, const Principal&,
                                const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(const size_t page_size, ParsePageSize(req.page_size()));
  ASSIGN_OR_RETURN(filter::Filter f,
                   filter::Filter::Parse(req.filter(), RunSchema()));
  ASSIGN_OR_RETURN(
      filter::OrderBy order,
      filter::ParseOrderBy(req.order_by(), {"start_time", "projected_end_time"},
                           "start_time"));
  const std::string query = QueryFingerprint("", req.filter(), req.order_by());
  ASSIGN_OR_RETURN(PageCursor cursor, DecodeCursor(req.page_token(), query));
  const absl::Time now = clock->Now();
  Versions versions(reader);
  Clocks clocks(reader);
  SortedPage<v1::Workflow> page(order.desc, cursor, query, page_size);
  absl::Status failed;
  RETURN_IF_ERROR(storage::ScanParsed<v1::Workflow>(
      reader, Cf::kRecords, keys::WorkflowPrefix(), "",
      [&](absl::string_view key, v1::Workflow&& w) {
        w.clear_history();
        failed = Fill(versions, clocks, now, &w);
        if (!failed.ok()) return false;
        if (!f.Matches(
                [&](const std::string& field) { return RunField(w, field); })) {
          return true;
        }
        SortKey k;
        k.row = std::string(key);
        const google::protobuf::Timestamp& t = order.field == "start_time"
                                                   ? w.start_time()
                                                   : w.projected_end_time();
        k.absent = order.field != "start_time" && !w.has_projected_end_time();
        k.num = absl::ToUnixMicros(FromProtoTime(t));
        page.Add(std::move(k), std::move(w));
        return true;
      }));
  RETURN_IF_ERROR(failed);
  out->set_next_page_token(page.Take(out->mutable_workflows()));
  return absl::OkStatus();
}

}  // namespace mops::services::workflows::queries

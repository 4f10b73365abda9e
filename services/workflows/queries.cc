#include "services/workflows/queries.h"

#include <string>
#include <utility>
#include <vector>

#include "services/common/filter.h"
#include "services/common/pagination.h"
#include "services/common/validation.h"
#include "services/workflows/keys.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::queries {

using storage::Cf;
using storage::Reader;

namespace {

const filter::Schema& TemplateSchema() {
  static const filter::Schema* schema = new filter::Schema{
      {"team", {false, filter::NameLiteral("teams/")}},
      {"display_name", {false, filter::ParseStringLiteral}},
  };
  return *schema;
}

std::string IdOf(const v1::WorkflowTemplate& t) {
  return t.name().substr(t.name().find('/') + 1);
}

}  // namespace

absl::Status GetWorkflowTemplate::Run(const Reader& reader, const Principal&,
                                      const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("name", req.name(), "workflowTemplates/*"));
  ASSIGN_OR_RETURN(*out, LoadTemplate(reader, id));
  return FillDraftChanged(reader, id, out);
}

absl::Status ListWorkflowTemplates::Run(const Reader& reader, const Principal&,
                                        const Request& req,
                                        Response* out) const {
  ASSIGN_OR_RETURN(filter::Filter f,
                   filter::Filter::Parse(req.filter(), TemplateSchema()));
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(req.page_size(), req.page_token(),
                                    keys::TemplatePrefix()));
  std::vector<v1::WorkflowTemplate> templates;
  ASSIGN_OR_RETURN(*out->mutable_next_page_token(),
                   ReadPage<v1::WorkflowTemplate>(
                       reader, Cf::kRecords, keys::TemplatePrefix(), page,
                       &templates, [&](const v1::WorkflowTemplate& t) {
                         return f.Matches([&](const std::string& field) {
                           return filter::Value::String(
                               field == "team" ? t.team() : t.display_name());
                         });
                       }));
  for (v1::WorkflowTemplate& t : templates) {
    RETURN_IF_ERROR(FillDraftChanged(reader, IdOf(t), &t));
    *out->add_workflow_templates() = std::move(t);
  }
  return absl::OkStatus();
}

absl::Status GetWorkflowTemplateVersion::Run(const Reader& reader,
                                             const Principal&,
                                             const Request& req,
                                             Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseVersionName("name", req.name()));
  RETURN_IF_ERROR(LoadTemplate(reader, ref.template_id).status());
  ASSIGN_OR_RETURN(*out, LoadVersion(reader, ref.template_id, ref.version));
  return absl::OkStatus();
}

absl::Status ListWorkflowTemplateVersions::Run(const Reader& reader,
                                               const Principal&,
                                               const Request& req,
                                               Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("parent", req.parent(), "workflowTemplates/*"));
  RETURN_IF_ERROR(LoadTemplate(reader, id).status());
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::VersionPrefix(id), req.page_size(),
               req.page_token(), out->mutable_versions()));
  return absl::OkStatus();
}

}  // namespace mops::services::workflows::queries

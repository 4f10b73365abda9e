#include "clients/cli/template_file.h"

#include "absl/strings/str_cat.h"
#include "clients/cli/apply_file.h"
#include "clients/cli/client.h"

namespace mops::cli {
namespace {

const FileSyntax& TemplateSyntax() {
  static const auto* syntax = new FileSyntax{
      /*enum_fields=*/{"type", "deadline_action", "deadlineAction"},
      /*list_fields=*/
      {"after", "if_true", "ifTrue", "if_false", "ifFalse", "labels", "users"},
      /*file_keys=*/{}};
  return *syntax;
}

}  // namespace

::mops::v1::WorkflowTemplate ParseTemplateFile(const std::string& text,
                                               const std::string& source) {
  ::mops::v1::WorkflowTemplate t;
  ParseMessageFile(text, source, TemplateSyntax(),
                   "a template file is a map with name, team, variables, "
                   "stages, ...",
                   &t);
  if (t.name().empty()) {
    throw CliError{kExitUsage,
                   absl::StrCat(source,
                                ": name is required (the template's "
                                "id, such as campaign-launch)")};
  }
  if (t.name().find('/') == std::string::npos) {
    t.set_name("workflowTemplates/" + t.name());
  }
  return t;
}

std::string TemplateYaml(const ::mops::v1::WorkflowTemplate& t) {
  ::mops::v1::WorkflowTemplate spec = t;
  spec.clear_latest_version();
  spec.clear_draft_changed();
  spec.clear_etag();
  spec.clear_create_time();
  spec.clear_update_time();
  spec.set_name(spec.name().substr(spec.name().find('/') + 1));
  return MessageYaml(spec, TemplateSyntax());
}

}  // namespace mops::cli

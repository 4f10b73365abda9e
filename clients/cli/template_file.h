// Workflow template files: YAML (or JSON, which is YAML) to
// ::mops::v1::WorkflowTemplate and back, through yaml-cpp and the protobuf JSON
// mapping, so a file has the API's field names and nothing else.
#ifndef MOPS_CLIENTS_CLI_TEMPLATE_FILE_H_
#define MOPS_CLIENTS_CLI_TEMPLATE_FILE_H_

#include <string>

#include "mops/v1/workflows.pb.h"

namespace mops::cli {

// Parses `text` (from `source`, for messages). Friendlier than the JSON
// mapping alone: `name` may be the bare id, enum values may be lower case
// (`type: money`), and a list of one may be written as its item
// (`after: brief`). Throws CliError (usage) naming the source and the
// problem.
::mops::v1::WorkflowTemplate ParseTemplateFile(const std::string& text,
                                               const std::string& source);

// The template as a YAML document that ParseTemplateFile reads back:
// output-only fields left out.
std::string TemplateYaml(const ::mops::v1::WorkflowTemplate& t);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_TEMPLATE_FILE_H_

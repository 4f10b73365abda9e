// Workflows' key spaces. Registered with storage by RegisterKeySpaces; every
// workflow key is built here.
#ifndef MOPS_SERVICES_WORKFLOWS_KEYS_H_
#define MOPS_SERVICES_WORKFLOWS_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::workflows::keys {

// template -> v1::WorkflowTemplate (the draft)
inline constexpr storage::KeySpace kTemplate{0x24, "workflow template",
                                             storage::Cf::kRecords};
// template, version -> v1::WorkflowTemplateVersion
inline constexpr storage::KeySpace kVersion{0x25, "workflow template version",
                                            storage::Cf::kRecords,
                                            storage::HeadShape::kFirstString};
// workflow -> v1::Workflow (a run)
inline constexpr storage::KeySpace kWorkflow{0x26, "workflow",
                                             storage::Cf::kRecords};
// template, workflow -> "" (the runs of a template)
inline constexpr storage::KeySpace kRunsByTemplate{
    0x89, "index of workflows by template", storage::Cf::kIndex,
    storage::HeadShape::kFirstString};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

std::string Template(absl::string_view id);
std::string TemplatePrefix();
std::string Version(absl::string_view template_id, int64_t version);
std::string VersionPrefix(absl::string_view template_id);
std::string Workflow(absl::string_view id);
std::string WorkflowPrefix();
std::string RunByTemplate(absl::string_view template_id,
                          absl::string_view workflow_id);
std::string RunsByTemplatePrefix(absl::string_view template_id);

}  // namespace mops::services::workflows::keys

#endif  // MOPS_SERVICES_WORKFLOWS_KEYS_H_

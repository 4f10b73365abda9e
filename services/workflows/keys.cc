#include "services/workflows/keys.h"

namespace mops::services::workflows::keys {

using storage::KeyBuilder;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  registry.Add(kTemplate);
  registry.Add(kVersion);
  registry.Add(kWorkflow);
  registry.Add(kRunsByTemplate);
}

std::string Template(absl::string_view id) {
  return KeyBuilder(kTemplate).Str(id).Build();
}
std::string TemplatePrefix() { return KeyBuilder(kTemplate).Build(); }

std::string Version(absl::string_view template_id, int64_t version) {
  // Complemented: a scan from the prefix reads the newest first.
  return KeyBuilder(kVersion)
      .Str(template_id)
      .U64(~static_cast<uint64_t>(version))
      .Build();
}
std::string VersionPrefix(absl::string_view template_id) {
  return KeyBuilder(kVersion).Str(template_id).Build();
}

std::string Workflow(absl::string_view id) {
  return KeyBuilder(kWorkflow).Str(id).Build();
}
std::string WorkflowPrefix() { return KeyBuilder(kWorkflow).Build(); }

std::string RunByTemplate(absl::string_view template_id,
                          absl::string_view workflow_id) {
  return KeyBuilder(kRunsByTemplate).Str(template_id).Str(workflow_id).Build();
}
std::string RunsByTemplatePrefix(absl::string_view template_id) {
  return KeyBuilder(kRunsByTemplate).Str(template_id).Build();
}

}  // namespace mops::services::workflows::keys

// What other domains read of projects and tasks (projects.h).
#include <string>
#include <utility>

#include "services/common/ids.h"
#include "services/common/validation.h"
#include "services/projects/keys.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

using namespace internal;  // NOLINT

absl::StatusOr<v1::Project> GetProject(const storage::Reader& reader,
                                       absl::string_view name) {
  ASSIGN_OR_RETURN(std::string id, ParseId("project", name, "projects/*"));
  return LoadProject(reader, id);
}

absl::StatusOr<bool> TaskIsOpen(const storage::Reader& reader,
                                absl::string_view name) {
  ASSIGN_OR_RETURN(auto ids, ParseTaskName("task", name));
  absl::StatusOr<v1::Task> t = LoadTask(reader, ids.first, ids.second);
  if (absl::IsNotFound(t.status())) return false;
  RETURN_IF_ERROR(t.status());
  return IsOpen(t->state());
}

absl::StatusOr<std::string> FreshTaskId(const storage::Reader& reader,
                                        absl::string_view project) {
  ASSIGN_OR_RETURN(std::string id, ParseId("project", project, "projects/*"));
  return FreshId(reader, storage::Cf::kRecords, 't',
                 [&](const std::string& i) { return keys::Task(id, i); });
}

}  // namespace mops::services::projects

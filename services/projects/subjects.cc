#include <algorithm>
#include <string>

#include "services/common/validation.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

using namespace internal;  // NOLINT

absl::Status CheckSubject(const storage::Reader& reader,
                          absl::string_view field, absl::string_view name) {
  if (std::count(name.begin(), name.end(), '/') == 1) {
    ASSIGN_OR_RETURN(std::string id, ParseId(field, name, "projects/*"));
    return SharedProject(reader, id).status();
  }
  ASSIGN_OR_RETURN(auto ids, ParseTaskName(field, name));
  return LoadTaskBytes(reader, ids.first, ids.second).status();
}

}  // namespace mops::services::projects

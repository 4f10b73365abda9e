#include "services/common/principal.h"

#include "absl/strings/str_cat.h"
#include "services/common/validation.h"

namespace mops::services {

void Principal::Stamp(mops::v1::Event* event) const {
  if (user_id.empty()) {
    event->set_actor("system");
  } else if (actor_id.empty()) {
    event->set_actor(UserName());
  } else {
    event->set_actor("users/" + actor_id);
    event->set_on_behalf_of(UserName());
  }
}

Principal Principal::System() {
  Principal p;
  p.admin = true;
  return p;
}

absl::Status RequireAdmin(const Principal& p, absl::string_view action) {
  if (p.admin) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "only admins may ", action, "; users/", p.user_id, " is not an admin"));
}

absl::StatusOr<std::string> ResolveUserId(const Principal& p,
                                          absl::string_view field,
                                          absl::string_view name) {
  if (name == "users/me") return p.user_id;
  return ParseId(field, name, "users/*");
}

}  // namespace mops::services

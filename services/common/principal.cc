#include "services/common/principal.h"

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

}  // namespace mops::services

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

mops::v1::Event Principal::NewEvent(absl::string_view type,
                                    absl::string_view subject) const {
  mops::v1::Event e;
  e.set_type(std::string(type));
  e.set_subject(std::string(subject));
  Stamp(&e);
  return e;
}

Principal Principal::System() {
  Principal p;
  p.admin = true;
  return p;
}

}  // namespace mops::services

// Who is calling, after authentication.
#ifndef MOPS_SERVICES_COMMON_PRINCIPAL_H_
#define MOPS_SERVICES_COMMON_PRINCIPAL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/v1/events.pb.h"
#include "mops/v1/identity.pb.h"

namespace mops::services {

struct Principal {
  // The effective user, whose permissions apply.
  std::string user_id;
  bool admin = false;
  mops::v1::User::Kind kind = mops::v1::User::PERSON;
  // Set when a bot acts on behalf of user_id: the bot's id.
  std::string actor_id;
  // "users/{user}/tokens/{token}" of the token used.
  std::string token_name;

  std::string UserName() const { return "users/" + user_id; }
  // The key under which request_ids are remembered: the bot and the user it
  // acts for are one caller.
  std::string RequestScope() const {
    return actor_id.empty() ? user_id : actor_id + ">" + user_id;
  }
  // Fills actor and on_behalf_of of an event.
  void Stamp(mops::v1::Event* event) const;

  // The principal for timers and bootstrap.
  static Principal System();
};

// PERMISSION_DENIED unless `p` is an admin; `action` completes "only admins
// may ...".
absl::Status RequireAdmin(const Principal& p, absl::string_view action);

// The user id of a "users/{user}" name; "users/me" is `p`.
absl::StatusOr<std::string> ResolveUserId(const Principal& p,
                                          absl::string_view field,
                                          absl::string_view name);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_PRINCIPAL_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "services/identity/commands/commands.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

constexpr absl::string_view kUpdatable[] = {"display_name", "email", "manager",
                                            "admin", "chat_handle"};

// Only admins change who manages whom, who is an admin and who is who in
// chat (a chat handle decides as its user through the chat bridge); users
// change their own name and email.
absl::Status RequireUpdater(const Principal& p, absl::string_view id,
                            const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if ((path == "manager" || path == "admin" || path == "chat_handle") &&
        !p.admin) {
      return absl::PermissionDeniedError(
          absl::StrCat("only admins may change user.", path));
    }
  }
  if (id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("users/", p.user_id,
                     " may update only their own user, not users/", id));
  }
  return absl::OkStatus();
}

// Sets `path` of *user (whose id is `id`) from `in`.
absl::Status SetPath(Txn& txn, const Principal& p, absl::string_view id,
                     const std::string& path, const v1::User& in,
                     v1::User* user) {
  if (path == "display_name") {
    if (in.display_name().empty()) {
      return absl::InvalidArgumentError("user.display_name must not be empty");
    }
    user->set_display_name(in.display_name());
  } else if (path == "email") {
    user->set_email(in.email());
  } else if (path == "manager") {
    if (in.manager().empty()) {
      user->clear_manager();
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::string manager,
                     ValidateManager(txn, in.manager(), id));
    user->set_manager(absl::StrCat("users/", manager));
  } else if (path == "admin") {
    if (id == p.user_id && !in.admin()) {
      return absl::FailedPreconditionError(
          "user.admin: an admin cannot remove their own admin role; ask "
          "another admin");
    }
    user->set_admin(in.admin());
  } else if (path == "chat_handle") {
    return SetChatHandle(txn, id, in.chat_handle(), user);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status UpdateUser::Validate(const Request& req) const {
  // "users/me" passes: it is the caller, known in Apply.
  RETURN_IF_ERROR(ParseId("user.name", req.user().name(), "users/*").status());
  RETURN_IF_ERROR(ValidateUserFields(req.user(), "user."));
  return UpdatePaths(req.update_mask(), req.user(), kUpdatable).status();
}

absl::Status UpdateUser::Apply(Txn& txn, const Principal& p, const Request& req,
                               Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ResolveUserId(p, "user.name", req.user().name()));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), req.user(), kUpdatable));
  RETURN_IF_ERROR(RequireUpdater(p, id, paths));
  ASSIGN_OR_RETURN(v1::User user, LoadUser(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.user().etag(), user.etag(), user.name()));
  for (const std::string& path : paths) {
    RETURN_IF_ERROR(SetPath(txn, p, id, path, req.user(), &user));
  }
  SaveUser(txn, id, &user);
  v1::Event e;
  *e.mutable_user_updated()->mutable_user() = user;
  for (const std::string& path : paths) {
    e.mutable_user_updated()->add_fields(path);
  }
  Emit(txn, p, user.name(), std::move(e));
  *out = std::move(user);
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

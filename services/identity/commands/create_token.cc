#include "absl/strings/str_cat.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/commands/commands.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CreateToken::Validate(const Request& req) const {
  // "users/me" passes: it is the caller, known in Apply.
  RETURN_IF_ERROR(ParseId("parent", req.parent(), "users/*").status());
  return ValidateLength("display_name", req.display_name(),
                        kMaxDisplayNameLength);
}

absl::Status CreateToken::Apply(Txn& txn, const Principal& p,
                                const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ResolveUserId(p, "parent", req.parent()));
  if (!p.actor_id.empty()) {
    // A token would let the bot act as the user without its grant.
    return absl::PermissionDeniedError(
        "tokens cannot be created on behalf of another user");
  }
  if (id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "users/", p.user_id, " may create tokens only for themselves"));
  }
  if (req.has_expire_time() && FromProtoTime(req.expire_time()) <= txn.Now()) {
    return absl::InvalidArgumentError("expire_time must be in the future");
  }
  ASSIGN_OR_RETURN(auto user, SharedUser(txn, id));
  if (user->state() != v1::User::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("parent: ", user->name(), " is deactivated"));
  }
  *out = PutToken(txn, p, id, TokenCredential::Generate(), req.display_name(),
                  req.has_expire_time() ? &req.expire_time() : nullptr);
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

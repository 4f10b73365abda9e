#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/identity/commands/commands.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CreateUser::Validate(const Request& req) const {
  RETURN_IF_ERROR(ValidateNewUserId(req.user_id()));
  return ValidateUserFields(req.user(), "user.");
}

absl::Status CreateUser::Apply(Txn& txn, const Principal& p, const Request& req,
                               Response* out) const {
  RETURN_IF_ERROR(RequireAdmin(p, "create users"));
  ASSIGN_OR_RETURN(auto existing,
                   txn.Get(Cf::kRecords, keys::User(req.user_id())));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat("user \"users/", req.user_id(), "\" already exists"));
  }
  const v1::User& in = req.user();
  const v1::User::Kind kind =
      in.kind() == v1::User::KIND_UNSPECIFIED ? v1::User::PERSON : in.kind();
  v1::User& user = *out;
  user = NewUser(req.user_id(),
                 in.display_name().empty() ? req.user_id() : in.display_name(),
                 kind, in.admin(), txn.Now(), txn.revision());
  user.set_email(in.email());
  if (!in.manager().empty()) {
    ASSIGN_OR_RETURN(std::string manager,
                     ValidateManager(txn, in.manager(), req.user_id()));
    user.set_manager(absl::StrCat("users/", manager));
  }
  RETURN_IF_ERROR(SetChatHandle(txn, req.user_id(), in.chat_handle(), &user));
  txn.PutProto(Cf::kRecords, keys::User(req.user_id()), user);
  v1::Event e;
  *e.mutable_user_created()->mutable_user() = user;
  Emit(txn, p, user.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity {

using storage::Cf;
using storage::Reader;
using storage::Txn;

absl::StatusOr<std::shared_ptr<const v1::User>> SharedUser(
    const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto v,
                   reader.GetShared<v1::User>(Cf::kRecords, keys::User(id)));
  if (v == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("user \"users/", id, "\" not found"));
  }
  return v;
}

absl::StatusOr<v1::User> LoadUser(const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto v, SharedUser(reader, id));
  return *v;
}

namespace internal {

absl::Status ValidateNewUserId(absl::string_view id) {
  RETURN_IF_ERROR(ValidateId("user_id", id));
  if (id == "me") {
    return absl::InvalidArgumentError(
        "user_id \"me\" is reserved: users/me names the caller");
  }
  return absl::OkStatus();
}

absl::Status ValidateUserFields(const v1::User& user,
                                absl::string_view prefix) {
  RETURN_IF_ERROR(ValidateLength(absl::StrCat(prefix, "display_name"),
                                 user.display_name(), kMaxDisplayNameLength));
  for (char c : user.chat_handle()) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-' &&
        c != '@') {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix,
          "chat_handle: only letters, digits, '.', '_', '-' and '@' "
          "(a Slack member ID such as U012AB3CD)"));
    }
  }
  return ValidateEmail(absl::StrCat(prefix, "email"), user.email());
}

absl::Status SetChatHandle(Txn& txn, absl::string_view id,
                           const std::string& handle, v1::User* user) {
  if (user->chat_handle() == handle) return absl::OkStatus();
  if (!handle.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> owner,
                     FindChatHandle(txn, handle));
    if (owner && *owner != id) {
      return absl::AlreadyExistsError(
          absl::StrCat("user.chat_handle: \"", handle, "\" is users/", *owner,
                       "'s already; clear it there first"));
    }
    txn.Put(Cf::kIndex, keys::IdxChatHandle(handle), id);
  }
  if (!user->chat_handle().empty()) {
    txn.Delete(Cf::kIndex, keys::IdxChatHandle(user->chat_handle()));
  }
  user->set_chat_handle(handle);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> FindChatHandle(
    const Reader& reader, absl::string_view handle) {
  return reader.Get(Cf::kIndex, keys::IdxChatHandle(handle));
}

absl::StatusOr<std::string> ValidateManager(const Reader& reader,
                                            absl::string_view manager,
                                            absl::string_view self) {
  ASSIGN_OR_RETURN(std::string id, ParseId("user.manager", manager, "users/*"));
  if (id == self) {
    return absl::InvalidArgumentError(
        "user.manager: a user cannot manage themselves");
  }
  RETURN_IF_ERROR(LoadUser(reader, id).status());
  return id;
}

v1::User NewUser(absl::string_view id, absl::string_view display_name,
                 v1::User::Kind kind, bool admin, absl::Time now,
                 uint64_t revision) {
  v1::User user;
  user.set_name(absl::StrCat("users/", id));
  user.set_display_name(std::string(display_name));
  user.set_kind(kind);
  user.set_state(v1::User::ACTIVE);
  user.set_admin(admin);
  user.set_etag(EtagOf(revision));
  *user.mutable_create_time() = ToProtoTime(now);
  *user.mutable_update_time() = ToProtoTime(now);
  return user;
}

void SaveUser(Txn& txn, absl::string_view id, v1::User* user) {
  user->set_etag(EtagOf(txn.revision()));
  *user->mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::User(id), *user);
}

}  // namespace internal
}  // namespace mops::services::identity

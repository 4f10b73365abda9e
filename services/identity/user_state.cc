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
  return ValidateEmail(absl::StrCat(prefix, "email"), user.email());
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

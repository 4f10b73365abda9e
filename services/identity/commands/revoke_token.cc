#include "absl/strings/str_cat.h"
#include "services/common/events.h"
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

absl::Status RevokeToken::Validate(const Request& req) const {
  return ParseName("name", req.name(), "users/*/tokens/*").status();
}

absl::Status RevokeToken::Apply(Txn& txn, const Principal& p,
                                const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(auto ids, ParseName("name", req.name(), "users/*/tokens/*"));
  const std::string user_id = ids[0] == "me" ? p.user_id : ids[0];
  if (user_id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("users/", p.user_id, " may revoke only their own tokens"));
  }
  mops::internal::v1::TokenRecord record;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(Cf::kRecords, keys::Token(user_id, ids[1]), &record));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("token \"", req.name(), "\" not found"));
  }
  if (record.token().state() != v1::Token::REVOKED) {
    record.mutable_token()->set_state(v1::Token::REVOKED);
    *record.mutable_token()->mutable_revoke_time() = ToProtoTime(txn.Now());
    txn.PutProto(Cf::kRecords, keys::Token(user_id, ids[1]), record);
    v1::Event e;
    *e.mutable_token_revoked()->mutable_token() = record.token();
    Emit(txn, p, record.token().name(), std::move(e));
  }
  *out = record.token();
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

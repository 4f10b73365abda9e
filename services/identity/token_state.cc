#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/identity/identity.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"

namespace mops::services::identity {

using mops::internal::v1::TokenRecord;
using storage::Cf;
using storage::Txn;

TokenCredential TokenCredential::Generate() {
  // Ids start with a letter so they are valid resource ids.
  return {"t" + HexEncode(RandomBytes(8)).substr(1),
          HexEncode(RandomBytes(32))};
}

std::string TokenCredential::Bearer() const {
  return absl::StrCat("mops_", id, "_", secret);
}

namespace internal {

std::string TokenName(absl::string_view user, absl::string_view id) {
  return absl::StrCat("users/", user, "/tokens/", id);
}

v1::Token EffectiveToken(v1::Token token, absl::Time now) {
  if (token.state() == v1::Token::ACTIVE && token.has_expire_time() &&
      FromProtoTime(token.expire_time()) <= now) {
    token.set_state(v1::Token::EXPIRED);
  }
  return token;
}

v1::CreateTokenResponse PutToken(
    Txn& txn, const Principal& p, absl::string_view user,
    const TokenCredential& cred, absl::string_view display_name,
    const google::protobuf::Timestamp* expire_time) {
  TokenRecord record;
  v1::Token* token = record.mutable_token();
  token->set_name(TokenName(user, cred.id));
  token->set_display_name(std::string(display_name));
  token->set_state(v1::Token::ACTIVE);
  *token->mutable_create_time() = ToProtoTime(txn.Now());
  if (expire_time != nullptr) {
    *token->mutable_expire_time() = *expire_time;
    mops::internal::v1::TimerRecord timer;
    timer.set_kind(kTokenExpireTimer);
    timer.set_target(token->name());
    txn.SetTimer(FromProtoTime(*expire_time), timer);
  }
  record.set_secret_hash(Sha256(cred.secret));
  txn.PutProto(Cf::kRecords, keys::Token(user, cred.id), record);
  txn.Put(Cf::kIndex, keys::IdxTokenId(cred.id), user);
  v1::Event e;
  *e.mutable_token_created()->mutable_token() = *token;
  Emit(txn, p, token->name(), std::move(e));
  v1::CreateTokenResponse resp;
  *resp.mutable_token() = *token;
  resp.set_secret(cred.Bearer());
  return resp;
}

}  // namespace internal
}  // namespace mops::services::identity

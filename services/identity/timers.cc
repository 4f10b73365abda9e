#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::internal {

using mops::internal::v1::TokenRecord;
using storage::Cf;

absl::Status ExpireToken(storage::Txn& txn,
                         const mops::internal::v1::TimerRecord& timer) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("token", timer.target(), "users/*/tokens/*"));
  TokenRecord record;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(Cf::kRecords, keys::Token(ids[0], ids[1]), &record));
  if (!found || record.token().state() != v1::Token::ACTIVE) {
    return absl::OkStatus();  // revoked meanwhile: nothing to do
  }
  record.mutable_token()->set_state(v1::Token::EXPIRED);
  txn.PutProto(Cf::kRecords, keys::Token(ids[0], ids[1]), record);
  v1::Event e;
  *e.mutable_token_expired()->mutable_token() = record.token();
  Emit(txn, Principal::System(), record.token().name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::internal

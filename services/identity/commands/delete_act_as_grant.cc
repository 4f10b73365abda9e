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

absl::Status DeleteActAsGrant::Validate(const Request& req) const {
  return ParseName("name", req.name(), "users/*/actAsGrants/*",
                   /*allow_wildcard=*/true)
      .status();
}

absl::Status DeleteActAsGrant::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response*) const {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "users/*/actAsGrants/*",
                             /*allow_wildcard=*/true));
  RETURN_IF_ERROR(RequireAdmin(p, "revoke on-behalf-of access"));
  v1::Event e;
  ASSIGN_OR_RETURN(bool found,
                   txn.GetProto(Cf::kRecords, keys::ActAsGrant(ids[0], ids[1]),
                                e.mutable_grant_deleted()->mutable_grant()));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("grant \"", req.name(), "\" not found"));
  }
  txn.Delete(Cf::kRecords, keys::ActAsGrant(ids[0], ids[1]));
  Emit(txn, p, req.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

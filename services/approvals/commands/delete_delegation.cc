#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/keys.h"
#include "services/approvals/state.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status DeleteDelegation::Validate(const Request& req) const {
  return ParseName("name", req.name(), "users/*/delegations/*").status();
}

absl::Status DeleteDelegation::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response*) const {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "users/*/delegations/*"));
  if (ids[0] != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "users/", p.user_id, " may delete only their own delegations"));
  }
  v1::Delegation d;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(Cf::kRecords, keys::Delegation(ids[0], ids[1]), &d));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("delegation \"", req.name(), "\" not found"));
  }
  txn.Delete(Cf::kRecords, keys::Delegation(ids[0], ids[1]));
  txn.Delete(Cf::kIndex,
             keys::IdxDelegateOfRow(IdOf(d.delegate()), ids[0], ids[1]));
  v1::Event e;
  *e.mutable_delegation_deleted()->mutable_delegation() = d;
  Emit(txn, p, d.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::commands

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

absl::Status DeactivateUser::Validate(const Request& req) const {
  return ParseId("name", req.name(), "users/*").status();
}

absl::Status DeactivateUser::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "users/*"));
  RETURN_IF_ERROR(RequireAdmin(p, "deactivate users"));
  if (id == p.user_id) {
    return absl::FailedPreconditionError(
        "name: you cannot deactivate yourself; ask another admin");
  }
  ASSIGN_OR_RETURN(*out, LoadUser(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.etag(), out->etag(), out->name()));
  if (out->state() == v1::User::DEACTIVATED) return absl::OkStatus();
  out->set_state(v1::User::DEACTIVATED);
  SaveUser(txn, id, out);
  v1::Event e;
  *e.mutable_user_deactivated()->mutable_user() = *out;
  Emit(txn, p, out->name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

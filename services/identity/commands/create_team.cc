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

absl::Status CreateTeam::Validate(const Request& req) const {
  RETURN_IF_ERROR(ValidateId("team_id", req.team_id()));
  return ValidateTeamFields(req.team(), "team.");
}

absl::Status CreateTeam::Apply(Txn& txn, const Principal& p, const Request& req,
                               Response* out) const {
  RETURN_IF_ERROR(RequireAdmin(p, "create teams"));
  ASSIGN_OR_RETURN(auto existing,
                   txn.Get(Cf::kRecords, keys::Team(req.team_id())));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat("team \"teams/", req.team_id(), "\" already exists"));
  }
  *out = NewTeam(req.team_id(),
                 req.team().display_name().empty() ? req.team_id()
                                                   : req.team().display_name(),
                 req.team().description(), txn.Now(), txn.revision());
  txn.PutProto(Cf::kRecords, keys::Team(req.team_id()), *out);
  v1::Event e;
  *e.mutable_team_created()->mutable_team() = *out;
  Emit(txn, p, out->name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

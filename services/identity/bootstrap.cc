#include "services/common/events.h"
#include "services/identity/identity.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace mops::services::identity {

using storage::Cf;
using storage::Reader;
using storage::Txn;
using namespace internal;  // NOLINT

absl::StatusOr<bool> IsBootstrapped(const Reader& reader) {
  ASSIGN_OR_RETURN(auto v,
                   reader.Get(Cf::kMeta, storage::keys::MetaBootstrapped()));
  return v.has_value();
}

absl::StatusOr<bool> Bootstrap(Txn& txn, const TokenCredential& admin_token) {
  ASSIGN_OR_RETURN(bool done, IsBootstrapped(txn));
  if (done) return false;
  Principal system = Principal::System();
  for (const auto& [id, display] : kSeedTeams) {
    v1::Team team = NewTeam(id, display, "", txn.Now(), txn.revision());
    txn.PutProto(Cf::kRecords, keys::Team(id), team);
    v1::Event e;
    *e.mutable_team_created()->mutable_team() = team;
    Emit(txn, system, team.name(), std::move(e));
  }
  v1::User admin = NewUser(kAdminUser, "Administrator", v1::User::PERSON,
                           /*admin=*/true, txn.Now(), txn.revision());
  txn.PutProto(Cf::kRecords, keys::User(kAdminUser), admin);
  v1::Event e;
  *e.mutable_user_created()->mutable_user() = admin;
  Emit(txn, system, admin.name(), std::move(e));
  PutToken(txn, system, kAdminUser, admin_token, "created at first start",
           nullptr);
  txn.Put(Cf::kMeta, storage::keys::MetaBootstrapped(), "1");
  return true;
}

}  // namespace mops::services::identity

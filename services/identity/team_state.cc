#include "absl/strings/str_cat.h"
#include "services/common/pagination.h"
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

absl::StatusOr<std::shared_ptr<const v1::Team>> SharedTeam(
    const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto v,
                   reader.GetShared<v1::Team>(Cf::kRecords, keys::Team(id)));
  if (v == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("team \"teams/", id, "\" not found"));
  }
  return v;
}

absl::StatusOr<v1::Team> LoadTeam(const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto v, SharedTeam(reader, id));
  return *v;
}

absl::StatusOr<std::optional<v1::Membership>> LoadMembership(
    const Reader& reader, absl::string_view team, absl::string_view user) {
  v1::Membership m;
  ASSIGN_OR_RETURN(bool found, reader.GetProto(Cf::kRecords,
                                               keys::Membership(team, user), &m,
                                               /*hot=*/true));
  if (!found) return std::nullopt;
  return m;
}

absl::StatusOr<std::vector<v1::Membership>> ListMembers(const Reader& reader,
                                                        absl::string_view id) {
  return ReadAll<v1::Membership>(reader, Cf::kRecords,
                                 keys::MembershipPrefix(id));
}

namespace internal {

absl::Status RequireAdminOrLead(const Reader& reader, const Principal& p,
                                absl::string_view team,
                                absl::string_view action) {
  if (p.admin) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto m, LoadMembership(reader, team, p.user_id));
  if (m && m->role() == v1::Membership::LEAD) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only admins and leads of teams/", team, " may ", action,
                   "; users/", p.user_id, " is neither"));
}

absl::Status ValidateTeamFields(const v1::Team& team,
                                absl::string_view prefix) {
  RETURN_IF_ERROR(ValidateLength(absl::StrCat(prefix, "display_name"),
                                 team.display_name(), kMaxDisplayNameLength));
  return ValidateLength(absl::StrCat(prefix, "description"), team.description(),
                        kMaxDescriptionLength);
}

absl::Status ValidateRole(v1::Membership::Role role) {
  if (role == v1::Membership::MEMBER || role == v1::Membership::LEAD) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("role must be MEMBER or LEAD");
}

v1::Team NewTeam(absl::string_view id, absl::string_view display_name,
                 absl::string_view description, absl::Time now,
                 uint64_t revision) {
  v1::Team team;
  team.set_name(absl::StrCat("teams/", id));
  team.set_display_name(std::string(display_name));
  team.set_description(std::string(description));
  team.set_etag(EtagOf(revision));
  *team.mutable_create_time() = ToProtoTime(now);
  *team.mutable_update_time() = ToProtoTime(now);
  return team;
}

void SaveTeam(Txn& txn, absl::string_view id, v1::Team* team) {
  team->set_etag(EtagOf(txn.revision()));
  *team->mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Team(id), *team);
}

}  // namespace internal
}  // namespace mops::services::identity

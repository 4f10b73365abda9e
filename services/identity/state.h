// Load and save of users, teams and tokens, and the checks that several
// commands and queries share. Internal to the identity domain.
#ifndef MOPS_SERVICES_IDENTITY_STATE_H_
#define MOPS_SERVICES_IDENTITY_STATE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/identity.pb.h"
#include "services/common/principal.h"
#include "services/identity/identity.h"
#include "storage/engine.h"

namespace mops::services::identity::internal {

// ---- teams

// PERMISSION_DENIED unless `p` is an admin or a lead of `team` (an id);
// `action` completes "only admins and leads of teams/x may ...".
absl::Status RequireAdminOrLead(const storage::Reader& reader,
                                const Principal& p, absl::string_view team,
                                absl::string_view action);
// Lengths of the fields a create or an update sets; `prefix` is "team.".
absl::Status ValidateTeamFields(const v1::Team& team, absl::string_view prefix);
// MEMBER or LEAD.
absl::Status ValidateRole(v1::Membership::Role role);
v1::Team NewTeam(absl::string_view id, absl::string_view display_name,
                 absl::string_view description, absl::Time now,
                 uint64_t revision);
// Saves a changed team with a fresh etag and update time.
void SaveTeam(storage::Txn& txn, absl::string_view id, v1::Team* team);

// ---- users

// A new user's id: an id, and not "me" (users/me names the caller).
absl::Status ValidateNewUserId(absl::string_view id);
// Lengths and formats of the fields a create or an update sets.
absl::Status ValidateUserFields(const v1::User& user, absl::string_view prefix);
// The id of `manager` ("users/{user}"), an existing user other than `self`.
absl::StatusOr<std::string> ValidateManager(const storage::Reader& reader,
                                            absl::string_view manager,
                                            absl::string_view self);
v1::User NewUser(absl::string_view id, absl::string_view display_name,
                 v1::User::Kind kind, bool admin, absl::Time now,
                 uint64_t revision);
// Gives *user (of `id`) the chat handle (empty: none), which no other user
// may have (ALREADY_EXISTS naming who has it), and keeps the index of
// handles; the caller saves the user.
absl::Status SetChatHandle(storage::Txn& txn, absl::string_view id,
                           const std::string& handle, v1::User* user);
// The id of the user with the chat handle, if any.
absl::StatusOr<std::optional<std::string>> FindChatHandle(
    const storage::Reader& reader, absl::string_view handle);
// Saves a changed user with a fresh etag and update time.
void SaveUser(storage::Txn& txn, absl::string_view id, v1::User* user);

// ---- tokens

std::string TokenName(absl::string_view user, absl::string_view id);
// The token as of `now`: an active token past its expiry time is EXPIRED.
v1::Token EffectiveToken(v1::Token token, absl::Time now);
// Stores a new token of `user` (its secret only as a hash), with its expiry
// timer when `expire_time` is set, and says so in the feed. The answer holds
// the bearer secret.
v1::CreateTokenResponse PutToken(
    storage::Txn& txn, const Principal& p, absl::string_view user,
    const TokenCredential& cred, absl::string_view display_name,
    const google::protobuf::Timestamp* expire_time);
// The token.expire timer: marks the token expired and says so in the feed.
absl::Status ExpireToken(storage::Txn& txn,
                         const mops::internal::v1::TimerRecord& timer);

}  // namespace mops::services::identity::internal

#endif  // MOPS_SERVICES_IDENTITY_STATE_H_

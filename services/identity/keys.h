// Identity's key spaces: users, teams, memberships, tokens, act-as grants,
// and the user-teams and token-id indexes. Registered with storage by
// RegisterKeySpaces; every identity key is built here.
#ifndef MOPS_SERVICES_IDENTITY_KEYS_H_
#define MOPS_SERVICES_IDENTITY_KEYS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::identity::keys {

inline constexpr storage::KeySpace kUser{0x10, "user", storage::Cf::kRecords};
inline constexpr storage::KeySpace kTeam{0x11, "team", storage::Cf::kRecords};
inline constexpr storage::KeySpace kMembership{
    0x12, "membership", storage::Cf::kRecords,
    storage::HeadShape::kFirstString};  // team, user
inline constexpr storage::KeySpace kToken{
    0x13, "token", storage::Cf::kRecords,
    storage::HeadShape::kFirstString};  // user, token id
// bot, user ("-" = any)
inline constexpr storage::KeySpace kActAsGrant{
    0x14, "act-as grant", storage::Cf::kRecords,
    storage::HeadShape::kFirstString};
// user, team: the teams of a user (key-only)
inline constexpr storage::KeySpace kIdxUserTeams{
    0x80, "index of teams by user", storage::Cf::kIndex,
    storage::HeadShape::kFirstString, "index.user_teams"};
// token id -> owner's user id
inline constexpr storage::KeySpace kIdxTokenId{
    0x81, "index of tokens by id", storage::Cf::kIndex,
    storage::HeadShape::kPrefix, "index.token_id"};

// chat handle -> user id
inline constexpr storage::KeySpace kIdxChatHandle{
    0x88, "index of users by chat handle", storage::Cf::kIndex,
    storage::HeadShape::kPrefix};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

std::string User(absl::string_view user);
std::string UserPrefix();
std::string Team(absl::string_view team);
std::string TeamPrefix();
std::string Membership(absl::string_view team, absl::string_view user);
std::string MembershipPrefix(absl::string_view team);
std::string Token(absl::string_view user, absl::string_view token_id);
std::string TokenPrefix(absl::string_view user);
std::string ActAsGrant(absl::string_view bot, absl::string_view user);
std::string ActAsGrantPrefix(absl::string_view bot);

std::string IdxUserTeam(absl::string_view user, absl::string_view team);
std::string IdxUserTeamPrefix(absl::string_view user);
// Returns the team of an IdxUserTeam key.
std::optional<std::string> TeamOfIdxUserTeam(absl::string_view key);
// Its value is the owner's user id: authentication is one point lookup.
std::string IdxTokenId(absl::string_view token_id);
// Its value is the user id.
std::string IdxChatHandle(absl::string_view handle);

}  // namespace mops::services::identity::keys

#endif  // MOPS_SERVICES_IDENTITY_KEYS_H_

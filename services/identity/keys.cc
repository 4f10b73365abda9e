#include "services/identity/keys.h"

namespace mops::services::identity::keys {

using storage::KeyBuilder;
using storage::KeyReader;
using storage::KeySpace;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  for (const KeySpace& space : {kUser, kTeam, kMembership, kToken, kActAsGrant,
                                kIdxUserTeams, kIdxTokenId, kIdxChatHandle}) {
    registry.Add(space);
  }
}

std::string User(absl::string_view user) {
  return KeyBuilder(kUser).Str(user).Build();
}
std::string UserPrefix() { return KeyBuilder(kUser).Build(); }
std::string Team(absl::string_view team) {
  return KeyBuilder(kTeam).Str(team).Build();
}
std::string TeamPrefix() { return KeyBuilder(kTeam).Build(); }
std::string Membership(absl::string_view team, absl::string_view user) {
  return KeyBuilder(kMembership).Str(team).Str(user).Build();
}
std::string MembershipPrefix(absl::string_view team) {
  return KeyBuilder(kMembership).Str(team).Build();
}
std::string Token(absl::string_view user, absl::string_view token_id) {
  return KeyBuilder(kToken).Str(user).Str(token_id).Build();
}
std::string TokenPrefix(absl::string_view user) {
  return KeyBuilder(kToken).Str(user).Build();
}
std::string ActAsGrant(absl::string_view bot, absl::string_view user) {
  return KeyBuilder(kActAsGrant).Str(bot).Str(user).Build();
}
std::string ActAsGrantPrefix(absl::string_view bot) {
  return KeyBuilder(kActAsGrant).Str(bot).Build();
}

std::string IdxUserTeam(absl::string_view user, absl::string_view team) {
  return KeyBuilder(kIdxUserTeams).Str(user).Str(team).Build();
}
std::string IdxUserTeamPrefix(absl::string_view user) {
  return KeyBuilder(kIdxUserTeams).Str(user).Build();
}
std::optional<std::string> TeamOfIdxUserTeam(absl::string_view key) {
  KeyReader r(key);
  if (!r.In(kIdxUserTeams) || !r.Str()) return std::nullopt;
  return r.Str();
}
std::string IdxTokenId(absl::string_view token_id) {
  return KeyBuilder(kIdxTokenId).Str(token_id).Build();
}

std::string IdxChatHandle(absl::string_view handle) {
  return KeyBuilder(kIdxChatHandle).Str(handle).Build();
}

}  // namespace mops::services::identity::keys

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity {

using mops::internal::v1::TokenRecord;
using storage::Cf;
using storage::Reader;

absl::StatusOr<std::pair<std::string, std::string>> ParseBearer(
    absl::string_view bearer) {
  std::vector<absl::string_view> parts = absl::StrSplit(bearer, '_');
  if (parts.size() != 3 || parts[0] != "mops" || parts[1].size() != 16 ||
      parts[2].empty()) {
    return absl::UnauthenticatedError(
        "the bearer token is malformed; expected mops_<id>_<secret>");
  }
  return std::make_pair(std::string(parts[1]), std::string(parts[2]));
}

absl::StatusOr<TokenIdentity> AuthenticateToken(const Reader& reader,
                                                absl::Time now,
                                                absl::string_view bearer) {
  ASSIGN_OR_RETURN(auto parsed, ParseBearer(bearer));
  const std::string& id = parsed.first;
  const std::string& secret = parsed.second;
  ASSIGN_OR_RETURN(std::optional<std::string> owner,
                   reader.Get(Cf::kIndex, keys::IdxTokenId(id)));
  TokenRecord record;
  bool found = false;
  if (owner) {
    ASSIGN_OR_RETURN(
        found, reader.GetProto(Cf::kRecords, keys::Token(*owner, id), &record));
  }
  if (!found || !ConstantTimeEquals(record.secret_hash(), Sha256(secret))) {
    return absl::UnauthenticatedError("unknown token");
  }
  const v1::Token token = internal::EffectiveToken(record.token(), now);
  if (token.state() == v1::Token::REVOKED) {
    return absl::UnauthenticatedError(
        absl::StrCat("token ", token.name(), " was revoked"));
  }
  if (token.state() == v1::Token::EXPIRED) {
    return absl::UnauthenticatedError(
        absl::StrCat("token ", token.name(), " has expired"));
  }
  ASSIGN_OR_RETURN(v1::User user, LoadUser(reader, *owner));
  if (user.state() != v1::User::ACTIVE) {
    return absl::UnauthenticatedError(
        absl::StrCat(user.name(), " is deactivated"));
  }
  TokenIdentity out;
  out.principal.user_id = *owner;
  out.principal.admin = user.admin();
  out.principal.kind = user.kind();
  out.principal.token_name = token.name();
  if (token.has_expire_time())
    out.expire_time = FromProtoTime(token.expire_time());
  return out;
}

absl::StatusOr<Principal> ActOnBehalf(const Reader& reader,
                                      const Principal& bot,
                                      absl::string_view on_behalf_of) {
  const std::string* owner = &bot.user_id;
  const std::string bot_name = bot.UserName();
  if (bot.kind != v1::User::BOT) {
    return absl::PermissionDeniedError(
        "x-mops-on-behalf-of: only bots may act on behalf of users");
  }
  absl::StatusOr<std::string> target_or =
      ParseId("x-mops-on-behalf-of", on_behalf_of, "users/*");
  if (!target_or.ok()) {
    return absl::PermissionDeniedError(target_or.status().message());
  }
  const std::string& target = *target_or;
  bool granted = false;
  for (absl::string_view grant_user :
       {absl::string_view(target), absl::string_view("-")}) {
    ASSIGN_OR_RETURN(
        auto row,
        reader.Get(Cf::kRecords, keys::ActAsGrant(*owner, grant_user)));
    granted = granted || row.has_value();
  }
  if (!granted) {
    return absl::PermissionDeniedError(
        absl::StrCat("x-mops-on-behalf-of: ", bot_name,
                     " has no grant to act on behalf of users/", target,
                     "; an admin can grant it with CreateActAsGrant"));
  }
  absl::StatusOr<v1::User> target_user = LoadUser(reader, target);
  if (!target_user.ok() || target_user->state() != v1::User::ACTIVE ||
      target_user->kind() != v1::User::PERSON) {
    return absl::PermissionDeniedError(
        absl::StrCat("x-mops-on-behalf-of: users/", target,
                     " is not an active person that a bot may act for"));
  }
  Principal acting;
  acting.user_id = target;
  acting.admin = target_user->admin();
  acting.kind = target_user->kind();
  acting.actor_id = *owner;
  acting.token_name = bot.token_name;
  return acting;
}

}  // namespace mops::services::identity

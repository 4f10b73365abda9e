#include "services/identity/queries.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/pagination.h"
#include "services/common/validation.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::queries {

using mops::internal::v1::TokenRecord;
using storage::Cf;
using storage::Reader;
using namespace internal;  // NOLINT

absl::Status WhoAmI::Run(const Reader& reader, const Principal& p,
                         const Request&, Response* out) const {
  ASSIGN_OR_RETURN(*out->mutable_user(), LoadUser(reader, p.user_id));
  if (!p.actor_id.empty()) out->set_actor(absl::StrCat("users/", p.actor_id));
  out->set_token(p.token_name);
  std::vector<std::string> teams;
  RETURN_IF_ERROR(reader.Scan(Cf::kIndex, keys::IdxUserTeamPrefix(p.user_id),
                              "",
                              [&](absl::string_view key, absl::string_view) {
                                if (auto t = keys::TeamOfIdxUserTeam(key)) {
                                  teams.push_back(*t);
                                }
                                return true;
                              }));
  for (const std::string& team : teams) {
    ASSIGN_OR_RETURN(auto m, LoadMembership(reader, team, p.user_id));
    if (m) *out->add_memberships() = *std::move(m);
  }
  return absl::OkStatus();
}

absl::Status GetTeam::Run(const Reader& reader, const Principal&,
                          const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "teams/*"));
  ASSIGN_OR_RETURN(*out, LoadTeam(reader, id));
  return absl::OkStatus();
}

absl::Status ListTeams::Run(const Reader& reader, const Principal&,
                            const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::TeamPrefix(), req.page_size(),
               req.page_token(), out->mutable_teams()));
  return absl::OkStatus();
}

absl::Status ListTeamMembers::Run(const Reader& reader, const Principal&,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string team_id,
                   ParseId("parent", req.parent(), "teams/*"));
  RETURN_IF_ERROR(SharedTeam(reader, team_id).status());
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::MembershipPrefix(team_id),
               req.page_size(), req.page_token(), out->mutable_members()));
  return absl::OkStatus();
}

absl::Status GetUser::Run(const Reader& reader, const Principal& p,
                          const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ResolveUserId(p, "name", req.name()));
  ASSIGN_OR_RETURN(*out, LoadUser(reader, id));
  return absl::OkStatus();
}

absl::Status ListUsers::Run(const Reader& reader, const Principal&,
                            const Request& req, Response* out) const {
  if (!req.chat_handle().empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> id,
                     FindChatHandle(reader, req.chat_handle()));
    if (id) {
      ASSIGN_OR_RETURN(std::shared_ptr<const v1::User> user,
                       SharedUser(reader, *id));
      *out->add_users() = *user;
    }
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::UserPrefix(), req.page_size(),
               req.page_token(), out->mutable_users()));
  return absl::OkStatus();
}

absl::Status ListTokens::Run(const Reader& reader, const Principal& p,
                             const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ResolveUserId(p, "parent", req.parent()));
  if (id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("users/", p.user_id, " may list only their own tokens"));
  }
  RETURN_IF_ERROR(SharedUser(reader, id).status());
  const std::string prefix = keys::TokenPrefix(id);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(req.page_size(), req.page_token(), prefix));
  std::vector<TokenRecord> records;
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ReadPage<TokenRecord>(reader, Cf::kRecords, prefix, page, &records));
  const absl::Time now = clock->Now();
  for (const TokenRecord& r : records) {
    *out->add_tokens() = EffectiveToken(r.token(), now);  // never the hash
  }
  return absl::OkStatus();
}

absl::Status ListActAsGrants::Run(const Reader& reader, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string bot_id,
                   ResolveUserId(p, "parent", req.parent()));
  if (bot_id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(
        "only admins may list another user's grants");
  }
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::ActAsGrantPrefix(bot_id),
               req.page_size(), req.page_token(), out->mutable_grants()));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::queries

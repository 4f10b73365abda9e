#include "services/identity/identity.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "mops/internal/v1/records.pb.h"
#include "services/calendars/keys.h"
#include "services/common/crypto.h"
#include "services/common/pagination.h"
#include "services/common/request_log.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/keys.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace mops::services::identity {
namespace {

using mops::internal::v1::TokenRecord;
using storage::Cf;
using storage::Reader;
using storage::Txn;

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

std::vector<std::string> MaskPaths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

absl::Status CheckMask(const std::vector<std::string>& paths,
                       const std::set<std::string>& allowed) {
  for (const std::string& path : paths) {
    if (!allowed.count(path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask: path \"", path,
          "\" cannot be updated; allowed: ", absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTeamFields(const v1::Team& team,
                                absl::string_view prefix) {
  RETURN_IF_ERROR(ValidateLength(absl::StrCat(prefix, "display_name"),
                                 team.display_name(), kMaxDisplayNameLength));
  return ValidateLength(absl::StrCat(prefix, "description"), team.description(),
                        kMaxDescriptionLength);
}

absl::Status ValidateUserFields(const v1::User& user,
                                absl::string_view prefix) {
  RETURN_IF_ERROR(ValidateLength(absl::StrCat(prefix, "display_name"),
                                 user.display_name(), kMaxDisplayNameLength));
  return ValidateEmail(absl::StrCat(prefix, "email"), user.email());
}

absl::StatusOr<std::string> ValidateManager(const Reader& reader,
                                            absl::string_view manager,
                                            absl::string_view self) {
  ASSIGN_OR_RETURN(std::string id, ParseId("user.manager", manager, "users/*"));
  if (id == self) {
    return absl::InvalidArgumentError(
        "user.manager: a user cannot manage themselves");
  }
  RETURN_IF_ERROR(LoadUser(reader, id).status());
  return id;
}

v1::Token EffectiveToken(v1::Token token, absl::Time now) {
  if (token.state() == v1::Token::ACTIVE && token.has_expire_time() &&
      FromProtoTime(token.expire_time()) <= now) {
    token.set_state(v1::Token::EXPIRED);
  }
  return token;
}

std::string TokenName(absl::string_view user, absl::string_view id) {
  return absl::StrCat("users/", user, "/tokens/", id);
}

absl::StatusOr<v1::CreateTokenResponse> PutToken(
    Txn& txn, const Principal& p, absl::string_view user,
    const TokenCredential& cred, absl::string_view display_name,
    const google::protobuf::Timestamp* expire_time) {
  TokenRecord record;
  v1::Token* token = record.mutable_token();
  token->set_name(TokenName(user, cred.id));
  token->set_display_name(std::string(display_name));
  token->set_state(v1::Token::ACTIVE);
  *token->mutable_create_time() = ToProtoTime(txn.Now());
  if (expire_time != nullptr) {
    *token->mutable_expire_time() = *expire_time;
    mops::internal::v1::TimerRecord timer;
    timer.set_kind(kTokenExpireTimer);
    timer.set_target(token->name());
    txn.SetTimer(FromProtoTime(*expire_time), timer);
  }
  record.set_secret_hash(Sha256(cred.secret));
  txn.PutProto(Cf::kRecords, keys::Token(user, cred.id), record);
  txn.Put(Cf::kIndex, keys::IdxTokenId(cred.id), user);
  v1::Event e = p.NewEvent("token.created", token->name());
  (*e.mutable_data())["user"] = absl::StrCat("users/", user);
  txn.Emit(std::move(e));
  v1::CreateTokenResponse resp;
  *resp.mutable_token() = *token;
  resp.set_secret(cred.Bearer());
  return resp;
}

v1::User NewUser(absl::string_view id, absl::string_view display_name,
                 v1::User::Kind kind, bool admin, absl::Time now,
                 uint64_t revision) {
  v1::User user;
  user.set_name(absl::StrCat("users/", id));
  user.set_display_name(std::string(display_name));
  user.set_kind(kind);
  user.set_state(v1::User::ACTIVE);
  user.set_admin(admin);
  user.set_etag(EtagOf(revision));
  *user.mutable_create_time() = ToProtoTime(now);
  *user.mutable_update_time() = ToProtoTime(now);
  return user;
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

// Saves a changed team with a fresh etag and update time.
void SaveTeam(Txn& txn, absl::string_view id, v1::Team* team) {
  team->set_etag(EtagOf(txn.revision()));
  *team->mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Team(id), *team);
}

void SaveUser(Txn& txn, absl::string_view id, v1::User* user) {
  user->set_etag(EtagOf(txn.revision()));
  *user->mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::User(id), *user);
}

absl::Status ValidateRole(v1::Membership::Role role) {
  if (role == v1::Membership::MEMBER || role == v1::Membership::LEAD) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("role must be MEMBER or LEAD");
}

}  // namespace

// ------------------------------------------------------------ lookups

absl::StatusOr<std::shared_ptr<const v1::User>> SharedUser(
    const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto v,
                   reader.GetShared<v1::User>(Cf::kRecords, keys::User(id)));
  if (v == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("user \"users/", id, "\" not found"));
  }
  return v;
}

absl::StatusOr<v1::User> LoadUser(const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto v, SharedUser(reader, id));
  return *v;
}

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

// ------------------------------------------------------------ credentials

TokenCredential TokenCredential::Generate() {
  // Ids start with a letter so they are valid resource ids.
  return {"t" + HexEncode(RandomBytes(8)).substr(1),
          HexEncode(RandomBytes(32))};
}

std::string TokenCredential::Bearer() const {
  return absl::StrCat("mops_", id, "_", secret);
}

// ------------------------------------------------------------ bootstrap

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
    txn.Emit(system.NewEvent("team.created", team.name()));
  }
  v1::User admin = NewUser(kAdminUser, "Administrator", v1::User::PERSON,
                           /*admin=*/true, txn.Now(), txn.revision());
  txn.PutProto(Cf::kRecords, keys::User(kAdminUser), admin);
  txn.Emit(system.NewEvent("user.created", admin.name()));
  RETURN_IF_ERROR(PutToken(txn, system, kAdminUser, admin_token,
                           "created at first start", nullptr)
                      .status());
  txn.Put(Cf::kMeta, storage::keys::MetaBootstrapped(), "1");
  return true;
}

// ------------------------------------------------------------ authentication

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
  const v1::Token token = EffectiveToken(record.token(), now);
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

absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const Reader& reader,
                                          const Principal& p) {
  v1::WhoAmIResponse resp;
  ASSIGN_OR_RETURN(*resp.mutable_user(), LoadUser(reader, p.user_id));
  if (!p.actor_id.empty()) resp.set_actor(absl::StrCat("users/", p.actor_id));
  resp.set_token(p.token_name);
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
    if (m) *resp.add_memberships() = *m;
  }
  return resp;
}

// ------------------------------------------------------------ teams

absl::Status ValidateCreateTeam(const v1::CreateTeamRequest& req) {
  RETURN_IF_ERROR(ValidateId("team_id", req.team_id()));
  RETURN_IF_ERROR(ValidateTeamFields(req.team(), "team."));
  return ValidateRequestId(req.request_id());
}

absl::StatusOr<v1::Team> GetTeam(const Reader& reader,
                                 const v1::GetTeamRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "teams/*"));
  return LoadTeam(reader, id);
}

absl::StatusOr<v1::ListTeamsResponse> ListTeams(
    const Reader& reader, const v1::ListTeamsRequest& req) {
  v1::ListTeamsResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::TeamPrefix(), req.page_size(),
               req.page_token(), resp.mutable_teams()));
  return resp;
}

absl::StatusOr<v1::Team> CreateTeam(Txn& txn, const Principal& p,
                                    const v1::CreateTeamRequest& req) {
  RETURN_IF_ERROR(RequireAdmin(p, "create teams"));
  v1::Team team;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "CreateTeam",
                                                req.request_id(), req, &team));
  if (replayed) return team;
  ASSIGN_OR_RETURN(auto existing,
                   txn.Get(Cf::kRecords, keys::Team(req.team_id())));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat("team \"teams/", req.team_id(), "\" already exists"));
  }
  team = NewTeam(req.team_id(),
                 req.team().display_name().empty() ? req.team_id()
                                                   : req.team().display_name(),
                 req.team().description(), txn.Now(), txn.revision());
  txn.PutProto(Cf::kRecords, keys::Team(req.team_id()), team);
  txn.Emit(p.NewEvent("team.created", team.name()));
  RememberRequest(txn, p, "CreateTeam", req.request_id(), req, team);
  return team;
}

absl::StatusOr<v1::Team> UpdateTeam(Txn& txn, const Principal& p,
                                    const v1::UpdateTeamRequest& req) {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("team.name", req.team().name(), "teams/*"));
  RETURN_IF_ERROR(ValidateTeamFields(req.team(), "team."));
  std::vector<std::string> paths = MaskPaths(req.update_mask());
  if (paths.empty()) {
    if (!req.team().display_name().empty()) paths.push_back("display_name");
    if (!req.team().description().empty()) paths.push_back("description");
    if (!req.team().calendar().empty()) paths.push_back("calendar");
  }
  RETURN_IF_ERROR(
      CheckMask(paths, {"display_name", "description", "calendar"}));
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, id, "update the team"));
  RETURN_IF_ERROR(CheckEtag(req.team().etag(), team.etag(), team.name()));
  for (const std::string& path : paths) {
    if (path == "display_name") {
      if (req.team().display_name().empty()) {
        return absl::InvalidArgumentError(
            "team.display_name must not be empty");
      }
      team.set_display_name(req.team().display_name());
    } else if (path == "description") {
      team.set_description(req.team().description());
    } else if (path == "calendar") {
      if (req.team().calendar().empty()) {
        team.clear_calendar();
      } else {
        ASSIGN_OR_RETURN(
            std::string cal,
            ParseId("team.calendar", req.team().calendar(), "calendars/*"));
        ASSIGN_OR_RETURN(auto row,
                         txn.Get(Cf::kRecords, calendars::keys::Calendar(cal)));
        if (!row) {
          return absl::NotFoundError(
              absl::StrCat("calendar \"calendars/", cal, "\" not found"));
        }
        team.set_calendar(absl::StrCat("calendars/", cal));
      }
    }
  }
  SaveTeam(txn, id, &team);
  v1::Event e = p.NewEvent("team.updated", team.name());
  (*e.mutable_data())["fields"] = absl::StrJoin(paths, ",");
  txn.Emit(std::move(e));
  return team;
}

absl::StatusOr<v1::Membership> AddTeamMember(
    Txn& txn, const Principal& p, const v1::AddTeamMemberRequest& req) {
  ASSIGN_OR_RETURN(std::string team_id, ParseId("team", req.team(), "teams/*"));
  ASSIGN_OR_RETURN(std::string user_id, ParseId("user", req.user(), "users/*"));
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
  const v1::Membership::Role role =
      req.role() == v1::Membership::ROLE_UNSPECIFIED ? v1::Membership::MEMBER
                                                     : req.role();
  RETURN_IF_ERROR(ValidateRole(role));
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, team_id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, team_id, "add team members"));
  v1::Membership m;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "AddTeamMember",
                                                req.request_id(), req, &m));
  if (replayed) return m;
  ASSIGN_OR_RETURN(v1::User user, LoadUser(txn, user_id));
  if (user.state() != v1::User::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("user: ", user.name(), " is deactivated"));
  }
  ASSIGN_OR_RETURN(auto existing, LoadMembership(txn, team_id, user_id));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat(user.name(), " is already a member of ", team.name(),
                     "; use SetMemberRole to change the role"));
  }
  m.set_name(absl::StrCat(team.name(), "/members/", user_id));
  m.set_user(user.name());
  m.set_role(role);
  *m.mutable_create_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Membership(team_id, user_id), m);
  txn.Put(Cf::kIndex, keys::IdxUserTeam(user_id, team_id), "");
  team.set_member_count(team.member_count() + 1);
  SaveTeam(txn, team_id, &team);
  v1::Event e = p.NewEvent("team.member_added", team.name());
  (*e.mutable_data())["user"] = user.name();
  (*e.mutable_data())["role"] = v1::Membership::Role_Name(role);
  txn.Emit(std::move(e));
  RememberRequest(txn, p, "AddTeamMember", req.request_id(), req, m);
  return m;
}

absl::Status RemoveTeamMember(Txn& txn, const Principal& p,
                              const v1::RemoveTeamMemberRequest& req) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "teams/*/members/*"));
  const std::string& team_id = ids[0];
  const std::string& user_id = ids[1];
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, team_id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, team_id, "remove team members"));
  ASSIGN_OR_RETURN(auto existing, LoadMembership(txn, team_id, user_id));
  if (!existing) {
    return absl::NotFoundError(
        absl::StrCat("users/", user_id, " is not a member of ", team.name()));
  }
  txn.Delete(Cf::kRecords, keys::Membership(team_id, user_id));
  txn.Delete(Cf::kIndex, keys::IdxUserTeam(user_id, team_id));
  team.set_member_count(team.member_count() - 1);
  SaveTeam(txn, team_id, &team);
  v1::Event e = p.NewEvent("team.member_removed", team.name());
  (*e.mutable_data())["user"] = absl::StrCat("users/", user_id);
  txn.Emit(std::move(e));
  return absl::OkStatus();
}

absl::StatusOr<v1::Membership> SetMemberRole(
    Txn& txn, const Principal& p, const v1::SetMemberRoleRequest& req) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "teams/*/members/*"));
  RETURN_IF_ERROR(ValidateRole(req.role()));
  const std::string& team_id = ids[0];
  const std::string& user_id = ids[1];
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, team_id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, team_id, "change member roles"));
  ASSIGN_OR_RETURN(auto existing, LoadMembership(txn, team_id, user_id));
  if (!existing) {
    return absl::NotFoundError(
        absl::StrCat("users/", user_id, " is not a member of ", team.name()));
  }
  v1::Membership m = *existing;
  if (m.role() == req.role()) return m;
  m.set_role(req.role());
  txn.PutProto(Cf::kRecords, keys::Membership(team_id, user_id), m);
  SaveTeam(txn, team_id, &team);
  v1::Event e = p.NewEvent("team.member_role_changed", team.name());
  (*e.mutable_data())["user"] = m.user();
  (*e.mutable_data())["role"] = v1::Membership::Role_Name(m.role());
  txn.Emit(std::move(e));
  return m;
}

absl::StatusOr<v1::ListTeamMembersResponse> ListTeamMembers(
    const Reader& reader, const v1::ListTeamMembersRequest& req) {
  ASSIGN_OR_RETURN(std::string team_id,
                   ParseId("parent", req.parent(), "teams/*"));
  RETURN_IF_ERROR(LoadTeam(reader, team_id).status());
  v1::ListTeamMembersResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::MembershipPrefix(team_id),
               req.page_size(), req.page_token(), resp.mutable_members()));
  return resp;
}

// ------------------------------------------------------------ users

absl::Status ValidateCreateUser(const v1::CreateUserRequest& req) {
  RETURN_IF_ERROR(ValidateId("user_id", req.user_id()));
  if (req.user_id() == "me") {
    return absl::InvalidArgumentError(
        "user_id \"me\" is reserved: users/me names the caller");
  }
  RETURN_IF_ERROR(ValidateUserFields(req.user(), "user."));
  return ValidateRequestId(req.request_id());
}

absl::StatusOr<v1::User> CreateUser(Txn& txn, const Principal& p,
                                    const v1::CreateUserRequest& req) {
  RETURN_IF_ERROR(RequireAdmin(p, "create users"));
  v1::User user;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "CreateUser",
                                                req.request_id(), req, &user));
  if (replayed) return user;
  ASSIGN_OR_RETURN(auto existing,
                   txn.Get(Cf::kRecords, keys::User(req.user_id())));
  if (existing) {
    return absl::AlreadyExistsError(
        absl::StrCat("user \"users/", req.user_id(), "\" already exists"));
  }
  const v1::User::Kind kind = req.user().kind() == v1::User::KIND_UNSPECIFIED
                                  ? v1::User::PERSON
                                  : req.user().kind();
  user = NewUser(req.user_id(),
                 req.user().display_name().empty() ? req.user_id()
                                                   : req.user().display_name(),
                 kind, req.user().admin(), txn.Now(), txn.revision());
  user.set_email(req.user().email());
  if (!req.user().manager().empty()) {
    ASSIGN_OR_RETURN(std::string manager,
                     ValidateManager(txn, req.user().manager(), req.user_id()));
    user.set_manager(absl::StrCat("users/", manager));
  }
  txn.PutProto(Cf::kRecords, keys::User(req.user_id()), user);
  v1::Event e = p.NewEvent("user.created", user.name());
  (*e.mutable_data())["kind"] = v1::User::Kind_Name(kind);
  txn.Emit(std::move(e));
  RememberRequest(txn, p, "CreateUser", req.request_id(), req, user);
  return user;
}

absl::StatusOr<v1::User> GetUser(const Reader& reader, const Principal& p,
                                 const v1::GetUserRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ResolveUserId(p, "name", req.name()));
  return LoadUser(reader, id);
}

absl::StatusOr<v1::ListUsersResponse> ListUsers(
    const Reader& reader, const v1::ListUsersRequest& req) {
  v1::ListUsersResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::UserPrefix(), req.page_size(),
               req.page_token(), resp.mutable_users()));
  return resp;
}

absl::StatusOr<v1::User> UpdateUser(Txn& txn, const Principal& p,
                                    const v1::UpdateUserRequest& req) {
  ASSIGN_OR_RETURN(std::string id,
                   ResolveUserId(p, "user.name", req.user().name()));
  RETURN_IF_ERROR(ValidateUserFields(req.user(), "user."));
  std::vector<std::string> paths = MaskPaths(req.update_mask());
  if (paths.empty()) {
    if (!req.user().display_name().empty()) paths.push_back("display_name");
    if (!req.user().email().empty()) paths.push_back("email");
    if (!req.user().manager().empty()) paths.push_back("manager");
  }
  RETURN_IF_ERROR(
      CheckMask(paths, {"display_name", "email", "manager", "admin"}));
  const bool self = id == p.user_id;
  for (const std::string& path : paths) {
    if ((path == "manager" || path == "admin") && !p.admin) {
      return absl::PermissionDeniedError(
          absl::StrCat("only admins may change user.", path));
    }
  }
  if (!self && !p.admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("users/", p.user_id,
                     " may update only their own user, not users/", id));
  }
  ASSIGN_OR_RETURN(v1::User user, LoadUser(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.user().etag(), user.etag(), user.name()));
  for (const std::string& path : paths) {
    if (path == "display_name") {
      if (req.user().display_name().empty()) {
        return absl::InvalidArgumentError(
            "user.display_name must not be empty");
      }
      user.set_display_name(req.user().display_name());
    } else if (path == "email") {
      user.set_email(req.user().email());
    } else if (path == "manager") {
      if (req.user().manager().empty()) {
        user.clear_manager();
      } else {
        ASSIGN_OR_RETURN(std::string manager,
                         ValidateManager(txn, req.user().manager(), id));
        user.set_manager(absl::StrCat("users/", manager));
      }
    } else if (path == "admin") {
      if (self && !req.user().admin()) {
        return absl::FailedPreconditionError(
            "user.admin: an admin cannot remove their own admin role; ask "
            "another admin");
      }
      user.set_admin(req.user().admin());
    }
  }
  SaveUser(txn, id, &user);
  v1::Event e = p.NewEvent("user.updated", user.name());
  (*e.mutable_data())["fields"] = absl::StrJoin(paths, ",");
  txn.Emit(std::move(e));
  return user;
}

absl::StatusOr<v1::User> DeactivateUser(Txn& txn, const Principal& p,
                                        const v1::DeactivateUserRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "users/*"));
  RETURN_IF_ERROR(RequireAdmin(p, "deactivate users"));
  if (id == p.user_id) {
    return absl::FailedPreconditionError(
        "name: you cannot deactivate yourself; ask another admin");
  }
  ASSIGN_OR_RETURN(v1::User user, LoadUser(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.etag(), user.etag(), user.name()));
  if (user.state() == v1::User::DEACTIVATED) return user;
  user.set_state(v1::User::DEACTIVATED);
  SaveUser(txn, id, &user);
  txn.Emit(p.NewEvent("user.deactivated", user.name()));
  return user;
}

// ------------------------------------------------------------ tokens

absl::StatusOr<v1::CreateTokenResponse> CreateToken(
    Txn& txn, const Principal& p, const v1::CreateTokenRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ResolveUserId(p, "parent", req.parent()));
  RETURN_IF_ERROR(ValidateLength("display_name", req.display_name(),
                                 kMaxDisplayNameLength));
  if (!p.actor_id.empty()) {
    // A token would let the bot act as the user without its grant.
    return absl::PermissionDeniedError(
        "tokens cannot be created on behalf of another user");
  }
  if (id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "users/", p.user_id, " may create tokens only for themselves"));
  }
  if (req.has_expire_time() && FromProtoTime(req.expire_time()) <= txn.Now()) {
    return absl::InvalidArgumentError("expire_time must be in the future");
  }
  ASSIGN_OR_RETURN(v1::User user, LoadUser(txn, id));
  if (user.state() != v1::User::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("parent: ", user.name(), " is deactivated"));
  }
  return PutToken(txn, p, id, TokenCredential::Generate(), req.display_name(),
                  req.has_expire_time() ? &req.expire_time() : nullptr);
}

absl::StatusOr<v1::ListTokensResponse> ListTokens(
    const Reader& reader, const Principal& p, absl::Time now,
    const v1::ListTokensRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ResolveUserId(p, "parent", req.parent()));
  if (id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("users/", p.user_id, " may list only their own tokens"));
  }
  RETURN_IF_ERROR(LoadUser(reader, id).status());
  const std::string prefix = keys::TokenPrefix(id);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(req.page_size(), req.page_token(), prefix));
  std::vector<TokenRecord> records;
  v1::ListTokensResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ReadPage<TokenRecord>(reader, Cf::kRecords, prefix, page, &records));
  for (auto& r : records) {
    *resp.add_tokens() = EffectiveToken(r.token(), now);  // never the hash
  }
  return resp;
}

absl::StatusOr<v1::Token> RevokeToken(Txn& txn, const Principal& p,
                                      const v1::RevokeTokenRequest& req) {
  ASSIGN_OR_RETURN(auto ids, ParseName("name", req.name(), "users/*/tokens/*"));
  const std::string user_id = ids[0] == "me" ? p.user_id : ids[0];
  if (user_id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("users/", p.user_id, " may revoke only their own tokens"));
  }
  TokenRecord record;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(Cf::kRecords, keys::Token(user_id, ids[1]), &record));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("token \"", req.name(), "\" not found"));
  }
  if (record.token().state() == v1::Token::REVOKED) return record.token();
  record.mutable_token()->set_state(v1::Token::REVOKED);
  *record.mutable_token()->mutable_revoke_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Token(user_id, ids[1]), record);
  txn.Emit(p.NewEvent("token.revoked", record.token().name()));
  return record.token();
}

absl::Status ExpireToken(Txn& txn, absl::string_view token_name) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("token", token_name, "users/*/tokens/*"));
  TokenRecord record;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(Cf::kRecords, keys::Token(ids[0], ids[1]), &record));
  if (!found || record.token().state() != v1::Token::ACTIVE) {
    return absl::OkStatus();  // revoked meanwhile: nothing to do
  }
  record.mutable_token()->set_state(v1::Token::EXPIRED);
  txn.PutProto(Cf::kRecords, keys::Token(ids[0], ids[1]), record);
  txn.Emit(
      Principal::System().NewEvent("token.expired", record.token().name()));
  return absl::OkStatus();
}

// ------------------------------------------------------------ grants

absl::StatusOr<v1::ActAsGrant> CreateActAsGrant(
    Txn& txn, const Principal& p, const v1::CreateActAsGrantRequest& req) {
  ASSIGN_OR_RETURN(std::string bot_id, ParseId("bot", req.bot(), "users/*"));
  ASSIGN_OR_RETURN(std::string user_id, ParseId("user", req.user(), "users/*",
                                                /*allow_wildcard=*/true));
  RETURN_IF_ERROR(RequireAdmin(p, "grant on-behalf-of access"));
  ASSIGN_OR_RETURN(v1::User bot, LoadUser(txn, bot_id));
  if (bot.kind() != v1::User::BOT) {
    return absl::FailedPreconditionError(
        absl::StrCat("bot: ", bot.name(), " is not a bot"));
  }
  if (user_id != "-") {
    ASSIGN_OR_RETURN(v1::User user, LoadUser(txn, user_id));
    if (user.kind() != v1::User::PERSON) {
      return absl::FailedPreconditionError(
          absl::StrCat("user: ", user.name(), " is not a person"));
    }
  }
  ASSIGN_OR_RETURN(auto existing,
                   txn.Get(Cf::kRecords, keys::ActAsGrant(bot_id, user_id)));
  if (existing) {
    return absl::AlreadyExistsError(absl::StrCat(
        bot.name(), " may already act on behalf of users/", user_id));
  }
  v1::ActAsGrant grant;
  grant.set_name(absl::StrCat(bot.name(), "/actAsGrants/", user_id));
  grant.set_bot(bot.name());
  grant.set_user(absl::StrCat("users/", user_id));
  *grant.mutable_create_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::ActAsGrant(bot_id, user_id), grant);
  v1::Event e = p.NewEvent("grant.created", grant.name());
  (*e.mutable_data())["user"] = grant.user();
  txn.Emit(std::move(e));
  return grant;
}

absl::StatusOr<v1::ListActAsGrantsResponse> ListActAsGrants(
    const Reader& reader, const Principal& p,
    const v1::ListActAsGrantsRequest& req) {
  ASSIGN_OR_RETURN(std::string bot_id,
                   ResolveUserId(p, "parent", req.parent()));
  if (bot_id != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(
        "only admins may list another user's grants");
  }
  v1::ListActAsGrantsResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::ActAsGrantPrefix(bot_id),
               req.page_size(), req.page_token(), resp.mutable_grants()));
  return resp;
}

absl::Status DeleteActAsGrant(Txn& txn, const Principal& p,
                              const v1::DeleteActAsGrantRequest& req) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "users/*/actAsGrants/*",
                             /*allow_wildcard=*/true));
  RETURN_IF_ERROR(RequireAdmin(p, "revoke on-behalf-of access"));
  ASSIGN_OR_RETURN(auto existing,
                   txn.Get(Cf::kRecords, keys::ActAsGrant(ids[0], ids[1])));
  if (!existing) {
    return absl::NotFoundError(
        absl::StrCat("grant \"", req.name(), "\" not found"));
  }
  txn.Delete(Cf::kRecords, keys::ActAsGrant(ids[0], ids[1]));
  txn.Emit(p.NewEvent("grant.deleted", req.name()));
  return absl::OkStatus();
}

}  // namespace mops::services::identity

// Identity and access over a real channel: authentication, tokens,
// permissions, on-behalf-of.
#include <sys/stat.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/identity_fixture.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using testing::IdentityServiceTest;
using Stub = v1::IdentityService::Stub;

// ---------------------------------------------------------------- auth

TEST_F(IdentityServiceTest, HealthNeedsNoToken) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(&ctx, {}, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(IdentityServiceTest, EveryOtherMethodNeedsAToken) {
  v1::WhoAmIResponse who;
  grpc::Status s = WhoAmI("", &who);
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("authorization: Bearer"));

  v1::ListTeamsResponse teams;
  EXPECT_EQ(Call(identity_.get(), &Stub::ListTeams, "", v1::ListTeamsRequest(),
                 &teams)
                .error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_EQ(CreateTeam("", "t1").error_code(), grpc::UNAUTHENTICATED);
  v1::BackupRequest backup;
  backup.set_destination(dir_.Sub("b"));
  v1::BackupResponse bresp;
  EXPECT_EQ(
      Call(admin_.get(), &v1::AdminService::Stub::Backup, "", backup, &bresp)
          .error_code(),
      grpc::UNAUTHENTICATED);
  v1::ListEventsResponse events;
  EXPECT_EQ(Call(events_.get(), &v1::EventService::Stub::ListEvents, "",
                 v1::ListEventsRequest(), &events)
                .error_code(),
            grpc::UNAUTHENTICATED);
}

TEST_F(IdentityServiceTest, ServerStatsCountTheWritesAndAreForAdminsOnly) {
  using AStub = v1::AdminService::Stub;
  v1::ServerStats before;
  ASSERT_TRUE(Call(admin_.get(), &AStub::GetServerStats, admin_token_,
                   v1::GetServerStatsRequest(), &before)
                  .ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(CreateTeam(admin_token_, absl::StrCat("stats", i)).ok());
  }
  v1::ServerStats after;
  ASSERT_TRUE(Call(admin_.get(), &AStub::GetServerStats, admin_token_,
                   v1::GetServerStatsRequest(), &after)
                  .ok());
  EXPECT_EQ(after.revision(), before.revision() + 3);
  EXPECT_GE(after.commands(), before.commands() + 3);
  EXPECT_GE(after.group_commits(), before.group_commits() + 1);
  EXPECT_GE(after.largest_group(), 1u);
  EXPECT_EQ(after.failed_commits(), 0u);
  EXPECT_GT(after.memtable_bytes(), 0u);

  v1::ServerStats denied;
  grpc::Status s =
      Call(admin_.get(), &AStub::GetServerStats, CreateUserWithToken("pat"),
           v1::GetServerStatsRequest(), &denied);
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("only admins may read the server"));
  EXPECT_EQ(Call(admin_.get(), &AStub::GetServerStats, "",
                 v1::GetServerStatsRequest(), &denied)
                .error_code(),
            grpc::UNAUTHENTICATED);
}

TEST_F(IdentityServiceTest, MalformedUnknownAndWrongTokensAreUnauthenticated) {
  v1::WhoAmIResponse who;
  EXPECT_EQ(WhoAmI("not-a-token", &who).error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(WhoAmI("mops_t123456789abcdef_" + std::string(64, 'a'), &who)
                .error_code(),
            grpc::UNAUTHENTICATED);
  // The right id with a wrong secret, right after the right secret was
  // accepted (and its token cached).
  ASSERT_TRUE(WhoAmI(admin_token_, &who).ok());
  std::string wrong = admin_token_.substr(0, admin_token_.size() - 1) +
                      (admin_token_.back() == 'a' ? "b" : "a");
  grpc::Status s = WhoAmI(wrong, &who);
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "unknown token");
  // A header without the Bearer scheme.
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", admin_token_);
  EXPECT_EQ(identity_->WhoAmI(&ctx, {}, &who).error_code(),
            grpc::UNAUTHENTICATED);
}

TEST_F(IdentityServiceTest, AdminTokenFileWorksAndIsPrivate) {
  struct stat st;
  ASSERT_EQ(::stat(server_->admin_token_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(admin_token_, &who).ok());
  EXPECT_EQ(who.user().name(), "users/admin");
  EXPECT_TRUE(who.user().admin());
}

TEST_F(IdentityServiceTest, SeedTeamsExist) {
  v1::ListTeamsResponse resp;
  ASSERT_TRUE(Call(identity_.get(), &Stub::ListTeams, admin_token_,
                   v1::ListTeamsRequest(), &resp)
                  .ok());
  std::set<std::string> names;
  for (const auto& t : resp.teams()) names.insert(t.name());
  EXPECT_EQ(names, (std::set<std::string>{"teams/finance", "teams/it",
                                          "teams/marketing", "teams/sales"}));
}

// ---------------------------------------------------------------- tokens

TEST_F(IdentityServiceTest, TokenLifecycle) {
  std::string ann = CreateUserWithToken("ann");
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(ann, &who).ok());
  EXPECT_EQ(who.user().name(), "users/ann");

  // Ann makes a second token for herself and lists both, without secrets.
  v1::CreateTokenRequest create;
  create.set_parent("users/me");
  create.set_display_name("laptop");
  v1::CreateTokenResponse created;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateToken, ann, create, &created).ok());
  EXPECT_THAT(created.token().name(), HasSubstr("users/ann/tokens/"));
  EXPECT_THAT(created.secret(), HasSubstr("mops_"));

  v1::ListTokensRequest list;
  list.set_parent("users/me");
  v1::ListTokensResponse tokens;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::ListTokens, ann, list, &tokens).ok());
  ASSERT_EQ(tokens.tokens_size(), 2);
  const std::string secret_part = created.secret().substr(22);
  for (const auto& t : tokens.tokens()) {
    EXPECT_EQ(t.state(), v1::Token::ACTIVE);
    EXPECT_EQ(t.SerializeAsString().find(secret_part), std::string::npos);
  }

  // Revoking stops it at once; the other token keeps working.
  v1::RevokeTokenRequest revoke;
  revoke.set_name(created.token().name());
  v1::Token revoked;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::RevokeToken, ann, revoke, &revoked).ok());
  EXPECT_EQ(revoked.state(), v1::Token::REVOKED);
  grpc::Status s = WhoAmI(created.secret(), &who);
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("revoked"));
  EXPECT_TRUE(WhoAmI(ann, &who).ok());
  EXPECT_EQ(CountEvents("token.revoked", created.token().name()), 1);
}

TEST_F(IdentityServiceTest, ExpiringTokenStopsWorkingAndTheTimerRecordsIt) {
  CreateUserWithToken("ann");
  v1::CreateTokenRequest req;
  req.set_parent("users/ann");
  req.mutable_expire_time()->set_seconds(
      absl::ToUnixSeconds(clock_.Now() + absl::Hours(1)));
  v1::CreateTokenResponse resp;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateToken, admin_token_, req, &resp).ok());
  v1::WhoAmIResponse who;
  EXPECT_TRUE(WhoAmI(resp.secret(), &who).ok());

  clock_.Advance(absl::Hours(2));
  grpc::Status s = WhoAmI(resp.secret(), &who);
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("expired"));

  bool recorded = false;
  for (int i = 0; i < 300 && !recorded; ++i) {
    server_->engine()->WakeTimers();
    absl::SleepFor(absl::Milliseconds(10));
    recorded = CountEvents("token.expired", resp.token().name()) == 1;
  }
  EXPECT_TRUE(recorded);

  req.mutable_expire_time()->set_seconds(
      absl::ToUnixSeconds(clock_.Now() - absl::Minutes(1)));
  s = Call(identity_.get(), &Stub::CreateToken, admin_token_, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("expire_time"));
}

TEST_F(IdentityServiceTest, UsersManageOnlyTheirOwnTokens) {
  std::string ann = CreateUserWithToken("ann");
  CreateUserWithToken("bob");
  v1::CreateTokenRequest create;
  create.set_parent("users/bob");
  v1::CreateTokenResponse created;
  EXPECT_EQ(Call(identity_.get(), &Stub::CreateToken, ann, create, &created)
                .error_code(),
            grpc::PERMISSION_DENIED);
  v1::ListTokensRequest list;
  list.set_parent("users/bob");
  v1::ListTokensResponse tokens;
  EXPECT_EQ(
      Call(identity_.get(), &Stub::ListTokens, ann, list, &tokens).error_code(),
      grpc::PERMISSION_DENIED);
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::ListTokens, admin_token_, list, &tokens)
          .ok());
  v1::RevokeTokenRequest revoke;
  revoke.set_name(tokens.tokens(0).name());
  v1::Token t;
  EXPECT_EQ(
      Call(identity_.get(), &Stub::RevokeToken, ann, revoke, &t).error_code(),
      grpc::PERMISSION_DENIED);
  revoke.set_name("users/bob/tokens/t000000000000000");
  EXPECT_EQ(Call(identity_.get(), &Stub::RevokeToken, admin_token_, revoke, &t)
                .error_code(),
            grpc::NOT_FOUND);
}

TEST_F(IdentityServiceTest, DeactivatedUserCannotAuthenticate) {
  std::string ann = CreateUserWithToken("ann");
  v1::DeactivateUserRequest req;
  req.set_name("users/ann");
  v1::User user;
  EXPECT_EQ(Call(identity_.get(), &Stub::DeactivateUser, ann, req, &user)
                .error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::DeactivateUser, admin_token_, req, &user)
          .ok());
  EXPECT_EQ(user.state(), v1::User::DEACTIVATED);
  v1::WhoAmIResponse who;
  grpc::Status s = WhoAmI(ann, &who);
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("deactivated"));
  req.set_name("users/admin");
  EXPECT_EQ(
      Call(identity_.get(), &Stub::DeactivateUser, admin_token_, req, &user)
          .error_code(),
      grpc::FAILED_PRECONDITION);
}

// ---------------------------------------------------------------- permissions

TEST_F(IdentityServiceTest, OnlyAdminsCreateTeamsUsersAndGrants) {
  std::string ann = CreateUserWithToken("ann");
  grpc::Status s = CreateTeam(ann, "legal");
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("only admins may create teams"));

  v1::CreateUserRequest user_req;
  user_req.set_user_id("eve");
  v1::User user;
  EXPECT_EQ(Call(identity_.get(), &Stub::CreateUser, ann, user_req, &user)
                .error_code(),
            grpc::PERMISSION_DENIED);

  v1::BackupRequest backup;
  backup.set_destination(dir_.Sub("b"));
  v1::BackupResponse bresp;
  EXPECT_EQ(
      Call(admin_.get(), &v1::AdminService::Stub::Backup, ann, backup, &bresp)
          .error_code(),
      grpc::PERMISSION_DENIED);
  // Everyone reads the feed, but not the admin-only events (tokens).
  v1::ListEventsResponse events;
  ASSERT_TRUE(Call(events_.get(), &v1::EventService::Stub::ListEvents, ann,
                   v1::ListEventsRequest(), &events)
                  .ok());
  EXPECT_GT(events.events_size(), 0);
  for (const auto& e : events.events()) {
    EXPECT_NE(e.type().rfind("token.", 0), 0u) << e.type();
  }
  // Everyone reads.
  v1::GetTeamRequest get;
  get.set_name("teams/sales");
  v1::Team team;
  EXPECT_TRUE(Call(identity_.get(), &Stub::GetTeam, ann, get, &team).ok());
}

TEST_F(IdentityServiceTest, LeadsManageTheirOwnTeamOnly) {
  std::string lead = CreateUserWithToken("lead");
  std::string member = CreateUserWithToken("mem");
  CreateUserWithToken("new");
  ASSERT_TRUE(
      AddMember(admin_token_, "marketing", "lead", v1::Membership::LEAD).ok());
  ASSERT_TRUE(AddMember(admin_token_, "marketing", "mem").ok());

  EXPECT_TRUE(AddMember(lead, "marketing", "new").ok());
  EXPECT_EQ(AddMember(lead, "sales", "new").error_code(),
            grpc::PERMISSION_DENIED);
  grpc::Status s = AddMember(member, "marketing", "admin");
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("leads of teams/marketing"));

  v1::SetMemberRoleRequest role;
  role.set_name("teams/marketing/members/new");
  role.set_role(v1::Membership::LEAD);
  v1::Membership m;
  EXPECT_EQ(Call(identity_.get(), &Stub::SetMemberRole, member, role, &m)
                .error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(Call(identity_.get(), &Stub::SetMemberRole, lead, role, &m).ok());
  EXPECT_EQ(m.role(), v1::Membership::LEAD);

  v1::UpdateTeamRequest update;
  update.mutable_team()->set_name("teams/marketing");
  update.mutable_team()->set_description("Brand and demand");
  v1::Team team;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::UpdateTeam, lead, update, &team).ok());
  EXPECT_EQ(team.description(), "Brand and demand");
  EXPECT_EQ(team.member_count(), 3);
  update.mutable_team()->set_name("teams/sales");
  EXPECT_EQ(Call(identity_.get(), &Stub::UpdateTeam, lead, update, &team)
                .error_code(),
            grpc::PERMISSION_DENIED);

  v1::RemoveTeamMemberRequest remove;
  remove.set_name("teams/marketing/members/mem");
  v1::RemoveTeamMemberResponse removed;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::RemoveTeamMember, lead, remove, &removed)
          .ok());
  EXPECT_EQ(
      Call(identity_.get(), &Stub::RemoveTeamMember, lead, remove, &removed)
          .error_code(),
      grpc::NOT_FOUND);

  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(lead, &who).ok());
  ASSERT_EQ(who.memberships_size(), 1);
  EXPECT_EQ(who.memberships(0).role(), v1::Membership::LEAD);
  ASSERT_TRUE(WhoAmI(member, &who).ok());
  EXPECT_EQ(who.memberships_size(), 0);
}

TEST_F(IdentityServiceTest, UsersUpdateOnlyTheirOwnNameAndEmail) {
  std::string ann = CreateUserWithToken("ann");
  CreateUserWithToken("bob");
  v1::UpdateUserRequest req;
  req.mutable_user()->set_name("users/me");
  req.mutable_user()->set_display_name("Ann A.");
  req.mutable_user()->set_email("ann@example.com");
  v1::User user;
  ASSERT_TRUE(Call(identity_.get(), &Stub::UpdateUser, ann, req, &user).ok());
  EXPECT_EQ(user.display_name(), "Ann A.");
  EXPECT_EQ(user.email(), "ann@example.com");

  req.mutable_user()->set_name("users/bob");
  EXPECT_EQ(
      Call(identity_.get(), &Stub::UpdateUser, ann, req, &user).error_code(),
      grpc::PERMISSION_DENIED);

  v1::UpdateUserRequest promote;
  promote.mutable_user()->set_name("users/ann");
  promote.mutable_user()->set_admin(true);
  promote.mutable_update_mask()->add_paths("admin");
  grpc::Status s =
      Call(identity_.get(), &Stub::UpdateUser, ann, promote, &user);
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("user.admin"));
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::UpdateUser, admin_token_, promote, &user)
          .ok());
  EXPECT_TRUE(user.admin());
  // Now an admin, Ann may create teams.
  EXPECT_TRUE(CreateTeam(ann, "legal").ok());
}

// ---------------------------------------------------------------- on behalf

TEST_F(IdentityServiceTest, BotActsOnBehalfOfAUserOnlyWithAGrant) {
  std::string bot = CreateUserWithToken("chatbot", /*bot=*/true);
  std::string ann = CreateUserWithToken("ann");
  v1::WhoAmIResponse who;
  grpc::Status s = WhoAmI(bot, &who, "users/ann");
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("no grant"));

  v1::CreateActAsGrantRequest grant;
  grant.set_bot("users/chatbot");
  grant.set_user("users/ann");
  v1::ActAsGrant g;
  EXPECT_EQ(Call(identity_.get(), &Stub::CreateActAsGrant, ann, grant, &g)
                .error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateActAsGrant, admin_token_, grant, &g)
          .ok());

  ASSERT_TRUE(WhoAmI(bot, &who, "users/ann").ok());
  EXPECT_EQ(who.user().name(), "users/ann");
  EXPECT_EQ(who.actor(), "users/chatbot");

  // Ann's permissions apply: she is no admin, so neither is the bot for her.
  v1::CreateTeamRequest team_req;
  team_req.set_team_id("for-ann");
  v1::Team team;
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + bot);
  ctx.AddMetadata("x-mops-on-behalf-of", "users/ann");
  EXPECT_EQ(identity_->CreateTeam(&ctx, team_req, &team).error_code(),
            grpc::PERMISSION_DENIED);

  // What the bot does for Ann is recorded with both names.
  v1::UpdateUserRequest update;
  update.mutable_user()->set_name("users/me");
  update.mutable_user()->set_display_name("Ann via bot");
  v1::User user;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::UpdateUser, bot, update, &user, "users/ann")
          .ok());
  EXPECT_EQ(user.name(), "users/ann");
  bool found = false;
  for (const auto& e : AllEvents()) {
    if (e.type() == "user.updated" && e.subject() == "users/ann") {
      EXPECT_EQ(e.actor(), "users/chatbot");
      EXPECT_EQ(e.on_behalf_of(), "users/ann");
      found = true;
    }
  }
  EXPECT_TRUE(found);

  // A bot cannot mint a token for the user it acts for.
  v1::CreateTokenRequest token_req;
  token_req.set_parent("users/me");
  v1::CreateTokenResponse token_resp;
  EXPECT_EQ(Call(identity_.get(), &Stub::CreateToken, bot, token_req,
                 &token_resp, "users/ann")
                .error_code(),
            grpc::PERMISSION_DENIED);

  // Only bots act for others, and the grant can be taken away.
  EXPECT_EQ(WhoAmI(ann, &who, "users/admin").error_code(),
            grpc::PERMISSION_DENIED);
  v1::DeleteActAsGrantRequest del;
  del.set_name("users/chatbot/actAsGrants/ann");
  v1::DeleteActAsGrantResponse deleted;
  ASSERT_TRUE(Call(identity_.get(), &Stub::DeleteActAsGrant, admin_token_, del,
                   &deleted)
                  .ok());
  EXPECT_EQ(WhoAmI(bot, &who, "users/ann").error_code(),
            grpc::PERMISSION_DENIED);
}

TEST_F(IdentityServiceTest, WildcardGrantCoversEveryPersonButNotBots) {
  std::string bot = CreateUserWithToken("chatbot", /*bot=*/true);
  CreateUserWithToken("ann");
  CreateUserWithToken("other-bot", /*bot=*/true);
  v1::CreateActAsGrantRequest grant;
  grant.set_bot("users/chatbot");
  grant.set_user("users/-");
  v1::ActAsGrant g;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateActAsGrant, admin_token_, grant, &g)
          .ok());
  v1::WhoAmIResponse who;
  EXPECT_TRUE(WhoAmI(bot, &who, "users/ann").ok());
  EXPECT_EQ(WhoAmI(bot, &who, "users/other-bot").error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(WhoAmI(bot, &who, "users/nobody").error_code(),
            grpc::PERMISSION_DENIED);

  grant.set_bot("users/ann");
  grant.set_user("users/admin");
  grpc::Status s =
      Call(identity_.get(), &Stub::CreateActAsGrant, admin_token_, grant, &g);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("not a bot"));
}

}  // namespace
}  // namespace mops

namespace mops {
namespace {

class ChatHandleTest : public testing::ServiceTest {
 protected:
  grpc::Status SetHandle(const std::string& token, const std::string& user,
                         const std::string& handle) {
    v1::UpdateUserRequest req;
    req.mutable_user()->set_name("users/" + user);
    req.mutable_user()->set_chat_handle(handle);
    req.mutable_update_mask()->add_paths("chat_handle");
    v1::User u;
    return Call(identity_.get(), &v1::IdentityService::Stub::UpdateUser, token,
                req, &u);
  }
  std::vector<std::string> Find(const std::string& handle) {
    v1::ListUsersRequest req;
    req.set_chat_handle(handle);
    v1::ListUsersResponse resp;
    EXPECT_TRUE(Call(identity_.get(), &v1::IdentityService::Stub::ListUsers,
                     admin_token_, req, &resp)
                    .ok());
    std::vector<std::string> out;
    for (const auto& u : resp.users()) out.push_back(u.name());
    return out;
  }
};

TEST_F(ChatHandleTest, AHandleFindsItsOneUserAndMovesOnlyWhenFreed) {
  const std::string ann = CreateUserWithToken("ann");
  CreateUserWithToken("bob");
  ASSERT_TRUE(SetHandle(admin_token_, "ann", "U1").ok());
  EXPECT_EQ(Find("U1"), std::vector<std::string>{"users/ann"});
  EXPECT_TRUE(Find("U2").empty());
  grpc::Status taken = SetHandle(admin_token_, "bob", "U1");
  EXPECT_EQ(taken.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_THAT(taken.error_message(), ::testing::HasSubstr("users/ann"));
  // Only admins say who is who in chat, even of themselves.
  EXPECT_EQ(SetHandle(ann, "ann", "U9").error_code(), grpc::PERMISSION_DENIED);
  grpc::Status bad = SetHandle(admin_token_, "bob", "U 1");
  EXPECT_EQ(bad.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), ::testing::HasSubstr("user.chat_handle"));
  // Moving ann's handle frees the old one.
  ASSERT_TRUE(SetHandle(admin_token_, "ann", "U2").ok());
  EXPECT_TRUE(Find("U1").empty());
  ASSERT_TRUE(SetHandle(admin_token_, "bob", "U1").ok());
  EXPECT_EQ(Find("U1"), std::vector<std::string>{"users/bob"});
  EXPECT_EQ(Find("U2"), std::vector<std::string>{"users/ann"});
}

}  // namespace
}  // namespace mops

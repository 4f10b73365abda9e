// Identity over a real channel: bad input, request_id replay, update masks,
// etags, pages, backup and the event feed.
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

// ---------------------------------------------------------------- bad input

TEST_F(IdentityServiceTest, BadInputNamesTheField) {
  struct Case {
    std::string team_id;
    std::string display_name;
    std::string field;
  };
  std::vector<Case> cases = {
      {"", "x", "team_id"},
      {"Bad", "x", "team_id"},
      {"has space", "x", "team_id"},
      {"-lead", "x", "team_id"},
      {"trail-", "x", "team_id"},
      {std::string(64, 'a'), "x", "team_id"},
      {"ok", std::string(201, 'x'), "team.display_name"},
  };
  for (const Case& c : cases) {
    v1::CreateTeamRequest req;
    req.set_team_id(c.team_id);
    req.mutable_team()->set_display_name(c.display_name);
    v1::Team team;
    grpc::Status s =
        Call(identity_.get(), &Stub::CreateTeam, admin_token_, req, &team);
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << c.team_id;
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << c.team_id;
  }
  v1::CreateTeamRequest long_desc;
  long_desc.set_team_id("ok");
  long_desc.mutable_team()->set_description(std::string(10001, 'd'));
  v1::Team team;
  grpc::Status s =
      Call(identity_.get(), &Stub::CreateTeam, admin_token_, long_desc, &team);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("team.description"));
  EXPECT_THAT(s.error_message(), HasSubstr("at most 10000"));

  for (const char* name :
       {"", "teams/", "team/sales", "teams/Sales", "teams/sales/extra"}) {
    v1::GetTeamRequest get;
    get.set_name(name);
    s = Call(identity_.get(), &Stub::GetTeam, admin_token_, get, &team);
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << name;
    EXPECT_THAT(s.error_message(), HasSubstr("name")) << name;
  }
  v1::GetTeamRequest missing;
  missing.set_name("teams/nope");
  s = Call(identity_.get(), &Stub::GetTeam, admin_token_, missing, &team);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("teams/nope"));

  CreateUserWithToken("ann");
  s = AddMember(admin_token_, "nope", "ann");
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("teams/nope"));
  s = AddMember(admin_token_, "sales", "ghost");
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("users/ghost"));
  ASSERT_TRUE(AddMember(admin_token_, "sales", "ann").ok());
  EXPECT_EQ(AddMember(admin_token_, "sales", "ann").error_code(),
            grpc::ALREADY_EXISTS);

  v1::CreateUserRequest user_req;
  user_req.set_user_id("zed");
  user_req.mutable_user()->set_email("not-an-email");
  v1::User user;
  s = Call(identity_.get(), &Stub::CreateUser, admin_token_, user_req, &user);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("user.email"));
  user_req.set_user_id("me");
  user_req.mutable_user()->clear_email();
  s = Call(identity_.get(), &Stub::CreateUser, admin_token_, user_req, &user);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("reserved"));

  v1::UpdateTeamRequest update;
  update.mutable_team()->set_name("teams/sales");
  update.mutable_update_mask()->add_paths("member_count");
  s = Call(identity_.get(), &Stub::UpdateTeam, admin_token_, update, &team);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("update_mask"));

  v1::ListTeamsRequest list;
  list.set_page_size(-1);
  v1::ListTeamsResponse teams;
  s = Call(identity_.get(), &Stub::ListTeams, admin_token_, list, &teams);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));
  list.set_page_size(1);
  list.set_page_token("garbage!");
  s = Call(identity_.get(), &Stub::ListTeams, admin_token_, list, &teams);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

// ---------------------------------------------------------------- semantics

TEST_F(IdentityServiceTest, RequestIdReplayReturnsTheFirstAnswer) {
  v1::Team first;
  ASSERT_TRUE(CreateTeam(admin_token_, "legal", &first, "req-1").ok());
  clock_.Advance(absl::Minutes(5));
  v1::Team second;
  ASSERT_TRUE(CreateTeam(admin_token_, "legal", &second, "req-1").ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ(CountEvents("team.created", "teams/legal"), 1);

  // Without the request_id it is a second create.
  EXPECT_EQ(CreateTeam(admin_token_, "legal").error_code(),
            grpc::ALREADY_EXISTS);
  // The same request_id for another request is refused.
  grpc::Status s = CreateTeam(admin_token_, "brand", nullptr, "req-1");
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("request_id"));
}

// A request_id's first answer is kept for the retention (24 h by
// default); after it the same id is a new request.
TEST_F(IdentityServiceTest, RequestIdsExpireAfterTheRetention) {
  v1::Team first;
  ASSERT_TRUE(CreateTeam(admin_token_, "legal", &first, "req-1").ok());
  clock_.Advance(absl::Hours(23));
  ASSERT_TRUE(server_->RunRetentionNow().ok());
  EXPECT_TRUE(CreateTeam(admin_token_, "legal", nullptr, "req-1").ok());
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(server_->RunRetentionNow().ok());
  EXPECT_EQ(CreateTeam(admin_token_, "legal", nullptr, "req-1").error_code(),
            grpc::ALREADY_EXISTS);
  // And the id may now carry another request.
  EXPECT_TRUE(CreateTeam(admin_token_, "brand", nullptr, "req-1").ok());
}

TEST_F(IdentityServiceTest, RetriedMemberAndGrantCallsChangeNothing) {
  CreateUserWithToken("ann");
  CreateUserWithToken("bot", /*bot=*/true);
  ASSERT_TRUE(AddMember(admin_token_, "sales", "ann").ok());

  // SetMemberRole: the retry answers LEAD again and leaves the later MEMBER.
  v1::SetMemberRoleRequest role;
  role.set_name("teams/sales/members/ann");
  role.set_role(v1::Membership::LEAD);
  role.set_request_id("role-1");
  v1::Membership first, again;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::SetMemberRole, admin_token_, role, &first)
          .ok());
  v1::SetMemberRoleRequest back = role;
  back.set_role(v1::Membership::MEMBER);
  back.clear_request_id();
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::SetMemberRole, admin_token_, back, &again)
          .ok());
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::SetMemberRole, admin_token_, role, &again)
          .ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(again.role(), v1::Membership::LEAD);
  v1::ListTeamMembersRequest list;
  list.set_parent("teams/sales");
  v1::ListTeamMembersResponse members;
  ASSERT_TRUE(Call(identity_.get(), &Stub::ListTeamMembers, admin_token_, list,
                   &members)
                  .ok());
  ASSERT_EQ(members.members_size(), 1);
  EXPECT_EQ(members.members(0).role(), v1::Membership::MEMBER);
  EXPECT_EQ(CountEvents("team.member_role_changed", "teams/sales"), 2);

  // RemoveTeamMember: the retry succeeds (not NOT_FOUND) and does not
  // remove Ann once she is back.
  v1::RemoveTeamMemberRequest remove;
  remove.set_name("teams/sales/members/ann");
  remove.set_request_id("remove-1");
  v1::RemoveTeamMemberResponse removed;
  ASSERT_TRUE(Call(identity_.get(), &Stub::RemoveTeamMember, admin_token_,
                   remove, &removed)
                  .ok());
  ASSERT_TRUE(AddMember(admin_token_, "sales", "ann").ok());
  ASSERT_TRUE(Call(identity_.get(), &Stub::RemoveTeamMember, admin_token_,
                   remove, &removed)
                  .ok());
  members.Clear();
  ASSERT_TRUE(Call(identity_.get(), &Stub::ListTeamMembers, admin_token_, list,
                   &members)
                  .ok());
  EXPECT_EQ(members.members_size(), 1);
  EXPECT_EQ(CountEvents("team.member_removed", "teams/sales"), 1);

  // CreateActAsGrant: the retry answers the first grant and does not bring
  // back one deleted since.
  v1::CreateActAsGrantRequest grant;
  grant.set_bot("users/bot");
  grant.set_user("users/ann");
  grant.set_request_id("grant-1");
  v1::ActAsGrant g1, g2;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateActAsGrant, admin_token_, grant, &g1)
          .ok());
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateActAsGrant, admin_token_, grant, &g2)
          .ok());
  EXPECT_EQ(g2.SerializeAsString(), g1.SerializeAsString());
  v1::DeleteActAsGrantRequest del;
  del.set_name(g1.name());
  v1::DeleteActAsGrantResponse deleted;
  ASSERT_TRUE(Call(identity_.get(), &Stub::DeleteActAsGrant, admin_token_, del,
                   &deleted)
                  .ok());
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateActAsGrant, admin_token_, grant, &g2)
          .ok());
  EXPECT_EQ(g2.SerializeAsString(), g1.SerializeAsString());
  v1::ListActAsGrantsRequest grants;
  grants.set_parent("users/bot");
  v1::ListActAsGrantsResponse listed;
  ASSERT_TRUE(Call(identity_.get(), &Stub::ListActAsGrants, admin_token_,
                   grants, &listed)
                  .ok());
  EXPECT_EQ(listed.grants_size(), 0);
  EXPECT_EQ(CountEvents("grant.created", g1.name()), 1);
}

TEST_F(IdentityServiceTest, UpdateMaskFollowsAip134) {
  v1::Team team;
  ASSERT_TRUE(CreateTeam(admin_token_, "legal", &team).ok());
  // No mask: what the request sets changes; the description stays empty.
  v1::UpdateTeamRequest update;
  update.mutable_team()->set_name("teams/legal");
  update.mutable_team()->set_display_name("Legal");
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::UpdateTeam, admin_token_, update, &team)
          .ok());
  EXPECT_EQ(team.display_name(), "Legal");
  // No mask and nothing set: an error that says to use the mask.
  update.mutable_team()->clear_display_name();
  grpc::Status s =
      Call(identity_.get(), &Stub::UpdateTeam, admin_token_, update, &team);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("update_mask"));
  // "*" is every updatable field: an unset display name is refused.
  update.mutable_update_mask()->add_paths("*");
  s = Call(identity_.get(), &Stub::UpdateTeam, admin_token_, update, &team);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("team.display_name"));
}

TEST_F(IdentityServiceTest, StaleEtagIsAborted) {
  v1::Team team;
  ASSERT_TRUE(CreateTeam(admin_token_, "legal", &team).ok());
  v1::UpdateTeamRequest update;
  *update.mutable_team() = team;
  update.mutable_team()->set_description("first");
  update.mutable_update_mask()->add_paths("description");
  v1::Team updated;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::UpdateTeam, admin_token_, update, &updated)
          .ok());
  EXPECT_NE(updated.etag(), team.etag());
  update.mutable_team()->set_description("second, from a stale read");
  grpc::Status s =
      Call(identity_.get(), &Stub::UpdateTeam, admin_token_, update, &updated);
  EXPECT_EQ(s.error_code(), grpc::ABORTED);
  EXPECT_THAT(s.error_message(), HasSubstr("etag"));
}

TEST_F(IdentityServiceTest, PagesHaveNoDuplicatesOrGapsWhileOthersWrite) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(CreateTeam(admin_token_, absl::StrCat("t", 100 + i)).ok());
  }
  std::set<std::string> seen;
  v1::ListTeamsRequest req;
  req.set_page_size(7);
  int pages = 0;
  while (true) {
    v1::ListTeamsResponse resp;
    ASSERT_TRUE(
        Call(identity_.get(), &Stub::ListTeams, admin_token_, req, &resp).ok());
    EXPECT_LE(resp.teams_size(), 7);
    for (const auto& t : resp.teams()) {
      EXPECT_TRUE(seen.insert(t.name()).second) << "duplicate " << t.name();
    }
    // A team created behind the cursor is not seen; one ahead of it is.
    ASSERT_TRUE(CreateTeam(admin_token_, absl::StrCat("a", pages)).ok());
    ASSERT_TRUE(CreateTeam(admin_token_, absl::StrCat("z", pages)).ok());
    ++pages;
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(seen.count(absl::StrCat("teams/t", 100 + i)));
  }
  EXPECT_TRUE(seen.count("teams/marketing"));
  EXPECT_TRUE(seen.count("teams/z0"));
  EXPECT_FALSE(seen.count("teams/a0"));
}

TEST_F(IdentityServiceTest, BackupIsAUsableDataFolder) {
  ASSERT_TRUE(CreateTeam(admin_token_, "legal").ok());
  v1::BackupRequest req;
  req.set_destination(dir_.Sub("backup"));
  v1::BackupResponse resp;
  ASSERT_TRUE(Call(admin_.get(), &v1::AdminService::Stub::Backup, admin_token_,
                   req, &resp)
                  .ok());
  EXPECT_EQ(resp.revision(), server_->engine()->committed_revision());
  EXPECT_GT(resp.size_bytes(), 0u);
  grpc::Status s = Call(admin_.get(), &v1::AdminService::Stub::Backup,
                        admin_token_, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::ALREADY_EXISTS);
  ASSERT_TRUE(CreateTeam(admin_token_, "after-backup").ok());

  // Start a second server on the copy: the admin token still works there.
  server_.reset();
  std::string token = admin_token_;
  StartServer(dir_.Sub("backup"));
  admin_token_ = token;
  v1::GetTeamRequest get;
  get.set_name("teams/legal");
  v1::Team team;
  EXPECT_TRUE(Call(identity_.get(), &Stub::GetTeam, token, get, &team).ok());
  get.set_name("teams/after-backup");
  EXPECT_EQ(
      Call(identity_.get(), &Stub::GetTeam, token, get, &team).error_code(),
      grpc::NOT_FOUND);
}

TEST_F(IdentityServiceTest, EventFeedIsInOrderAndPagesByWholeRevisions) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(CreateTeam(admin_token_, absl::StrCat("t", i)).ok());
  }
  // Revision 1 is the bootstrap with seven events (four teams, admin, its
  // token, the default calendar); ask for 2 at a time.
  v1::ListEventsRequest req;
  req.set_page_size(2);
  std::vector<v1::Event> all;
  for (int i = 0; i < 100; ++i) {
    v1::ListEventsResponse resp;
    ASSERT_TRUE(Call(events_.get(), &v1::EventService::Stub::ListEvents,
                     admin_token_, req, &resp)
                    .ok());
    if (resp.events().empty()) break;
    all.insert(all.end(), resp.events().begin(), resp.events().end());
    req.set_after_revision(resp.next_after_revision());
  }
  ASSERT_EQ(all.size(), 7u + 5u);
  EXPECT_EQ(all[0].revision(), 1u);
  EXPECT_EQ(all[6].revision(), 1u);
  for (size_t i = 7; i < all.size(); ++i) {
    EXPECT_EQ(all[i].revision(), i - 5);
    EXPECT_EQ(all[i].type(), "team.created");
    EXPECT_EQ(all[i].actor(), "users/admin");
  }
}

}  // namespace
}  // namespace mops

// Identity's events are typed: each carries the user, team, membership,
// token or grant as it is after the change (never a token's secret).
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/service_fixture.h"

namespace mops {
namespace {

using Stub = v1::IdentityService::Stub;

class IdentityEventsTest : public testing::ServiceTest {
 protected:
  // The last event of `type` about `subject`; ADD_FAILURE when none.
  v1::Event Last(const std::string& type, const std::string& subject) {
    v1::Event last;
    bool found = false;
    for (const auto& e : AllEvents()) {
      if (e.type() == type && e.subject() == subject) {
        last = e;
        found = true;
      }
    }
    if (!found) ADD_FAILURE() << "no " << type << " about " << subject;
    return last;
  }
};

TEST_F(IdentityEventsTest, BootstrapEventsCarryTheTeamsAndTheAdmin) {
  EXPECT_EQ(Last("team.created", "teams/marketing")
                .team_created()
                .team()
                .display_name(),
            "Marketing");
  v1::Event admin = Last("user.created", "users/admin");
  EXPECT_TRUE(admin.user_created().user().admin());
  EXPECT_EQ(admin.actor(), "system");
}

TEST_F(IdentityEventsTest, UserTeamAndMemberEventsCarryTheResource) {
  v1::CreateUserRequest create;
  create.set_user_id("ann");
  create.mutable_user()->set_display_name("Ann");
  create.mutable_user()->set_kind(v1::User::PERSON);
  v1::User user;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateUser, admin_token_, create, &user)
          .ok());
  EXPECT_EQ(Last("user.created", "users/ann").user_created().user().kind(),
            v1::User::PERSON);

  v1::UpdateUserRequest update;
  update.mutable_user()->set_name("users/ann");
  update.mutable_user()->set_email("ann@example.com");
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::UpdateUser, admin_token_, update, &user)
          .ok());
  v1::Event updated = Last("user.updated", "users/ann");
  EXPECT_EQ(updated.user_updated().user().email(), "ann@example.com");
  EXPECT_EQ(updated.user_updated().fields().size(), 1);
  EXPECT_EQ(updated.user_updated().fields(0), "email");

  v1::AddTeamMemberRequest add;
  add.set_team("teams/sales");
  add.set_user("users/ann");
  add.set_role(v1::Membership::LEAD);
  v1::Membership m;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::AddTeamMember, admin_token_, add, &m).ok());
  v1::Event added = Last("team.member_added", "teams/sales");
  EXPECT_EQ(added.team_member_added().member().user(), "users/ann");
  EXPECT_EQ(added.team_member_added().member().role(), v1::Membership::LEAD);
  EXPECT_EQ(added.team_member_added().team().member_count(), 1);

  v1::SetMemberRoleRequest role;
  role.set_name("teams/sales/members/ann");
  role.set_role(v1::Membership::MEMBER);
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::SetMemberRole, admin_token_, role, &m).ok());
  EXPECT_EQ(Last("team.member_role_changed", "teams/sales")
                .team_member_role_changed()
                .member()
                .role(),
            v1::Membership::MEMBER);

  v1::RemoveTeamMemberRequest remove;
  remove.set_name("teams/sales/members/ann");
  v1::RemoveTeamMemberResponse removed_resp;
  ASSERT_TRUE(Call(identity_.get(), &Stub::RemoveTeamMember, admin_token_,
                   remove, &removed_resp)
                  .ok());
  v1::Event removed = Last("team.member_removed", "teams/sales");
  EXPECT_EQ(removed.team_member_removed().member().user(), "users/ann");
  EXPECT_EQ(removed.team_member_removed().team().member_count(), 0);

  v1::DeactivateUserRequest deactivate;
  deactivate.set_name("users/ann");
  ASSERT_TRUE(Call(identity_.get(), &Stub::DeactivateUser, admin_token_,
                   deactivate, &user)
                  .ok());
  EXPECT_EQ(
      Last("user.deactivated", "users/ann").user_deactivated().user().state(),
      v1::User::DEACTIVATED);
}

TEST_F(IdentityEventsTest, TokenEventsNeverHoldTheSecret) {
  v1::CreateTokenRequest create;
  create.set_parent("users/admin");
  create.set_display_name("ci");
  v1::CreateTokenResponse made;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::CreateToken, admin_token_, create, &made)
          .ok());
  v1::Event created = Last("token.created", made.token().name());
  EXPECT_EQ(created.token_created().token().display_name(), "ci");
  const std::string secret = made.secret().substr(made.secret().rfind('_'));
  EXPECT_EQ(created.SerializeAsString().find(secret), std::string::npos);

  v1::RevokeTokenRequest revoke;
  revoke.set_name(made.token().name());
  v1::Token token;
  ASSERT_TRUE(
      Call(identity_.get(), &Stub::RevokeToken, admin_token_, revoke, &token)
          .ok());
  EXPECT_EQ(Last("token.revoked", made.token().name())
                .token_revoked()
                .token()
                .state(),
            v1::Token::REVOKED);
}

}  // namespace
}  // namespace mops

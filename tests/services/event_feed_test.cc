// The change feed for every caller: what each may see (admin-only and
// owner-only types), filters by type and subject, and paging that moves on
// past events nobody asked for.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/event_filter.h"
#include "tests/testing/approvals_fixture.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using EStub = v1::EventService::Stub;

class EventFeedTest : public testing::ApprovalsTest {
 protected:
  // Every event `token` may see through the filter, paging to the head.
  std::vector<v1::Event> Feed(const std::string& token,
                              const v1::EventFilter& filter = {},
                              int page_size = 0) {
    std::vector<v1::Event> out;
    v1::ListEventsRequest req;
    *req.mutable_filter() = filter;
    req.set_page_size(page_size);
    for (int i = 0; i < 1000; ++i) {
      v1::ListEventsResponse resp;
      grpc::Status s =
          Call(events_.get(), &EStub::ListEvents, token, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      out.insert(out.end(), resp.events().begin(), resp.events().end());
      if (resp.next_after_revision() >= resp.head_revision()) break;
      EXPECT_GT(resp.next_after_revision(), req.after_revision());
      req.set_after_revision(resp.next_after_revision());
    }
    return out;
  }
  static std::vector<std::string> Types(const std::vector<v1::Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type());
    return out;
  }
};

TEST_F(EventFeedTest, EachCallerSeesWhatTheyMayRead) {
  v1::Delegation d;
  Must(Delegate("fin1", "sub", clock_.Now(), clock_.Now() + absl::Hours(1), {},
                &d));
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a));

  const std::vector<v1::Event> admin = Feed(admin_token_);
  const std::vector<v1::Event> fin1 = Feed(tokens_["fin1"]);
  const std::vector<v1::Event> req = Feed(tokens_["req"]);
  auto has = [](const std::vector<v1::Event>& events, const std::string& type) {
    for (const auto& e : events) {
      if (e.type() == type) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(admin, "token.created"));
  EXPECT_TRUE(has(admin, "delegation.created"));
  EXPECT_FALSE(has(fin1, "token.created"));
  EXPECT_FALSE(has(req, "token.created"));
  // The delegation is fin1's: they see it, the requester does not.
  EXPECT_TRUE(has(fin1, "delegation.created"));
  EXPECT_FALSE(has(req, "delegation.created"));
  // Approvals, teams and users are for everyone.
  EXPECT_TRUE(has(req, "approval.requested"));
  EXPECT_TRUE(has(req, "team.member_added"));
  EXPECT_LT(req.size(), admin.size());
}

TEST_F(EventFeedTest, FiltersByTypeAndSubject) {
  v1::Approval a, b;
  Must(Request("req", {Users({"fin1"})}, &a));
  Must(Request("req", {Users({"fin2"})}, &b));
  Must(Decide("fin1", a, v1::Decision::APPROVE, &a));

  v1::EventFilter approvals;
  approvals.add_types("approval.*");
  for (const std::string& type : Types(Feed(tokens_["req"], approvals))) {
    EXPECT_EQ(type.rfind("approval.", 0), 0u) << type;
  }
  v1::EventFilter decided;
  decided.add_types("approval.decided");
  decided.add_subjects(a.name());
  EXPECT_THAT(Types(Feed(tokens_["req"], decided)),
              ::testing::ElementsAre("approval.decided"));
  v1::EventFilter of_b;
  of_b.add_subjects(b.name());
  for (const auto& e : Feed(tokens_["req"], of_b)) {
    EXPECT_EQ(e.subject(), b.name());
  }
  // A prefix, and a name that matches what is under it.
  v1::EventFilter teams;
  teams.add_subjects("teams/");
  EXPECT_FALSE(Feed(tokens_["req"], teams).empty());
  v1::EventFilter finance;
  finance.add_subjects("teams/fin");  // not a prefix: no teams/finance
  EXPECT_TRUE(Feed(tokens_["req"], finance).empty());
}

// With a page size of 1 and a filter that matches one late event, the
// pages move on through the rest and end at the head.
TEST_F(EventFeedTest, NarrowFiltersPageToTheHead) {
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a));
  v1::EventFilter f;
  f.add_types("approval.requested");
  EXPECT_EQ(Feed(tokens_["req"], f, 1).size(), 1u);
}

// Revisions after the last event that wrote none (a reminder timer that
// found its round decided) are passed too: the pages end at the head.
TEST_F(EventFeedTest, PagesReachTheHeadPastRevisionsWithoutEvents) {
  clock_.Set(testing::T("2027-03-24T09:00:00Z"));
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a, "4bh"));
  Must(Decide("fin1", a, v1::Decision::APPROVE, &a));
  const uint64_t before = server_->engine()->committed_revision();
  clock_.Set(testing::T("2027-03-24T14:00:00Z"));  // reminders and deadline
  for (int i = 0; i < 100 && server_->engine()->committed_revision() == before;
       ++i) {
    Settle();
  }
  ASSERT_GT(server_->engine()->committed_revision(), before);
  v1::ListEventsRequest req;
  req.set_after_revision(before);
  v1::ListEventsResponse resp;
  Must(Call(events_.get(), &EStub::ListEvents, tokens_["req"], req, &resp));
  EXPECT_EQ(resp.events_size(), 0);
  EXPECT_EQ(resp.next_after_revision(), resp.head_revision());
}

// Past the retention, a read from before the first kept revision is
// OUT_OF_RANGE naming it; from there on the feed reads.
TEST_F(EventFeedTest, ReadingFromBeforeTheRetentionIsOutOfRange) {
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a));
  clock_.Advance(absl::Hours(24 * 91));  // past the default 90 days
  Must(Decide("fin1", a, v1::Decision::APPROVE, &a));
  auto first = server_->RunRetentionNow();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_GT(*first, 1u);
  v1::ListEventsRequest req;
  v1::ListEventsResponse resp;
  grpc::Status s =
      Call(events_.get(), &EStub::ListEvents, tokens_["req"], req, &resp);
  EXPECT_EQ(s.error_code(), grpc::OUT_OF_RANGE);
  EXPECT_THAT(s.error_message(),
              HasSubstr(absl::StrCat("first revision kept is ", *first)));
  req.set_after_revision(*first - 1);
  Must(Call(events_.get(), &EStub::ListEvents, tokens_["req"], req, &resp));
  ASSERT_GT(resp.events_size(), 0);
  EXPECT_EQ(resp.events(0).revision(), *first);
  EXPECT_EQ(resp.events(0).type(), "approval.decided");
}

// Events from before data format 3 have no typed payload; their type still
// decides who reads them.
TEST(EventVisibilityTest, LegacyEventsKeepTheirTypesRule) {
  services::Principal ann;
  ann.user_id = "ann";
  services::Principal admin = services::Principal::System();
  v1::Event token;
  token.set_type("token.created");
  token.mutable_legacy();
  EXPECT_FALSE(services::EventVisibleTo(ann, token));
  EXPECT_TRUE(services::EventVisibleTo(admin, token));
  v1::Event delegation;
  delegation.set_type("delegation.created");
  delegation.set_subject("users/ann/delegations/d1");
  delegation.mutable_legacy();
  EXPECT_TRUE(services::EventVisibleTo(ann, delegation));
  delegation.set_subject("users/bob/delegations/d1");
  EXPECT_FALSE(services::EventVisibleTo(ann, delegation));
  v1::Event team;
  team.set_type("team.created");
  team.mutable_legacy();
  EXPECT_TRUE(services::EventVisibleTo(ann, team));
  v1::Event unknown;
  unknown.set_type("thing.vanished");
  unknown.mutable_legacy();
  EXPECT_FALSE(services::EventVisibleTo(ann, unknown));
}

TEST_F(EventFeedTest, BadFiltersNameTheField) {
  v1::ListEventsRequest req;
  req.mutable_filter()->add_types("approval.decided");
  req.mutable_filter()->add_types("approval.exploded");
  v1::ListEventsResponse resp;
  grpc::Status s =
      Call(events_.get(), &EStub::ListEvents, tokens_["req"], req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("filter.types[1]"));
  req.mutable_filter()->clear_types();
  req.mutable_filter()->add_types("nothing.*");
  EXPECT_EQ(Call(events_.get(), &EStub::ListEvents, tokens_["req"], req, &resp)
                .error_code(),
            grpc::INVALID_ARGUMENT);
  req.mutable_filter()->clear_types();
  req.mutable_filter()->add_subjects("");
  s = Call(events_.get(), &EStub::ListEvents, tokens_["req"], req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("filter.subjects[0]"));
}

}  // namespace
}  // namespace mops

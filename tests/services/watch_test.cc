// WatchEvents: catch-up then live, resume without gap or repeat, progress
// notices, visibility, retention, a slow reader, the server stopping and a
// revoked token.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/approvals_fixture.h"
#include "tests/testing/watch_client.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using testing::WatchClient;

v1::WatchEventsRequest After(uint64_t revision,
                             std::vector<std::string> types = {}) {
  v1::WatchEventsRequest req;
  req.set_after_revision(revision);
  for (auto& t : types) req.mutable_filter()->add_types(t);
  return req;
}

v1::WatchEventsRequest FromNow(std::vector<std::string> types = {}) {
  v1::WatchEventsRequest req = After(0, std::move(types));
  req.set_from_now(true);
  return req;
}

// "revision.index" of each event: a sequence to compare.
std::vector<std::string> Positions(const std::vector<v1::Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    out.push_back(absl::StrCat(e.revision(), ".", e.index(), " ", e.type()));
  }
  return out;
}

class WatchTest : public testing::ApprovalsTest {
 protected:
  // What ListEvents gives `token` after `after` through the type filter.
  std::vector<v1::Event> Listed(const std::string& token, uint64_t after,
                                std::vector<std::string> types = {}) {
    std::vector<v1::Event> out;
    v1::ListEventsRequest req;
    req.set_after_revision(after);
    for (auto& t : types) req.mutable_filter()->add_types(t);
    for (int i = 0; i < 1000; ++i) {
      v1::ListEventsResponse resp;
      grpc::Status s = Call(events_.get(), &v1::EventService::Stub::ListEvents,
                            token, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      out.insert(out.end(), resp.events().begin(), resp.events().end());
      if (resp.next_after_revision() >= resp.head_revision()) break;
      req.set_after_revision(resp.next_after_revision());
    }
    return out;
  }

  // Reads messages until one says everything through `revision` was sent;
  // the events on the way, in order. *last gets the last
  // next_after_revision.
  std::vector<v1::Event> ReadThrough(WatchClient& w, uint64_t revision,
                                     uint64_t* last = nullptr) {
    std::vector<v1::Event> out;
    uint64_t previous = 0;
    while (true) {
      auto m = w.Next();
      if (!m) {
        ADD_FAILURE() << "the watch did not reach revision " << revision;
        return out;
      }
      EXPECT_GE(m->next_after_revision(), previous);
      previous = m->next_after_revision();
      for (const auto& e : m->events()) {
        EXPECT_LE(e.revision(), m->next_after_revision());
        out.push_back(e);
      }
      if (last) *last = m->next_after_revision();
      if (m->next_after_revision() >= revision) return out;
    }
  }

  uint64_t Head() { return server_->engine()->committed_revision(); }

  void CreateTask(const std::string& id) {
    v1::CreateTaskRequest req;
    req.set_parent("projects/launch");
    req.set_task_id(id);
    req.mutable_task()->set_title(id);
    req.set_request_id(id);
    v1::Task t;
    Must(Call(tasks_.get(), &v1::TaskService::Stub::CreateTask, admin_token_,
              req, &t));
  }
};

TEST_F(WatchTest, SendsTheStoredEventsThenNewOnesAsTheyCommit) {
  v1::Approval a, b;
  Must(Request("req", {Users({"fin1"})}, &a));
  const uint64_t before = Head();
  WatchClient w(events_.get(), tokens_["req"], After(0, {"approval.*"}));
  // The first message is a notice of where the watch starts.
  auto first = w.Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->events_size(), 0);
  EXPECT_EQ(first->next_after_revision(), 0u);
  std::vector<v1::Event> got = ReadThrough(w, before);
  EXPECT_EQ(Positions(got),
            Positions(Listed(tokens_["req"], 0, {"approval.*"})));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back().approval_requested().approval().name(), a.name());

  Must(Request("req", {Users({"fin1"})}, &b));
  auto live = w.NextWithEvents();
  ASSERT_TRUE(live);
  ASSERT_EQ(live->events_size(), 1);
  EXPECT_EQ(live->events(0).type(), "approval.requested");
  EXPECT_EQ(live->events(0).approval_requested().approval().name(), b.name());
  EXPECT_EQ(live->next_after_revision(), live->events(0).revision());
}

TEST_F(WatchTest, FromNowStartsAtTheHead) {
  v1::Approval a, b;
  Must(Request("req", {Users({"fin1"})}, &a));
  WatchClient w(events_.get(), tokens_["req"], FromNow({"approval.*"}));
  auto first = w.Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->events_size(), 0);
  EXPECT_EQ(first->next_after_revision(), Head());
  Must(Request("req", {Users({"fin1"})}, &b));
  auto live = w.NextWithEvents();
  ASSERT_TRUE(live);
  EXPECT_EQ(live->events(0).approval_requested().approval().name(), b.name());
}

TEST_F(WatchTest, ResumesWithoutAGapOrARepeat) {
  v1::Approval a;
  const uint64_t start = Head();
  Must(Request("req", {Users({"fin1"})}, &a));
  Must(Decide("fin1", a, v1::Decision::APPROVE));
  uint64_t stopped = 0;
  std::vector<v1::Event> seen;
  {
    WatchClient w(events_.get(), tokens_["fin1"], After(start));
    seen = ReadThrough(w, Head(), &stopped);
  }  // cancelled
  for (int i = 0; i < 3; ++i) CreateTask(absl::StrCat("t", i));
  v1::Approval b;
  Must(Request("req", {Users({"fin1"})}, &b));
  WatchClient w(events_.get(), tokens_["fin1"], After(stopped));
  std::vector<v1::Event> rest = ReadThrough(w, Head());
  seen.insert(seen.end(), rest.begin(), rest.end());
  EXPECT_EQ(Positions(seen), Positions(Listed(tokens_["fin1"], start)));
}

TEST_F(WatchTest, CatchUpWhileWritesGoOnMissesNothing) {
  for (int i = 0; i < 30; ++i) CreateTask(absl::StrCat("before", i));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) CreateTask(absl::StrCat("during", i));
    done = true;
  });
  WatchClient w(events_.get(), admin_token_, After(0));
  while (!done) absl::SleepFor(absl::Milliseconds(5));
  writer.join();
  std::vector<v1::Event> got = ReadThrough(w, Head());
  EXPECT_EQ(Positions(got), Positions(Listed(admin_token_, 0)));
}

TEST_F(WatchTest, EachWatcherSeesOnlyWhatItMayRead) {
  WatchClient admin(events_.get(), admin_token_, FromNow());
  WatchClient user(events_.get(), tokens_["req"], FromNow());
  ASSERT_TRUE(admin.Next());
  ASSERT_TRUE(user.Next());
  CreateToken("fin1");  // token.created: admins only
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a));
  auto to_admin = admin.NextWithEvents();
  ASSERT_TRUE(to_admin);
  EXPECT_EQ(to_admin->events(0).type(), "token.created");
  auto to_user = user.NextWithEvents();
  ASSERT_TRUE(to_user);
  EXPECT_EQ(to_user->events(0).type(), "approval.requested");
}

TEST_F(WatchTest, IdleWatchGetsProgressNoticesCarryingTheHead) {
  v1::WatchEventsRequest req = FromNow({"approval.*"});
  req.mutable_progress_interval()->set_seconds(1);
  WatchClient w(events_.get(), tokens_["req"], req);
  ASSERT_TRUE(w.Next());
  CreateTask("not-an-approval");
  const uint64_t head = Head();
  const absl::Time asked = absl::Now();
  auto notice = w.Next(absl::Seconds(5));
  ASSERT_TRUE(notice);
  EXPECT_GE(absl::Now() - asked, absl::Milliseconds(500));
  EXPECT_EQ(notice->events_size(), 0);
  // The task's revision is done too: a resume starts after it.
  EXPECT_EQ(notice->next_after_revision(), head);
  EXPECT_EQ(notice->head_revision(), head);
}

TEST_F(WatchTest, RefusesBadRequestsNamingTheField) {
  v1::WatchEventsRequest both = After(3);
  both.set_from_now(true);
  v1::WatchEventsRequest type = After(0, {"approval.nope"});
  v1::WatchEventsRequest fast = FromNow();
  fast.mutable_progress_interval()->set_nanos(500000000);
  v1::WatchEventsRequest future = After(Head() + 100);
  struct Case {
    v1::WatchEventsRequest req;
    grpc::StatusCode code;
    std::string names;
  };
  for (const Case& c : {Case{both, grpc::INVALID_ARGUMENT, "after_revision"},
                        Case{type, grpc::INVALID_ARGUMENT, "filter.types[0]"},
                        Case{fast, grpc::INVALID_ARGUMENT, "progress_interval"},
                        Case{future, grpc::OUT_OF_RANGE, "head revision"}}) {
    WatchClient w(events_.get(), admin_token_, c.req);
    auto s = w.Status();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->error_code(), c.code) << c.names;
    EXPECT_THAT(s->error_message(), HasSubstr(c.names));
  }
  WatchClient anonymous(events_.get(), "", FromNow());
  auto s = anonymous.Status();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->error_code(), grpc::UNAUTHENTICATED);
}

TEST_F(WatchTest, RevokedTokenEndsTheWatchAtTheNextNotice) {
  const std::string token = CreateUserWithToken("watcher");
  v1::WatchEventsRequest req = FromNow();
  req.mutable_progress_interval()->set_seconds(1);
  WatchClient w(events_.get(), token, req);
  ASSERT_TRUE(w.Next());
  v1::DeactivateUserRequest deactivate;
  deactivate.set_name("users/watcher");
  v1::User u;
  Must(Call(identity_.get(), &v1::IdentityService::Stub::DeactivateUser,
            admin_token_, deactivate, &u));
  auto s = w.Status(absl::Seconds(5));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->error_code(), grpc::UNAUTHENTICATED) << s->error_message();
}

TEST_F(WatchTest, StoppingTheServerEndsWatchesWithTheResumeRevision) {
  WatchClient w(events_.get(), admin_token_, FromNow());
  auto first = w.Next();
  ASSERT_TRUE(first);
  server_->Shutdown();
  auto s = w.Status();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->error_code(), grpc::UNAVAILABLE);
  EXPECT_THAT(s->error_message(), HasSubstr("shutting down"));
  EXPECT_THAT(s->error_message(),
              HasSubstr(absl::StrCat("resume with after_revision ",
                                     first->next_after_revision())));
  EXPECT_EQ(w.resume_metadata(), absl::StrCat(first->next_after_revision()));
}

class SlowWatchTest : public WatchTest {
 protected:
  void SetUp() override {
    options_.watch.max_events = 5;
    WatchTest::SetUp();
  }
};

TEST_F(SlowWatchTest, AReaderThatFallsBehindIsEndedAndResumes) {
  const uint64_t start = Head();
  // A channel whose flow-control window stays small (no BDP probing grows
  // it), so that the server's writes wait for the client to read.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 65536);
  auto slow_stub = v1::EventService::NewStub(grpc::CreateCustomChannel(
      server_->address(), grpc::InsecureChannelCredentials(), args));
  WatchClient w(slow_stub.get(), admin_token_, After(start, {"approval.*"}),
                /*paused=*/true);
  // Each event carries 10,000 bytes of details: the stream's flow-control
  // window fills after a few, then the server's buffer of 5.
  v1::CreateApprovalRequest req;
  req.mutable_approval()->set_subject("projects/launch");
  req.mutable_approval()->set_title("Big");
  req.mutable_approval()->set_details(std::string(10000, 'x'));
  *req.mutable_approval()->add_groups() = Users({"fin1"});
  // 1 MB: more than that window and the server's buffer of 5 events.
  int created = 0;
  for (; created < 100; ++created) {
    req.set_request_id(absl::StrCat("big", created));
    v1::Approval a;
    Must(Call(approvals_.get(), &testing::AStub::CreateApproval, tokens_["req"],
              req, &a));
  }
  w.Resume();
  std::vector<v1::Event> got;
  uint64_t last = start;
  while (auto m = w.Next()) {
    got.insert(got.end(), m->events().begin(), m->events().end());
    last = m->next_after_revision();
  }
  auto s = w.Status();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->error_code(), grpc::RESOURCE_EXHAUSTED) << s->error_message();
  EXPECT_THAT(s->error_message(), HasSubstr("fell behind"));
  EXPECT_THAT(s->error_message(),
              HasSubstr(absl::StrCat("resume with after_revision ", last)));
  EXPECT_EQ(w.resume_metadata(), absl::StrCat(last));
  EXPECT_LT(got.size(), static_cast<size_t>(created));

  WatchClient again(events_.get(), admin_token_, After(last, {"approval.*"}));
  std::vector<v1::Event> rest = ReadThrough(again, Head());
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(Positions(got),
            Positions(Listed(admin_token_, start, {"approval.*"})));
}

class WatchRetentionTest : public WatchTest {
 protected:
  void SetUp() override {
    options_.retention.max_revisions = 5;
    WatchTest::SetUp();
  }
};

TEST_F(WatchRetentionTest, WatchingFromBeforeTheRetentionIsOutOfRange) {
  for (int i = 0; i < 10; ++i) CreateTask(absl::StrCat("t", i));
  absl::StatusOr<uint64_t> first = server_->RunRetentionNow();
  ASSERT_TRUE(first.ok()) << first.status();
  WatchClient w(events_.get(), admin_token_, After(1));
  auto s = w.Status();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->error_code(), grpc::OUT_OF_RANGE);
  EXPECT_THAT(s->error_message(),
              HasSubstr(absl::StrCat("the first revision kept is ", *first)));
  // From just before the first kept it works.
  WatchClient ok(events_.get(), admin_token_, After(*first - 1));
  std::vector<v1::Event> got = ReadThrough(ok, Head());
  EXPECT_EQ(Positions(got), Positions(Listed(admin_token_, *first - 1)));
}

}  // namespace
}  // namespace mops

// Webhook deliveries end to end, against a real receiver: signed per
// Standard Webhooks, retried on the schedule (on the fake clock), 410,
// rotation, redelivery, and nothing lost across a restart.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/webhooks_fixture.h"

namespace mops::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(WebhooksTest, DeliversEachEventSignedWithTheStandardHeaders) {
  const std::string secret = CreateProjectHook("crm");
  MakeProject("p1");
  ASSERT_TRUE(receiver_.WaitFor(1));
  const ReceivedRequest r = receiver_.Requests()[0];
  EXPECT_EQ(r.path, "/hook");
  EXPECT_EQ(Header(r, "content-type"), "application/json");
  EXPECT_TRUE(SignedWith(r, secret));
  EXPECT_EQ(SignatureCount(r), 1);
  EXPECT_EQ(Header(r, "webhook-timestamp"),
            std::to_string(absl::ToUnixSeconds(kTestStart)));
  EXPECT_TRUE(absl::StartsWith(Header(r, "webhook-id"), "evt_"));
  EXPECT_THAT(r.body, HasSubstr(R"("type":"project.created")"));
  EXPECT_THAT(r.body, HasSubstr(R"("subject":"projects/p1")"));
  std::vector<v1::WebhookDelivery> log = WaitForLog("crm", 1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome(), v1::WebhookDelivery::SUCCEEDED);
  EXPECT_EQ(log[0].message_id(), Header(r, "webhook-id"));
  EXPECT_EQ(log[0].status_code(), 200);
  EXPECT_EQ(log[0].response_excerpt(), "ok");
  EXPECT_GT(Get("crm").delivered_revision(), 0u);
}

TEST_F(WebhooksTest, SendsOnlyWhatTheOwnerMayReadAndTheFilterWants) {
  v1::CreateWebhookResponse all;
  ASSERT_TRUE(Create(ann_, receiver_.Url(), {}, &all, "all").ok());
  CreateToken("bob");  // token.created: admins only
  MakeProject("p1");   // project.created: everyone
  ASSERT_TRUE(receiver_.WaitFor(1));
  absl::SleepFor(absl::Milliseconds(500));
  std::vector<ReceivedRequest> got = receiver_.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_THAT(got[0].body, HasSubstr("project.created"));
}

TEST_F(WebhooksTest, RetriesOnTheScheduleWithTheSameIdUntilItSucceeds) {
  const std::string secret = CreateProjectHook("crm");
  receiver_.Script({{500, "boom"}, {502, ""}});
  MakeProject("p1");
  ASSERT_TRUE(receiver_.WaitFor(1));
  std::vector<v1::WebhookDelivery> log = WaitForLog("crm", 1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome(), v1::WebhookDelivery::RETRYING);
  EXPECT_EQ(log[0].response_excerpt(), "boom");
  EXPECT_EQ(absl::FromUnixSeconds(log[0].next_attempt_time().seconds()),
            kTestStart + absl::Seconds(10));
  EXPECT_EQ(Get("crm").pending_deliveries(), 1);
  EXPECT_TRUE(Get("crm").has_failing_since());
  // Not before it is due (10 s after the attempt failed).
  clock_.Advance(absl::Seconds(9));
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(receiver_.Requests().size(), 1u);
  clock_.Advance(absl::Seconds(2));
  ASSERT_TRUE(receiver_.WaitFor(2));
  clock_.Advance(absl::Minutes(1) + absl::Seconds(1));
  ASSERT_TRUE(receiver_.WaitFor(3));
  log = WaitForLog("crm", 3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].attempt(), 2);
  EXPECT_EQ(log[2].attempt(), 3);
  EXPECT_EQ(log[2].outcome(), v1::WebhookDelivery::SUCCEEDED);
  std::vector<ReceivedRequest> got = receiver_.Requests();
  for (const ReceivedRequest& r : got) {
    EXPECT_EQ(Header(r, "webhook-id"), log[0].message_id());
    EXPECT_EQ(r.body, got[0].body);
    EXPECT_TRUE(SignedWith(r, secret));
  }
  EXPECT_NE(Header(got[0], "webhook-timestamp"),
            Header(got[2], "webhook-timestamp"));
  v1::Webhook w = Get("crm");
  EXPECT_EQ(w.pending_deliveries(), 0);
  EXPECT_FALSE(w.has_failing_since());
}

TEST_F(WebhooksTest, GivesUpAfterTheLastAttempt) {
  CreateProjectHook("crm");
  receiver_.Script({{500}, {500}, {500}});
  MakeProject("p1");
  ASSERT_TRUE(receiver_.WaitFor(1));
  WaitForLog("crm", 1);
  clock_.Advance(absl::Seconds(11));
  ASSERT_TRUE(receiver_.WaitFor(2));
  WaitForLog("crm", 2);
  clock_.Advance(absl::Minutes(1) + absl::Seconds(1));
  ASSERT_TRUE(receiver_.WaitFor(3));
  std::vector<v1::WebhookDelivery> log = WaitForLog("crm", 3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].outcome(), v1::WebhookDelivery::FAILED);
  EXPECT_FALSE(log[2].has_next_attempt_time());
  EXPECT_EQ(Get("crm").pending_deliveries(), 0);
  // Given up with nothing else waiting: the failing streak is over, so a
  // failure days later does not count as days of failing.
  EXPECT_FALSE(Get("crm").has_failing_since());
}

TEST_F(WebhooksTest, HonoursRetryAfterOn503) {
  CreateProjectHook("crm");
  receiver_.Script({{503, "busy", {{"Retry-After", "120"}}}});
  MakeProject("p1");
  std::vector<v1::WebhookDelivery> log = WaitForLog("crm", 1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status_code(), 503);
  const absl::Time next =
      absl::FromUnixSeconds(log[0].next_attempt_time().seconds());
  EXPECT_GE(next, kTestStart + absl::Seconds(120));
  EXPECT_LE(next, kTestStart + absl::Seconds(121));
  clock_.Advance(absl::Seconds(10));  // the schedule's delay: too early
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(receiver_.Requests().size(), 1u);
  clock_.Advance(absl::Seconds(112));
  EXPECT_TRUE(receiver_.WaitFor(2));
}

TEST_F(WebhooksTest, GoneDisablesTheWebhookWithAnEvent) {
  CreateProjectHook("crm");
  receiver_.Script({{410, "unsubscribed"}});
  MakeProject("p1");
  ASSERT_TRUE(receiver_.WaitFor(1));
  WaitForLog("crm", 1);
  v1::Webhook w = Get("crm");
  EXPECT_EQ(w.state(), v1::Webhook::DISABLED);
  EXPECT_THAT(w.disabled_reason(), HasSubstr("410"));
  EXPECT_EQ(CountEvents("webhook.disabled", "webhooks/crm"), 1);
  MakeProject("p2");
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(receiver_.Requests().size(), 1u);
}

TEST_F(WebhooksTest, AWebhookFailingPastTheLimitIsDisabled) {
  CreateProjectHook("crm");  // disable_after is 1h here
  receiver_.Script({{500}, {500}, {500}, {500}});
  MakeProject("p1");
  WaitForLog("crm", 1);
  clock_.Advance(absl::Minutes(59));
  MakeProject("p2");
  WaitForLog("crm", 3);  // p1's retry and p2's first attempt
  EXPECT_EQ(Get("crm").state(), v1::Webhook::ENABLED);
  clock_.Advance(absl::Minutes(2));
  MakeProject("p3");
  WaitForLog("crm", 4);
  v1::Webhook w = Get("crm");
  EXPECT_EQ(w.state(), v1::Webhook::DISABLED);
  EXPECT_THAT(w.disabled_reason(), HasSubstr("failed for 1h"));
  EXPECT_EQ(w.pending_deliveries(), 0);
}

TEST_F(WebhooksTest, RotationSignsWithBothSecretsForTheOverlap) {
  const std::string old_secret = CreateProjectHook("crm");
  v1::RotateWebhookSecretRequest req;
  req.set_name("webhooks/crm");
  v1::RotateWebhookSecretResponse rotated;
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::RotateWebhookSecret, ann_, req, &rotated)
          .ok());
  EXPECT_NE(rotated.secret(), old_secret);
  EXPECT_EQ(absl::FromUnixSeconds(
                rotated.webhook().previous_secret_expire_time().seconds()),
            kTestStart + absl::Hours(24));
  MakeProject("p1");
  ASSERT_TRUE(receiver_.WaitFor(1));
  ReceivedRequest r = receiver_.Requests()[0];
  EXPECT_EQ(SignatureCount(r), 2);
  EXPECT_TRUE(SignedWith(r, old_secret));
  EXPECT_TRUE(SignedWith(r, rotated.secret()));
  clock_.Advance(absl::Hours(24));
  MakeProject("p2");
  ASSERT_TRUE(receiver_.WaitFor(2));
  r = receiver_.Requests()[1];
  EXPECT_EQ(SignatureCount(r), 1);
  EXPECT_FALSE(SignedWith(r, old_secret));
  EXPECT_TRUE(SignedWith(r, rotated.secret()));
}

TEST_F(WebhooksTest, RedeliversAMessageAndARangeWithTheOriginalIds) {
  CreateProjectHook("crm");
  MakeProject("p1");
  MakeProject("p2");
  ASSERT_TRUE(receiver_.WaitFor(2));
  std::vector<v1::WebhookDelivery> log = WaitForLog("crm", 2);
  v1::RedeliverWebhookRequest one;
  one.set_name("webhooks/crm");
  one.set_message_id(log[0].message_id());
  one.set_request_id("again-1");
  v1::RedeliverWebhookResponse queued;
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::RedeliverWebhook, ann_, one, &queued).ok());
  EXPECT_EQ(queued.queued(), 1);
  ASSERT_TRUE(receiver_.WaitFor(3));
  EXPECT_EQ(Header(receiver_.Requests()[2], "webhook-id"), log[0].message_id());
  // A retry of the same request queues nothing more.
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::RedeliverWebhook, ann_, one, &queued).ok());

  v1::RedeliverWebhookRequest range;
  range.set_name("webhooks/crm");
  range.set_after_revision(log[0].event_revision() - 1);
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::RedeliverWebhook, ann_, range, &queued)
          .ok());
  EXPECT_EQ(queued.queued(), 2);
  ASSERT_TRUE(receiver_.WaitFor(5));
  std::vector<ReceivedRequest> got = receiver_.Requests();
  EXPECT_EQ(got.size(), 5u);
  EXPECT_EQ(Header(got[3], "webhook-id"), log[0].message_id());
  EXPECT_EQ(Header(got[4], "webhook-id"), log[1].message_id());
  log = WaitForLog("crm", 5);
  EXPECT_TRUE(log[4].redelivery());

  // An event the webhook does not send is refused.
  v1::RedeliverWebhookRequest other = one;
  other.clear_request_id();
  other.set_message_id("evt_1_0");  // bootstrap: a user was created
  grpc::Status s =
      Call(webhooks_.get(), &WStub::RedeliverWebhook, ann_, other, &queued);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
}

TEST_F(WebhooksTest, DisabledSendsNothingAndEnablingStartsAtTheHead) {
  CreateProjectHook("crm");
  v1::UpdateWebhookRequest off;
  off.mutable_webhook()->set_name("webhooks/crm");
  off.mutable_webhook()->set_state(v1::Webhook::DISABLED);
  v1::Webhook w;
  ASSERT_TRUE(Call(webhooks_.get(), &WStub::UpdateWebhook, ann_, off, &w).ok());
  MakeProject("while-off");
  v1::UpdateWebhookRequest on = off;
  on.mutable_webhook()->set_state(v1::Webhook::ENABLED);
  ASSERT_TRUE(Call(webhooks_.get(), &WStub::UpdateWebhook, ann_, on, &w).ok());
  MakeProject("after");
  ASSERT_TRUE(receiver_.WaitFor(1));
  absl::SleepFor(absl::Milliseconds(500));
  std::vector<ReceivedRequest> got = receiver_.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_THAT(got[0].body, HasSubstr("projects/after"));
}

TEST_F(WebhooksTest, NothingIsLostWhileTheReceiverIsDownAcrossARestart) {
  const int port = receiver_.port();
  CreateProjectHook("crm");
  receiver_.Stop();
  for (int i = 0; i < 5; ++i) MakeProject("p" + std::to_string(i));
  WaitForLog("crm", 5);  // each failed once: connection refused
  EXPECT_EQ(Get("crm").pending_deliveries(), 5);
  Restart();
  WebhookReceiver back(port);
  ASSERT_EQ(back.port(), port);
  clock_.Advance(absl::Seconds(11));
  ASSERT_TRUE(back.WaitFor(5));
  std::set<std::string> subjects;
  for (const ReceivedRequest& r : back.Requests()) {
    for (int i = 0; i < 5; ++i) {
      if (absl::StrContains(r.body, "projects/p" + std::to_string(i) + "\"")) {
        subjects.insert("p" + std::to_string(i));
      }
    }
  }
  EXPECT_EQ(subjects.size(), 5u);
  std::vector<v1::WebhookDelivery> log = WaitForLog("crm", 10);
  EXPECT_EQ(log.back().outcome(), v1::WebhookDelivery::SUCCEEDED);
  EXPECT_EQ(Get("crm").pending_deliveries(), 0);
}

TEST_F(WebhooksTest, AnAttemptCutShortByAStopIsSentAfterTheRestart) {
  CreateProjectHook("crm");
  // p0's answer is slow enough for p1 to commit meanwhile, so the same job
  // sends both; p1's answer comes only after the server stopped.
  receiver_.Script({ScriptedAnswer(200, "ok", {}, absl::Milliseconds(500)),
                    ScriptedAnswer(200, "ok", {}, absl::Seconds(3))});
  MakeProject("p0");
  ASSERT_TRUE(receiver_.WaitFor(1));
  MakeProject("p1");
  ASSERT_TRUE(receiver_.WaitFor(2));
  Restart();  // abandons p1's attempt, records p0's
  ASSERT_TRUE(receiver_.WaitFor(3));
  EXPECT_THAT(receiver_.Requests()[2].body, HasSubstr("projects/p1\""));
  std::vector<v1::WebhookDelivery> log = WaitForLog("crm", 2);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.back().outcome(), v1::WebhookDelivery::SUCCEEDED);
}

TEST_F(WebhooksTest, AJobOfADeletedWebhookLeavesItsNamesakeAlone) {
  // ann's webhook is slow to answer; while its job waits, it is deleted
  // and bob makes one with the same id to his own receiver.
  receiver_.Script({ScriptedAnswer(500, "slow", {}, absl::Seconds(2))});
  CreateProjectHook("crm");
  MakeProject("p0");
  ASSERT_TRUE(receiver_.WaitFor(1));
  v1::DeleteWebhookRequest del;
  del.set_name("webhooks/crm");
  v1::DeleteWebhookResponse deleted;
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::DeleteWebhook, ann_, del, &deleted).ok());
  WebhookReceiver bobs;
  v1::CreateWebhookResponse created;
  ASSERT_TRUE(Create(bob_, bobs.Url(), {"project.*"}, &created, "crm").ok());
  absl::SleepFor(absl::Seconds(3));  // ann's job answered and recorded
  EXPECT_TRUE(Log("crm", bob_).empty());
  EXPECT_EQ(Get("crm", bob_).pending_deliveries(), 0);
  MakeProject("p1");
  ASSERT_TRUE(bobs.WaitFor(1));
  absl::SleepFor(absl::Milliseconds(500));
  std::vector<ReceivedRequest> got = bobs.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_THAT(got[0].body, HasSubstr("projects/p1\""));
}

}  // namespace
}  // namespace mops::testing

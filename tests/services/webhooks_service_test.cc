// WebhookService as its users see it: subscriptions, who sees them, bad
// input, secrets shown once.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/webhooks_fixture.h"

namespace mops::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST_F(WebhooksTest, CreateShowsTheSecretOnceAndGetNever) {
  v1::CreateWebhookResponse created;
  ASSERT_TRUE(
      Create(ann_, receiver_.Url(), {"approval.*"}, &created, "crm").ok());
  EXPECT_EQ(created.webhook().name(), "webhooks/crm");
  EXPECT_EQ(created.webhook().owner(), "users/ann");
  EXPECT_EQ(created.webhook().state(), v1::Webhook::ENABLED);
  EXPECT_THAT(created.secret(), StartsWith("whsec_"));
  v1::Webhook got = Get("crm");
  EXPECT_EQ(got.url(), receiver_.Url());
  EXPECT_EQ(got.DebugString().find(created.secret().substr(6)),
            std::string::npos);
  // The event carries no secret either.
  for (const v1::Event& e : AllEvents()) {
    EXPECT_EQ(e.DebugString().find(created.secret().substr(6)),
              std::string::npos);
  }
}

TEST_F(WebhooksTest, OnlyTheOwnerAndAdminsSeeAWebhookAndItsEvents) {
  CreateProjectHook("crm");
  v1::GetWebhookRequest get;
  get.set_name("webhooks/crm");
  v1::Webhook w;
  grpc::Status s = Call(webhooks_.get(), &WStub::GetWebhook, bob_, get, &w);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_TRUE(
      Call(webhooks_.get(), &WStub::GetWebhook, admin_token_, get, &w).ok());

  v1::ListWebhooksResponse bobs, admins;
  ASSERT_TRUE(Call(webhooks_.get(), &WStub::ListWebhooks, bob_,
                   v1::ListWebhooksRequest(), &bobs)
                  .ok());
  EXPECT_EQ(bobs.webhooks_size(), 0);
  ASSERT_TRUE(Call(webhooks_.get(), &WStub::ListWebhooks, admin_token_,
                   v1::ListWebhooksRequest(), &admins)
                  .ok());
  EXPECT_EQ(admins.webhooks_size(), 1);

  v1::DeleteWebhookRequest del;
  del.set_name("webhooks/crm");
  v1::DeleteWebhookResponse gone;
  EXPECT_EQ(Call(webhooks_.get(), &WStub::DeleteWebhook, bob_, del, &gone)
                .error_code(),
            grpc::NOT_FOUND);

  // webhook.created is ann's and the admins', not bob's.
  v1::ListEventsRequest list;
  list.mutable_filter()->add_types("webhook.created");
  v1::ListEventsResponse seen;
  ASSERT_TRUE(Call(events_.get(), &v1::EventService::Stub::ListEvents, bob_,
                   list, &seen)
                  .ok());
  EXPECT_EQ(seen.events_size(), 0);
  ASSERT_TRUE(Call(events_.get(), &v1::EventService::Stub::ListEvents, ann_,
                   list, &seen)
                  .ok());
  EXPECT_EQ(seen.events_size(), 1);
}

TEST_F(WebhooksTest, BadInputIsRefusedNamingTheField) {
  v1::CreateWebhookResponse r;
  grpc::Status s = Create(ann_, "ftp://example.com/x", {}, &r);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("webhook.url"));
  s = Create(ann_, "", {}, &r);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("webhook.url"));
  s = Create(ann_, receiver_.Url(), {"no.such"}, &r);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("webhook.filter.types[0]"));
  s = Create(ann_, receiver_.Url(), {}, &r, "Bad_Id");
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("webhook_id"));
  ASSERT_TRUE(Create(ann_, receiver_.Url(), {}, &r, "dup").ok());
  EXPECT_EQ(Create(ann_, receiver_.Url(), {}, &r, "dup").error_code(),
            grpc::ALREADY_EXISTS);

  v1::RotateWebhookSecretRequest rotate;
  rotate.set_name("webhooks/dup");
  rotate.mutable_overlap()->set_seconds(8 * 24 * 3600);
  v1::RotateWebhookSecretResponse rotated;
  s = Call(webhooks_.get(), &WStub::RotateWebhookSecret, ann_, rotate,
           &rotated);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("overlap"));

  v1::RedeliverWebhookRequest again;
  again.set_name("webhooks/dup");
  again.set_message_id("evt_x");
  v1::RedeliverWebhookResponse queued;
  s = Call(webhooks_.get(), &WStub::RedeliverWebhook, ann_, again, &queued);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("message_id"));
}

class PrivateTargetsTest : public WebhooksTest {
 protected:
  void SetUp() override {
    WebhooksTest::SetUp();
    server_.reset();
    options_.webhooks.allow_private_targets = false;
    StartServer(dir_.Sub("data"));
    webhooks_ = v1::WebhookService::NewStub(channel_);
  }
};

TEST_F(PrivateTargetsTest, LoopbackAndMetadataAreRefusedByDefault) {
  v1::CreateWebhookResponse r;
  for (const char* url :
       {"http://127.0.0.1:8080/h", "http://169.254.169.254/latest/meta-data"}) {
    grpc::Status s = Create(ann_, url, {}, &r);
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << url;
    EXPECT_THAT(s.error_message(),
                HasSubstr("--webhook-allow-private-targets"));
  }
}

TEST_F(WebhooksTest, UpdateChangesTheFieldsAndChecksTheEtag) {
  CreateProjectHook("crm");
  v1::UpdateWebhookRequest req;
  req.mutable_webhook()->set_name("webhooks/crm");
  req.mutable_webhook()->set_description("CRM sync");
  req.mutable_webhook()->set_etag("stale");
  v1::Webhook w;
  EXPECT_EQ(
      Call(webhooks_.get(), &WStub::UpdateWebhook, ann_, req, &w).error_code(),
      grpc::ABORTED);
  req.mutable_webhook()->clear_etag();
  ASSERT_TRUE(Call(webhooks_.get(), &WStub::UpdateWebhook, ann_, req, &w).ok());
  EXPECT_EQ(w.description(), "CRM sync");
  EXPECT_EQ(w.url(), receiver_.Url());  // not in the mask: kept
  EXPECT_EQ(CountEvents("webhook.updated", "webhooks/crm"), 1);
}

TEST_F(WebhooksTest, ARetryWithTheSameRequestIdAnswersTheSameSecret) {
  v1::CreateWebhookRequest req;
  req.set_webhook_id("crm");
  req.mutable_webhook()->set_url(receiver_.Url());
  req.set_request_id("create-crm-1");
  v1::CreateWebhookResponse first, second;
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::CreateWebhook, ann_, req, &first).ok());
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::CreateWebhook, ann_, req, &second).ok());
  EXPECT_EQ(first.secret(), second.secret());
  EXPECT_EQ(CountEvents("webhook.created", "webhooks/crm"), 1);
}

TEST_F(WebhooksTest, DeleteRemovesItWithItsLog) {
  CreateProjectHook("crm");
  MakeProject("p1");
  ASSERT_TRUE(receiver_.WaitFor(1));
  WaitForLog("crm", 1);
  v1::DeleteWebhookRequest del;
  del.set_name("webhooks/crm");
  v1::DeleteWebhookResponse gone;
  ASSERT_TRUE(
      Call(webhooks_.get(), &WStub::DeleteWebhook, ann_, del, &gone).ok());
  v1::ListWebhookDeliveriesRequest log;
  log.set_parent("webhooks/crm");
  v1::ListWebhookDeliveriesResponse resp;
  EXPECT_EQ(
      Call(webhooks_.get(), &WStub::ListWebhookDeliveries, ann_, log, &resp)
          .error_code(),
      grpc::NOT_FOUND);
  MakeProject("p2");
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(receiver_.Requests().size(), 1u);
}

}  // namespace
}  // namespace mops::testing

// The webhook service test fixture: the real server with a fake clock,
// private targets allowed (the receiver is on 127.0.0.1), a short retry
// schedule on that clock, users ann and bob, and a receiver.
#ifndef MOPS_TESTS_TESTING_WEBHOOKS_FIXTURE_H_
#define MOPS_TESTS_TESTING_WEBHOOKS_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mops/v1/webhooks.grpc.pb.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/webhook_receiver.h"

namespace mops::testing {

using WStub = v1::WebhookService::Stub;

class WebhooksTest : public ServiceTest {
 protected:
  void SetUp() override {
    options_.webhooks.allow_private_targets = true;
    options_.webhooks.schedule =
        *services::webhooks::RetrySchedule::Parse("test", "0s,10s,1m");
    options_.webhooks.timeout = absl::Seconds(5);
    options_.webhooks.disable_after = absl::Hours(1);
    ServiceTest::SetUp();
    webhooks_ = v1::WebhookService::NewStub(channel_);
    ann_ = CreateUserWithToken("ann");
    bob_ = CreateUserWithToken("bob");
  }

  void Restart() {
    server_.reset();
    StartServer(dir_.Sub("data"));
    webhooks_ = v1::WebhookService::NewStub(channel_);
  }

  grpc::Status Create(const std::string& token, const std::string& url,
                      std::vector<std::string> types,
                      v1::CreateWebhookResponse* out,
                      const std::string& id = "") {
    v1::CreateWebhookRequest req;
    req.set_webhook_id(id);
    req.mutable_webhook()->set_url(url);
    for (const auto& t : types)
      req.mutable_webhook()->mutable_filter()->add_types(t);
    return Call(webhooks_.get(), &WStub::CreateWebhook, token, req, out);
  }

  // ann's webhook on project events, to the receiver; returns its secret.
  std::string CreateProjectHook(const std::string& id = "crm") {
    v1::CreateWebhookResponse resp;
    grpc::Status s = Create(ann_, receiver_.Url(), {"project.*"}, &resp, id);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.secret();
  }

  // An event every user may read: a project created by the admin.
  void MakeProject(const std::string& id) {
    v1::CreateProjectRequest req;
    req.set_project_id(id);
    req.mutable_project()->set_title(id);
    req.mutable_project()->set_team("teams/marketing");
    v1::Project p;
    grpc::Status s =
        Call(projects_.get(), &v1::ProjectService::Stub::CreateProject,
             admin_token_, req, &p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::Webhook Get(const std::string& id, const std::string& token = "") {
    v1::GetWebhookRequest req;
    req.set_name("webhooks/" + id);
    v1::Webhook w;
    grpc::Status s = Call(webhooks_.get(), &WStub::GetWebhook,
                          token.empty() ? ann_ : token, req, &w);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return w;
  }

  // The delivery log, oldest first.
  std::vector<v1::WebhookDelivery> Log(const std::string& id,
                                       const std::string& token = "") {
    v1::ListWebhookDeliveriesRequest req;
    req.set_parent("webhooks/" + id);
    req.set_page_size(1000);
    v1::ListWebhookDeliveriesResponse resp;
    grpc::Status s = Call(webhooks_.get(), &WStub::ListWebhookDeliveries,
                          token.empty() ? ann_ : token, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.deliveries().rbegin(), resp.deliveries().rend()};
  }

  // Waits until the log holds `n` attempts (the dispatcher records after
  // the receiver answered).
  std::vector<v1::WebhookDelivery> WaitForLog(const std::string& id, size_t n) {
    const absl::Time end = absl::Now() + absl::Seconds(20);
    std::vector<v1::WebhookDelivery> log;
    while ((log = Log(id)).size() < n && absl::Now() < end) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    return log;
  }

  static std::string Header(const ReceivedRequest& r, const std::string& h) {
    auto it = r.headers.find(h);
    return it == r.headers.end() ? "" : it->second;
  }

  WebhookReceiver receiver_;
  std::unique_ptr<WStub> webhooks_;
  std::string ann_, bob_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_WEBHOOKS_FIXTURE_H_

// Webhooks through the real binaries: deliveries survive kill -9 while the
// receiver is down, 410 disables, and a redelivery keeps the original id.
#include <signal.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "mops/v1/webhooks.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/webhook_receiver.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using testing::Mopsd;
using testing::RunResult;
using testing::WebhookReceiver;

class WebhookEndToEndTest : public ::testing::Test {
 protected:
  // A retry schedule in seconds, and loopback allowed for the receiver.
  std::unique_ptr<Mopsd> Start() {
    auto server = std::make_unique<Mopsd>(
        MOPSD_PATH, dir_.Sub("data"),
        std::vector<std::string>{"--webhook-allow-private-targets",
                                 "--webhook-retry-schedule", "0s,1s,1s,1s,1s"});
    EXPECT_FALSE(server->address().empty()) << server->Log();
    RunResult r = Mops({"login", "--server", server->address(), "--token-file",
                        dir_.Sub("data/admin.token")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return server;
  }

  RunResult Mops(std::vector<std::string> args) {
    args.insert(args.begin(), MOPS_PATH);
    return testing::Run(args,
                        {{"XDG_CONFIG_HOME", dir_.Sub("config")},
                         {"MOPS_SERVER", ""},
                         {"MOPS_TOKEN", ""},
                         {"NO_COLOR", "1"}},
                        dir_.path());
  }

  template <typename M>
  M Json(const std::vector<std::string>& args) {
    RunResult r = Mops(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    M m;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &m).ok())
        << r.out;
    return m;
  }

  void MakeProject(const std::string& id) {
    RunResult r =
        Mops({"project", "create", id, "--title", id, "--team", "marketing"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  testing::TempDir dir_;
};

TEST_F(WebhookEndToEndTest, KillNineWhileTheReceiverIsDownLosesNothing) {
  int port;
  {
    WebhookReceiver probe;  // a free port, closed again
    port = probe.port();
  }
  auto server = Start();
  auto created = Json<v1::CreateWebhookResponse>(
      {"-o", "json", "webhook", "create", "crm", "--url",
       "http://127.0.0.1:" + std::to_string(port) + "/hook", "--type",
       "project.*"});
  ASSERT_THAT(created.secret(), ::testing::StartsWith("whsec_"));
  for (const char* p : {"p1", "p2", "p3"}) MakeProject(p);
  server->process().Signal(SIGKILL);
  server->process().Wait();

  WebhookReceiver receiver(port);
  ASSERT_EQ(receiver.port(), port);
  server = Start();
  ASSERT_TRUE(receiver.WaitFor(3)) << server->Log();
  std::set<std::string> ids;
  for (const testing::ReceivedRequest& r : receiver.Requests()) {
    EXPECT_TRUE(testing::SignedWith(r, created.secret()));
    ids.insert(r.headers.at("webhook-id"));
  }
  // Duplicates are allowed (at least once); losses are not.
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(WebhookEndToEndTest, GoneDisablesAndRedeliveryKeepsTheId) {
  WebhookReceiver receiver;
  receiver.Script({testing::ScriptedAnswer(410, "gone")});
  auto server = Start();
  ASSERT_EQ(Mops({"webhook", "create", "crm", "--url", receiver.Url(), "--type",
                  "project.created"})
                .exit_code,
            0);
  MakeProject("p1");
  ASSERT_TRUE(receiver.WaitFor(1));
  const std::string id = receiver.Requests()[0].headers.at("webhook-id");

  v1::Webhook w;
  for (int i = 0; i < 100 && w.state() != v1::Webhook::DISABLED; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    w = Json<v1::Webhook>({"-o", "json", "webhook", "get", "crm"});
  }
  ASSERT_EQ(w.state(), v1::Webhook::DISABLED);
  EXPECT_THAT(w.disabled_reason(), HasSubstr("410"));

  RunResult r = Mops({"webhook", "update", "crm", "--enable"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Mops({"webhook", "redeliver", "crm", "--message-id", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(receiver.WaitFor(2)) << server->Log();
  EXPECT_EQ(receiver.Requests()[1].headers.at("webhook-id"), id);
  EXPECT_THAT(receiver.Requests()[1].body, HasSubstr("projects/p1"));
}

}  // namespace
}  // namespace mops

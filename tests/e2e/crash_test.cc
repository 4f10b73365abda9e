// Kill -9 under write load, several times over: after every restart each
// acknowledged write is present and the change feed has no gaps.
#include <signal.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "mops/v1/events.grpc.pb.h"
#include "mops/v1/identity.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace mops {
namespace {

constexpr int kRounds = 5;
constexpr int kClients = 16;

template <typename Fn>
grpc::Status CallWithToken(const std::string& token, Fn fn) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ctx.AddMetadata("authorization", "Bearer " + token);
  return fn(&ctx);
}

std::set<std::string> AllUsers(v1::IdentityService::Stub* stub,
                               const std::string& token) {
  std::set<std::string> users;
  v1::ListUsersRequest req;
  req.set_page_size(1000);
  while (true) {
    v1::ListUsersResponse resp;
    grpc::Status s = CallWithToken(token, [&](grpc::ClientContext* ctx) {
      return stub->ListUsers(ctx, req, &resp);
    });
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) break;
    for (const auto& u : resp.users()) users.insert(u.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  return users;
}

// Checks revisions 1..head with indices 0..n-1 each, and returns the
// subjects of user.created events.
std::set<std::string> CheckFeed(v1::EventService::Stub* stub,
                                const std::string& token) {
  std::set<std::string> created;
  v1::ListEventsRequest req;
  req.set_page_size(1000);
  uint64_t expected_revision = 1;
  uint32_t expected_index = 0;
  uint64_t head = 0;
  while (true) {
    v1::ListEventsResponse resp;
    grpc::Status s = CallWithToken(token, [&](grpc::ClientContext* ctx) {
      return stub->ListEvents(ctx, req, &resp);
    });
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok() || resp.events().empty()) {
      head = resp.head_revision();
      break;
    }
    for (const auto& e : resp.events()) {
      if (e.revision() == expected_revision) {
        EXPECT_EQ(e.index(), expected_index) << "revision " << e.revision();
      } else {
        EXPECT_EQ(e.revision(), expected_revision + 1) << "gap in revisions";
        EXPECT_EQ(e.index(), 0u);
        expected_revision = e.revision();
        expected_index = 0;
      }
      ++expected_index;
      if (e.type() == "user.created") created.insert(e.subject());
    }
    req.set_after_revision(resp.next_after_revision());
  }
  EXPECT_EQ(head, expected_revision) << "head revision has no events";
  return created;
}

TEST(CrashTest, AcknowledgedWritesSurviveSigkill) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  std::set<std::string> acked;  // every user whose CreateUser returned OK
  absl::BitGen rng;

  for (int round = 0; round < kRounds; ++round) {
    testing::Mopsd server(MOPSD_PATH, data);
    ASSERT_FALSE(server.address().empty()) << server.Log();
    std::string token = testing::ReadFileOrEmpty(data + "/admin.token");
    ASSERT_FALSE(token.empty());
    token.pop_back();

    // After a restart, everything acknowledged before is there.
    auto channel = grpc::CreateChannel(server.address(),
                                       grpc::InsecureChannelCredentials());
    auto identity = v1::IdentityService::NewStub(channel);
    auto events = v1::EventService::NewStub(channel);
    std::set<std::string> users = AllUsers(identity.get(), token);
    std::set<std::string> created = CheckFeed(events.get(), token);
    for (const std::string& name : acked) {
      EXPECT_TRUE(users.count(name)) << name << " was acknowledged but is lost";
      EXPECT_TRUE(created.count(name)) << name << " has no user.created event";
    }
    if (::testing::Test::HasFailure()) return;

    std::atomic<bool> stop{false};
    absl::Mutex mu;
    std::set<std::string> acked_this_round;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto ch = grpc::CreateChannel(server.address(),
                                      grpc::InsecureChannelCredentials());
        auto stub = v1::IdentityService::NewStub(ch);
        for (int i = 0; !stop && i < 100000; ++i) {
          v1::CreateUserRequest req;
          req.set_user_id(absl::StrCat("r", round, "-c", c, "-n", i));
          v1::User user;
          grpc::Status s = CallWithToken(token, [&](grpc::ClientContext* ctx) {
            return stub->CreateUser(ctx, req, &user);
          });
          if (s.ok()) {
            absl::MutexLock lock(&mu);
            acked_this_round.insert(user.name());
          } else if (s.error_code() == grpc::UNAVAILABLE) {
            break;  // the server is gone
          }
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(absl::Uniform(rng, 300, 1200)));
    server.process().Signal(SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    EXPECT_EQ(server.process().Wait(), 128 + SIGKILL);
    EXPECT_GT(acked_this_round.size(), 0u)
        << "round " << round << " wrote nothing";
    acked.insert(acked_this_round.begin(), acked_this_round.end());
  }

  // One last start to check the final round.
  testing::Mopsd server(MOPSD_PATH, data);
  ASSERT_FALSE(server.address().empty()) << server.Log();
  std::string token = testing::ReadFileOrEmpty(data + "/admin.token");
  token.pop_back();
  auto channel =
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto identity = v1::IdentityService::NewStub(channel);
  auto events = v1::EventService::NewStub(channel);
  std::set<std::string> users = AllUsers(identity.get(), token);
  std::set<std::string> created = CheckFeed(events.get(), token);
  size_t lost = 0;
  for (const std::string& name : acked) {
    if (!users.count(name) || !created.count(name)) ++lost;
  }
  EXPECT_EQ(lost, 0u) << "of " << acked.size() << " acknowledged writes";
  std::cout << "crash test: " << acked.size() << " acknowledged writes over "
            << kRounds << " SIGKILLs, none lost\n";
}

}  // namespace
}  // namespace mops

// Runs the real MopsServer (same object graph as mopsd) on 127.0.0.1:0 in a
// temporary data folder with a fake clock, and calls it over a real channel.
#ifndef MOPS_TESTS_TESTING_SERVICE_FIXTURE_H_
#define MOPS_TESTS_TESTING_SERVICE_FIXTURE_H_

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "mops/v1/admin.grpc.pb.h"
#include "mops/v1/approvals.grpc.pb.h"
#include "mops/v1/events.grpc.pb.h"
#include "mops/v1/identity.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"
#include "services/server/server.h"
#include "storage/clock.h"
#include "tests/testing/temp_dir.h"

namespace mops::testing {

inline const absl::Time kTestStart = absl::FromUnixSeconds(1795000000);

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(dir_.Sub("data")); }
  void TearDown() override { server_.reset(); }

  void StartServer(const std::string& data_dir) {
    services::ServerOptions options = options_;
    options.listen = "127.0.0.1:0";
    options.data_dir = data_dir;
    options.clock = &clock_;
    auto server = services::MopsServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    identity_ = v1::IdentityService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
    events_ = v1::EventService::NewStub(channel_);
    projects_ = v1::ProjectService::NewStub(channel_);
    tasks_ = v1::TaskService::NewStub(channel_);
    approvals_ = v1::ApprovalService::NewStub(channel_);
    calendars_ = v1::CalendarService::NewStub(channel_);
    std::ifstream in(server_->admin_token_path());
    std::getline(in, admin_token_);
  }

  // Calls stub->method with the token (and optional on-behalf-of user).
  template <typename Stub, typename Req, typename Resp>
  grpc::Status Call(Stub* stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&, Resp*),
                    const std::string& token, const Req& req, Resp* resp,
                    const std::string& on_behalf_of = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    if (!on_behalf_of.empty()) {
      ctx.AddMetadata("x-mops-on-behalf-of", on_behalf_of);
    }
    return (stub->*method)(&ctx, req, resp);
  }

  // Creates a user as admin and returns a fresh token for them.
  std::string CreateUserWithToken(const std::string& id, bool bot = false) {
    v1::CreateUserRequest req;
    req.set_user_id(id);
    req.mutable_user()->set_display_name(id);
    req.mutable_user()->set_kind(bot ? v1::User::BOT : v1::User::PERSON);
    v1::User user;
    grpc::Status s =
        Call(identity_.get(), &v1::IdentityService::Stub::CreateUser,
             admin_token_, req, &user);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return CreateToken(id);
  }

  std::string CreateToken(const std::string& user_id) {
    v1::CreateTokenRequest treq;
    treq.set_parent("users/" + user_id);
    v1::CreateTokenResponse tresp;
    grpc::Status s =
        Call(identity_.get(), &v1::IdentityService::Stub::CreateToken,
             admin_token_, treq, &tresp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return tresp.secret();
  }

  std::vector<v1::Event> AllEvents() {
    std::vector<v1::Event> all;
    v1::ListEventsRequest req;
    req.set_page_size(1000);
    while (true) {
      v1::ListEventsResponse resp;
      grpc::Status s = Call(events_.get(), &v1::EventService::Stub::ListEvents,
                            admin_token_, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok() || resp.events().empty()) break;
      all.insert(all.end(), resp.events().begin(), resp.events().end());
      req.set_after_revision(resp.next_after_revision());
    }
    return all;
  }

  int CountEvents(const std::string& type, const std::string& subject) {
    int n = 0;
    for (const auto& e : AllEvents()) {
      if (e.type() == type && e.subject() == subject) ++n;
    }
    return n;
  }

  TempDir dir_;
  storage::FakeClock clock_{kTestStart};
  // What StartServer starts with (listen, data_dir and clock are its own).
  services::ServerOptions options_;
  std::unique_ptr<services::MopsServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IdentityService::Stub> identity_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::EventService::Stub> events_;
  std::unique_ptr<v1::ProjectService::Stub> projects_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::unique_ptr<v1::ApprovalService::Stub> approvals_;
  std::unique_ptr<v1::CalendarService::Stub> calendars_;
  std::string admin_token_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_SERVICE_FIXTURE_H_

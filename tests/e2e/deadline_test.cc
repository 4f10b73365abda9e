// A read the client stopped waiting for stops on the server too: a list
// that would read every task ends once the call's deadline has passed, and
// the server says so in its log.
#include <regex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "mops/v1/projects.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace mops {
namespace {

constexpr int kTasks = 100000;

TEST(DeadlineTest, AListStopsReadingOnceItsDeadlineHasPassed) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  testing::Mopsd server(MOPSD_PATH, data, {"--log-level", "debug"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  std::string token = testing::ReadFileOrEmpty(data + "/admin.token");
  ASSERT_FALSE(token.empty());
  token.pop_back();
  auto channel =
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto projects = v1::ProjectService::NewStub(channel);
  auto tasks = v1::TaskService::NewStub(channel);
  auto call = [&](grpc::ClientContext* ctx, absl::Duration deadline) {
    ctx->AddMetadata("authorization", "Bearer " + token);
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  };

  {
    grpc::ClientContext ctx;
    call(&ctx, absl::Seconds(30));
    v1::CreateProjectRequest req;
    req.set_project_id("bulk");
    req.mutable_project()->set_title("Bulk");
    req.mutable_project()->set_team("teams/marketing");
    v1::Project project;
    grpc::Status s = projects->CreateProject(&ctx, req, &project);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  for (int batch = 0; batch < kTasks / 1000; ++batch) {
    grpc::ClientContext ctx;
    call(&ctx, absl::Seconds(30));
    v1::BatchCreateTasksRequest req;
    req.set_parent("projects/bulk");
    for (int i = 0; i < 1000; ++i) {
      req.add_requests()->mutable_task()->set_title(
          absl::StrCat("Task ", batch, "-", i));
    }
    v1::BatchCreateTasksResponse resp;
    grpc::Status s = tasks->BatchCreateTasks(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // No index serves a label filter: the server parses every task.
  v1::ListTasksRequest list;
  list.set_parent("projects/-");
  list.set_filter("labels:nothing-has-this");
  {
    grpc::ClientContext ctx;
    call(&ctx, absl::Milliseconds(5));
    v1::ListTasksResponse resp;
    grpc::Status s = tasks->ListTasks(&ctx, list, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  // The server logs where it stopped when it finishes the call. The client
  // cancels the call when its deadline passes, which the server may see
  // before its own copy of the deadline (later by the transit time) passes:
  // either answer means the read stopped.
  const std::regex stopped(
      "ListTasks: (DEADLINE_EXCEEDED: the call's deadline passed|CANCELLED: "
      "the call was cancelled [^;]*); the read stopped after ([0-9]+) rows");
  std::smatch m;
  std::string log;
  for (int i = 0; i < 200; ++i) {
    log = server.Log();
    if (std::regex_search(log, m, stopped)) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_FALSE(m.empty()) << "no stopped read in the log:\n" << log;
  int rows = 0;
  ASSERT_TRUE(absl::SimpleAtoi(m[2].str(), &rows));
  EXPECT_LT(rows, kTasks) << "the read went on to the end";

  // With time to finish, the same list reads everything and matches none.
  grpc::ClientContext ctx;
  call(&ctx, absl::Seconds(30));
  v1::ListTasksResponse resp;
  grpc::Status s = tasks->ListTasks(&ctx, list, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.tasks_size(), 0);
}

}  // namespace
}  // namespace mops

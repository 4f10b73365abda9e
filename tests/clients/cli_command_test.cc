// What the CLI's command files share: reading lists page by page up to
// --limit, building filters, printing in the chosen format and running the
// command that was given. A fake List call stands in for the server.
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/cli.h"
#include "clients/cli/list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mops/v1/projects.pb.h"
#include "tests/testing/temp_dir.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ListTest : public ::testing::Test {
 protected:
  // The Client reads the config file: none here, so set before client_ is
  // made. It connects only when called, which the fake calls never do.
  static GlobalFlags WithoutConfig(const testing::TempDir& dir) {
    ::setenv("XDG_CONFIG_HOME", dir.path().c_str(), 1);
    return GlobalFlags();
  }

  // A List method over `total` tasks that serves at most `page_size` per
  // page and records the page sizes asked for.
  auto FakeListTasks(int total) {
    return [this, total](grpc::ClientContext*, const api::ListTasksRequest& req,
                         api::ListTasksResponse* resp) {
      page_sizes_.push_back(req.page_size());
      int start = req.page_token().empty() ? 0 : std::stoi(req.page_token());
      int end = std::min(total, start + std::min(req.page_size(), 7));
      for (int i = start; i < end; ++i) {
        resp->add_tasks()->set_name("t" + std::to_string(i));
      }
      if (end < total) resp->set_next_page_token(std::to_string(end));
      return grpc::Status::OK;
    };
  }

  static google::protobuf::RepeatedPtrField<api::Task>* Tasks(
      api::ListTasksResponse* r) {
    return r->mutable_tasks();
  }

  api::ListTasksResponse ListUpTo(int total, int limit, std::string* err) {
    ::testing::internal::CaptureStderr();
    auto all = ::mops::cli::ListUpTo<api::ListTasksResponse>(
        client_, api::ListTasksRequest(), limit, Tasks, FakeListTasks(total));
    *err = ::testing::internal::GetCapturedStderr();
    return all;
  }

  testing::TempDir dir_;
  Client client_{WithoutConfig(dir_)};
  std::vector<int> page_sizes_;
};

TEST_F(ListTest, ListUpToStopsAtTheLimitAndSaysSo) {
  std::string err;
  auto all = ListUpTo(/*total=*/20, /*limit=*/10, &err);
  EXPECT_EQ(all.tasks_size(), 10);
  EXPECT_EQ(all.tasks(9).name(), "t9");
  EXPECT_TRUE(all.next_page_token().empty());
  EXPECT_THAT(page_sizes_, ElementsAre(10, 10));  // 7 + 7, cut to 10
  EXPECT_EQ(err,
            "(the first 10 shown; --limit N for more, --limit 0 for all)\n");
}

TEST_F(ListTest, ListUpToSaysNothingWhenNothingWasLeftOut) {
  std::string err;
  EXPECT_EQ(ListUpTo(/*total=*/10, /*limit=*/10, &err).tasks_size(), 10);
  EXPECT_EQ(err, "");
  EXPECT_EQ(ListUpTo(/*total=*/3, /*limit=*/10, &err).tasks_size(), 3);
  EXPECT_EQ(err, "");
}

TEST_F(ListTest, LimitZeroReadsEveryPageInBigPages) {
  std::string err;
  EXPECT_EQ(ListUpTo(/*total=*/20, /*limit=*/0, &err).tasks_size(), 20);
  EXPECT_EQ(err, "");
  EXPECT_THAT(page_sizes_, ElementsAre(1000, 1000, 1000));
}

TEST_F(ListTest, ListAllMergesEveryPage) {
  api::ListTasksRequest req;
  req.set_page_size(5);
  auto all = ListAll<api::ListTasksResponse>(client_, req, FakeListTasks(12));
  EXPECT_EQ(all.tasks_size(), 12);
  EXPECT_THAT(page_sizes_, ElementsAre(5, 5, 5));
}

TEST_F(ListTest, AFailedPageIsACliErrorWithItsExitCode) {
  auto denied = [](grpc::ClientContext*, const api::ListTasksRequest&,
                   api::ListTasksResponse*) {
    return grpc::Status(grpc::PERMISSION_DENIED, "not yours");
  };
  try {
    ListAll<api::ListTasksResponse>(client_, api::ListTasksRequest(), denied);
    FAIL() << "no CliError";
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code, kExitPermissionDenied);
    EXPECT_EQ(e.message, "PERMISSION_DENIED: not yours");
  }
}

TEST(JoinFilterTest, ParenthesizesTheUsersFilterOnlyWhenJoined) {
  EXPECT_EQ(JoinFilter("", {}), "");
  EXPECT_EQ(JoinFilter("a = 1 OR b = 2", {}), "a = 1 OR b = 2");
  EXPECT_EQ(JoinFilter("", {"x = 1", "y = 2"}), "x = 1 AND y = 2");
  EXPECT_EQ(JoinFilter("a = 1 OR b = 2", {"x = 1"}),
            "(a = 1 OR b = 2) AND x = 1");
}

TEST(LimitFlagTest, RefusesNegativeLimits) {
  CLI::App app;
  int limit = kDefaultListLimit;
  AddLimitFlag(&app, &limit);
  app.parse(std::vector<std::string>{"3", "--limit"});  // reversed argv
  EXPECT_EQ(limit, 3);
  EXPECT_THROW(app.parse(std::vector<std::string>{"-1", "--limit"}),
               CLI::ValidationError);
}

Table NamesTable(const google::protobuf::RepeatedPtrField<api::Task>& tasks) {
  Table t({"NAME"});
  for (const auto& task : tasks) t.AddRow({task.name()});
  return t;
}

std::string Printed(const std::function<void()>& print) {
  ::testing::internal::CaptureStdout();
  print();
  std::cout.flush();  // the capture is of the file descriptor
  return ::testing::internal::GetCapturedStdout();
}

// Captured stdout is no terminal, so tables come without colour.
TEST(PrintTest, TablesForPeopleJsonForScripts) {
  Cli cli;
  api::Task task;
  task.set_name("projects/p/tasks/t");
  EXPECT_EQ(Printed([&] { cli.PrintOne(task, NamesTable); }),
            "NAME\nprojects/p/tasks/t\n");
  EXPECT_EQ(Printed([&] { cli.PrintDone(task, "Deleted it\n"); }),
            "Deleted it\n");
  EXPECT_EQ(Printed([&] { cli.PrintWith(task, [] { std::cout << "text"; }); }),
            "text");

  cli.flags.output = "json";
  const std::string json = "{\n \"name\": \"projects/p/tasks/t\"\n}\n";
  EXPECT_EQ(Printed([&] { cli.PrintOne(task, NamesTable); }), json);
  EXPECT_EQ(Printed([&] { cli.PrintDone(task, "Deleted it\n"); }), json);
  EXPECT_EQ(Printed([&] { cli.PrintWith(task, [] { std::cout << "text"; }); }),
            json);
}

TEST(OnRunTest, OnlyTheCommandGivenBecomesTheAction) {
  CLI::App app;
  std::function<void()> action;
  std::vector<std::string> ran;
  OnRun(app.add_subcommand("a"), action, [&] { ran.push_back("a"); });
  OnRun(app.add_subcommand("b"), action, [&] { ran.push_back("b"); });
  app.parse(std::vector<std::string>{"b"});
  EXPECT_TRUE(ran.empty());  // nothing runs while parsing
  ASSERT_TRUE(action);
  action();
  EXPECT_THAT(ran, ElementsAre("b"));
}

}  // namespace
}  // namespace mops::cli

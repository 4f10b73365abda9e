// The benchmark runs and reports every scenario (how fast is not tested
// here; see BENCHMARKS.md).
#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "mops/v1/projects.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace mops {
namespace {

google::protobuf::Struct ParseReport(const std::string& out) {
  google::protobuf::Struct report;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(out, &report).ok())
      << out;
  return report;
}

TEST(BenchSmokeTest, RunsEveryScenarioAndReports) {
  testing::TempDir dir;
  testing::RunResult r = testing::Run(
      {MOPS_BENCH_PATH, "--spawn", "--duration", "200ms", "--warmup", "50ms",
       "--concurrency", "1,2", "--tasks", "2000", "--assignees", "20",
       "--inbox-approvals", "100", "--approval-pool", "200",
       // More than one chunk of 1000, so the server purges it in the
       // background.
       "--doomed-tasks", "2500",
       // More than one batch of 1000 tasks, each with its clock.
       "--report-clocks", "1500", "--json"},
      {{"TMPDIR", dir.path()}}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const google::protobuf::Struct report = ParseReport(r.out);
  const auto& fields = report.fields();
  ASSERT_TRUE(fields.count("results"));
  std::set<std::pair<std::string, int>> seen;
  for (const auto& v : fields.at("results").list_value().values()) {
    const auto& f = v.struct_value().fields();
    const std::string scenario = f.at("scenario").string_value();
    seen.insert(
        {scenario, static_cast<int>(f.at("concurrency").number_value())});
    EXPECT_GT(f.at("ops").number_value(), 0) << scenario;
    EXPECT_EQ(f.at("errors").number_value(), 0) << scenario;
    EXPECT_GT(f.at("qps").number_value(), 0) << scenario;
    EXPECT_GT(f.at("p99_ms").number_value(), 0) << scenario;
    EXPECT_GE(f.at("max_ms").number_value(), f.at("p99_ms").number_value())
        << scenario;
    EXPECT_GT(f.at("health_qps").number_value(), 0) << scenario;
    EXPECT_GT(f.at("ratio_to_health").number_value(), 0) << scenario;
    // CPU per call: the server's is measured in clock ticks, so a short run
    // can read 0; -1 would mean it was not measured.
    EXPECT_GE(f.at("server_cpu_us_per_call").number_value(), 0) << scenario;
    EXPECT_GT(f.at("client_cpu_us_per_call").number_value(), 0) << scenario;
    // Writes report how many commands shared a synced write (at least
    // one); reads write nothing (-1).
    const double per_commit = f.at("commands_per_group_commit").number_value();
    if (scenario == "create-task" || scenario == "update-task" ||
        scenario == "decide-approval" || scenario == "delete-project" ||
        scenario == "advance-workflow" ||
        scenario == "create-task-agreements") {
      EXPECT_GE(per_commit, 1.0) << scenario;
    } else if (scenario == "health" || scenario == "get-task" ||
               scenario == "agreement-report") {
      EXPECT_EQ(per_commit, -1.0) << scenario;
    }
    // The DeleteProject call, and the purge it started over within the
    // window (which runs on past --duration until it is).
    const std::string note = f.at("note").string_value();
    if (scenario == "delete-project") {
      EXPECT_EQ(note.rfind("deleted 2500 tasks: call ", 0), 0) << note;
      EXPECT_NE(note.find(" ms, purge "), std::string::npos) << note;
      EXPECT_EQ(note.find("not over"), std::string::npos) << note;
      EXPECT_GE(f.at("seconds").number_value(), 0.2) << note;
    } else if (scenario == "watch") {
      // Every stream stayed up, and the one receiving got the load's tasks.
      EXPECT_EQ(note.rfind("1000 idle watchers and 1 receiving", 0), 0) << note;
      EXPECT_NE(note.find("; 0 streams failed"), std::string::npos) << note;
      EXPECT_EQ(note.find(": 0 events delivered"), std::string::npos) << note;
    } else if (scenario == "webhook") {
      // The webhook was made, and the receiver got deliveries.
      EXPECT_EQ(note.rfind("1 webhook on task.created: ", 0), 0) << note;
      EXPECT_EQ(note.find(": 0 delivered"), std::string::npos) << note;
    } else if (scenario == "create-task-agreements") {
      // The setup checked that a labelled task gets a clock per term.
      EXPECT_EQ(note,
                "5 active agreements, 8 terms: 8 clocks started per create");
    } else if (scenario == "agreement-report") {
      // Every clock read, the completed quarter met.
      EXPECT_EQ(note.rfind("1500 clocks (375 met, 1125 running); ", 0), 0)
          << note;
      EXPECT_NE(note.find("; GetWaitLedger "), std::string::npos) << note;
    } else if (scenario != "decide-approval") {
      EXPECT_EQ(note, "") << scenario;
    }
  }
  for (const char* s :
       {"health", "get-task", "create-task", "update-task", "decide-approval",
        "inbox", "list-tasks", "delete-project", "watch", "webhook",
        "advance-workflow", "create-task-agreements", "agreement-report"}) {
    EXPECT_TRUE(seen.count({s, 1})) << s;
    EXPECT_TRUE(seen.count({s, 2})) << s;
  }
  EXPECT_GT(fields.at("server_rss_bytes").number_value(), 0);
  EXPECT_GT(fields.at("data_bytes").number_value(), 0);
  EXPECT_EQ(fields.at("preloaded_tasks").number_value(), 2000);
  EXPECT_GT(fields.at("restart_after_stop_seconds").number_value(), 0);
  EXPECT_GT(fields.at("restart_after_kill_seconds").number_value(), 0);
}

TEST(BenchSmokeTest, TableHasTheMaxColumn) {
  testing::TempDir dir;
  testing::RunResult r = testing::Run(
      {MOPS_BENCH_PATH, "--spawn", "--duration", "100ms", "--warmup", "0s",
       "--concurrency", "1", "--scenarios", "health"},
      {{"TMPDIR", dir.path()}}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("P99 ms    MAX ms  ERRORS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nhealth "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MAX ms: the slowest call"), std::string::npos) << r.out;
}

// Counts the tasks of projects/bench matching `filter`, page by page.
int CountBenchTasks(v1::TaskService::Stub* tasks, const std::string& token,
                    const std::string& filter) {
  int count = 0;
  std::string page_token;
  do {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::ListTasksRequest req;
    req.set_parent("projects/bench");
    req.set_filter(filter);
    req.set_page_size(1000);
    req.set_page_token(page_token);
    v1::ListTasksResponse resp;
    grpc::Status s = tasks->ListTasks(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) return -1;
    count += resp.tasks_size();
    page_token = resp.next_page_token();
  } while (!page_token.empty());
  return count;
}

TEST(BenchSmokeTest, PreloadOnlyWritesTheTasksOnceAndRunsNoScenario) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  testing::Mopsd server(MOPSD_PATH, data);
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto preload = [&](int tasks) {
    return testing::Run(
        {MOPS_BENCH_PATH, "--server", server.address(), "--token-file",
         data + "/admin.token", "--preload-only", "--tasks",
         absl::StrCat(tasks), "--assignees", "30", "--json"},
        {}, dir.path());
  };
  std::string token = testing::ReadFileOrEmpty(data + "/admin.token");
  ASSERT_FALSE(token.empty());
  while (token.back() == '\n') token.pop_back();
  auto tasks = v1::TaskService::NewStub(grpc::CreateChannel(
      server.address(), grpc::InsecureChannelCredentials()));

  testing::RunResult r = preload(3000);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  google::protobuf::Struct report = ParseReport(r.out);
  auto field = [&](const char* name) {
    return report.fields().at(name).number_value();
  };
  EXPECT_EQ(report.fields().at("results").list_value().values_size(), 0);
  EXPECT_EQ(field("preloaded_tasks"), 3000);
  EXPECT_EQ(field("preload_existing_tasks"), 0);
  EXPECT_GT(field("preload_seconds"), 0);
  EXPECT_EQ(CountBenchTasks(tasks.get(), token, ""), 3000);
  // Spread round-robin over the 30 assignees.
  EXPECT_EQ(CountBenchTasks(tasks.get(), token, "assignee = \"users/a7\""),
            100);

  // Again with more: only the missing tasks are written.
  r = preload(4000);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  report = ParseReport(r.out);
  EXPECT_EQ(field("preloaded_tasks"), 4000);
  EXPECT_EQ(field("preload_existing_tasks"), 3000);
  EXPECT_EQ(CountBenchTasks(tasks.get(), token, ""), 4000);
}

TEST(BenchSmokeTest, PreloadOnlyWithSpawnTimesTheRestart) {
  testing::TempDir dir;
  testing::RunResult r =
      testing::Run({MOPS_BENCH_PATH, "--spawn", "--preload-only", "--tasks",
                    "2000", "--assignees", "20", "--keep"},
                   {{"TMPDIR", dir.path()}}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The server's folder was made in $TMPDIR and kept.
  int kept = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path().filename().string().rfind("mops-bench-", 0) == 0 &&
        std::filesystem::exists(e.path() / "data" / "CURRENT")) {
      ++kept;
    }
  }
  EXPECT_EQ(kept, 1);
  EXPECT_EQ(r.out.find("SCENARIO"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("preload: 2000 tasks in "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("restart: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("server RSS after the load: "), std::string::npos)
      << r.out;
}

TEST(BenchSmokeTest, PreloadOnlyRefusesScenariosAndSkipPreload) {
  testing::TempDir dir;
  testing::RunResult r = testing::Run(
      {MOPS_BENCH_PATH, "--spawn", "--preload-only", "--scenarios", "health"},
      {{"TMPDIR", dir.path()}}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--preload-only runs no scenario"), std::string::npos)
      << r.err;

  r = testing::Run(
      {MOPS_BENCH_PATH, "--spawn", "--preload-only", "--skip-preload"},
      {{"TMPDIR", dir.path()}}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--skip-preload excludes --preload-only"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mops

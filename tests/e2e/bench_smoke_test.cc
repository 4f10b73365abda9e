// The benchmark runs and reports every scenario (how fast is not tested
// here; see BENCHMARKS.md).
#include <set>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace mops {
namespace {

TEST(BenchSmokeTest, RunsEveryScenarioAndReports) {
  testing::TempDir dir;
  testing::RunResult r = testing::Run(
      {MOPS_BENCH_PATH, "--spawn", "--duration", "200ms", "--warmup", "50ms",
       "--concurrency", "1,2", "--tasks", "2000", "--assignees", "20",
       "--inbox-approvals", "100", "--approval-pool", "200", "--json"},
      {{"TMPDIR", dir.path()}}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  google::protobuf::Struct report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok())
      << r.out;
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
        scenario == "decide-approval") {
      EXPECT_GE(per_commit, 1.0) << scenario;
    } else if (scenario == "health" || scenario == "get-task") {
      EXPECT_EQ(per_commit, -1.0) << scenario;
    }
  }
  for (const char* s : {"health", "get-task", "create-task", "update-task",
                        "decide-approval", "inbox", "list-tasks"}) {
    EXPECT_TRUE(seen.count({s, 1})) << s;
    EXPECT_TRUE(seen.count({s, 2})) << s;
  }
  EXPECT_GT(fields.at("server_rss_bytes").number_value(), 0);
  EXPECT_GT(fields.at("data_bytes").number_value(), 0);
  EXPECT_EQ(fields.at("preloaded_tasks").number_value(), 2000);
  EXPECT_GT(fields.at("restart_after_stop_seconds").number_value(), 0);
  EXPECT_GT(fields.at("restart_after_kill_seconds").number_value(), 0);
}

}  // namespace
}  // namespace mops

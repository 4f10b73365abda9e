// mops-bench: measures mopsd on the work users do, against the gRPC floor
// (health checks) on the same machine. See BENCHMARKS.md.
//
// This file parses the flags and runs it all: the server, the data, the
// scenarios at each concurrency, the restarts and the report.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/bench/bench.h"
#include "mops/v1/identity.grpc.pb.h"

namespace mops::bench {
namespace {

void AddFlags(CLI::App& app, Options& o) {
  app.add_option("--server", o.server, "HOST:PORT of a running mopsd");
  app.add_option("--token", o.token, "An admin's bearer token");
  app.add_option("--token-file", o.token_file, "File holding an admin's token");
  app.add_flag("--spawn", o.spawn,
               "Start a fresh mopsd on a temporary folder in $TMPDIR or /tmp "
               "(and measure its RSS, size and restart)");
  app.add_option("--mopsd", o.mopsd, "The mopsd binary for --spawn")
      ->default_val(o.mopsd);
  app.add_option("--server-pid", o.server_pid,
                 "With --server: its pid, for the RSS report");
  app.add_option("--data-dir", o.data_dir,
                 "With --server: its data folder, for the size");
  app.add_option("--duration", o.duration,
                 "Measured time per scenario and concurrency")
      ->default_val(o.duration);
  app.add_option("--warmup", o.warmup,
                 "Load before each measured run that is not counted "
                 "(not for decide-approval, whose pool it would use up)")
      ->default_val(o.warmup);
  app.add_option("--concurrency", o.concurrency,
                 "Client counts, comma separated")
      ->default_val(o.concurrency);
  app.add_option(
         "--scenarios", o.scenarios,
         "Comma separated, or all: " + absl::StrJoin(kAllScenarios, ", "))
      ->default_val(o.scenarios);
  app.add_option("--tasks", o.tasks,
                 "Tasks to preload for get-task and list-tasks")
      ->default_val(o.tasks);
  app.add_option("--assignees", o.assignees,
                 "Assignees the preloaded tasks spread over")
      ->default_val(o.assignees);
  app.add_option("--inbox-approvals", o.inbox_approvals,
                 "Approvals pending for others in the inbox scenario")
      ->default_val(o.inbox_approvals);
  app.add_option("--approval-pool", o.approval_pool,
                 "Pending approvals made for each decide-approval run")
      ->default_val(o.approval_pool);
  app.add_option("--doomed-tasks", o.doomed_tasks,
                 "Tasks in the project delete-project deletes (made again "
                 "before each of its runs)")
      ->default_val(o.doomed_tasks);
  app.add_option("--report-clocks", o.report_clocks,
                 "Clocks agreement-report's agreement has (one per task "
                 "made for it; a quarter of them met)")
      ->default_val(o.report_clocks);
  app.add_flag("--json", o.json, "Print JSON instead of a table");
  app.add_flag("--skip-preload", o.skip_preload,
               "With --server: the tasks of an earlier run are there already");
  app.add_flag("--keep", o.keep,
               "With --spawn: keep the temporary folder (its path goes to "
               "stderr)");
  app.add_flag("--preload-only", o.preload_only,
               "Preload the tasks, report how long it took (and with --spawn "
               "the RSS, size and restart times), run no scenario")
      ->excludes("--skip-preload");
}

// What the flags ask for, checked.
struct Plan {
  absl::Duration duration;
  absl::Duration warmup;
  std::vector<int> levels;
  std::vector<std::string> scenarios;

  bool Wants(const std::string& s) const {
    return std::find(scenarios.begin(), scenarios.end(), s) != scenarios.end();
  }
};

// Returns 0, or 2 (usage error, explained on stderr).
int MakePlan(const Options& o, bool scenarios_given, Plan* plan) {
  if (!absl::ParseDuration(o.duration, &plan->duration) ||
      plan->duration <= absl::ZeroDuration()) {
    std::cerr << "mops-bench: --duration \"" << o.duration
              << "\" is not a duration (10s)\n";
    return 2;
  }
  if (!absl::ParseDuration(o.warmup, &plan->warmup) ||
      plan->warmup < absl::ZeroDuration()) {
    std::cerr << "mops-bench: --warmup \"" << o.warmup
              << "\" is not a duration (2s, or 0s for none)\n";
    return 2;
  }
  for (const std::string& c :
       std::vector<std::string>(absl::StrSplit(o.concurrency, ','))) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1) {
      std::cerr << "mops-bench: --concurrency \"" << o.concurrency
                << "\" is not a list of counts\n";
      return 2;
    }
    plan->levels.push_back(n);
  }
  plan->scenarios =
      o.scenarios == "all"
          ? kAllScenarios
          : std::vector<std::string>(absl::StrSplit(o.scenarios, ','));
  for (const auto& s : plan->scenarios) {
    if (std::find(kAllScenarios.begin(), kAllScenarios.end(), s) ==
        kAllScenarios.end()) {
      std::cerr << "mops-bench: unknown scenario \"" << s << "\"\n";
      return 2;
    }
  }
  if (o.preload_only) {
    if (scenarios_given) {
      std::cerr << "mops-bench: --preload-only runs no scenario; drop "
                   "--scenarios\n";
      return 2;
    }
    plan->scenarios.clear();
  }
  if (o.assignees < 1 || o.tasks < 1) {
    std::cerr << "mops-bench: --tasks and --assignees must be at least 1\n";
    return 2;
  }
  if (o.doomed_tasks < 1 || o.report_clocks < 1) {
    std::cerr << "mops-bench: --doomed-tasks and --report-clocks must be at "
                 "least 1\n";
    return 2;
  }
  return 0;
}

// Starts a server (--spawn) or takes the one given; returns an exit code.
int Connect(Options* o, Server* server) {
  if (o->spawn) return SpawnMopsd(o, server);
  if (o->server.empty()) {
    std::cerr << "mops-bench: give --server and --token (or --token-file), "
                 "or --spawn\n";
    return 2;
  }
  server->address = o->server;
  server->admin_token = !o->token.empty() ? o->token : ReadFile(o->token_file);
  return 0;
}

// The users, projects, tasks and approvals the planned scenarios need.
void SetUpWorld(const Options& o, const Plan& plan, const Server& server,
                World* w) {
  w->server = server.address;
  w->admin = server.admin_token;
  w->assignees = o.assignees;
  w->approval_pool = o.approval_pool;
  w->doomed_tasks = o.doomed_tasks;
  w->report_clocks = o.report_clocks;
  w->server_pid = o.server_pid;
  auto ident = v1::IdentityService::NewStub(NewChannel(w->server, -1));
  EnsureProject(*w, "bench");
  EnsureProject(*w, "bench-writes");
  EnsureUser(ident.get(), w->admin, "a0");
  if (o.skip_preload) {
    w->preloaded_tasks = o.tasks;
  } else if (o.preload_only || plan.Wants("get-task") ||
             plan.Wants("list-tasks")) {
    std::cerr << "preloading " << o.tasks << " tasks over " << o.assignees
              << " assignees...\n";
    Preload(w, o.tasks, o.assignees);
    std::cerr << "preloaded: " << PreloadSummary(*w) << "\n";
  }
  if (plan.Wants("decide-approval") || plan.Wants("inbox")) {
    w->requester_token = TokenFor(ident.get(), w->admin, "bench-requester");
    w->approver_token = TokenFor(ident.get(), w->admin, "bench-approver");
  }
  if (plan.Wants("advance-workflow")) SetUpWorkflows(w);
  if (plan.Wants("inbox")) {
    w->inbox_token = TokenFor(ident.get(), w->admin, "bench-inbox");
    std::cerr << "creating " << o.inbox_approvals
              << " approvals pending for others...\n";
    absl::Time t0 = absl::Now();
    EnsureUser(ident.get(), w->admin, "bench-someone-else");
    CreateApprovals(*w, w->requester_token, "bench-someone-else",
                    o.inbox_approvals);
    CreateApprovals(*w, w->requester_token, "bench-inbox", 20);
    w->inbox_setup_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  }
}

// On a shared machine the floor drifts by 10-25% within minutes, so each
// scenario is compared with a health run made just before it.
std::vector<Result> RunAll(const Options& o, const Plan& plan, World& w) {
  std::vector<Result> results;
  for (const std::string& name : plan.scenarios) {
    for (int level : plan.levels) {
      double floor = 0;
      if (name != "health" && plan.Wants("health")) {
        std::cerr << "running health (the floor for " << name << ") with "
                  << level << " client(s)...\n";
        floor = RunScenario("health", w.server, w.admin, o.server_pid, level,
                            plan.warmup, plan.duration, Scenario("health", w))
                    .qps;
      }
      std::cerr << "running " << name << " with " << level << " client(s)...\n";
      // decide-approval works through a pool made beforehand, which a
      // warm-up would use up; it is measured from its first call.
      const absl::Duration scenario_warmup =
          name == "decide-approval" ? absl::ZeroDuration() : plan.warmup;
      Result r = RunScenario(name, w.server, w.admin, o.server_pid, level,
                             scenario_warmup, plan.duration, Scenario(name, w));
      if (name == "health") floor = r.qps;
      r.floor_qps = floor;
      if (floor > 0) r.ratio = r.qps / floor;
      results.push_back(r);
    }
  }
  return results;
}

int Main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "mops-bench: load mopsd with the work users do and compare it with the "
      "gRPC "
      "floor (health checks) on the same machine. Closed loop: each client has "
      "its "
      "own channel and one call in flight.",
      "mops-bench"};
  AddFlags(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // Usage errors exit 2, as this tool's own checks and the mops CLI do.
    std::cerr << "mops-bench: " << e.what()
              << "\nRun 'mops-bench --help' for usage.\n";
    return 2;
  }
  // As in mopsd: debug abseil's deadlock detector would charge every lock
  // gRPC takes in the 64 client threads to the load generator.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  Plan plan;
  if (int rc = MakePlan(o, app.count("--scenarios") > 0, &plan)) return rc;
  Server server;
  if (int rc = Connect(&o, &server)) return rc;
  World w;
  w.window = plan.duration;
  SetUpWorld(o, plan, server, &w);
  if (o.server_pid > 0 && !plan.scenarios.empty()) {
    std::cerr << "waiting for the server to settle (compactions)...\n";
    WaitIdle(o.server_pid, absl::Seconds(60));
  }
  const std::vector<Result> results = RunAll(o, plan, w);
  Summary summary;
  summary.rss_bytes = o.server_pid > 0 ? RssBytes(o.server_pid) : -1;
  summary.data_bytes = o.data_dir.empty() ? -1 : FolderBytes(o.data_dir);
  if (o.spawn) {
    summary.restart = TimeRestartsAndStop(o, &server);
    summary.restarted = true;
  }
  if (o.json) {
    PrintJson(results, w, summary);
  } else {
    PrintTable(results, w, summary);
  }
  return 0;
}

}  // namespace
}  // namespace mops::bench

int main(int argc, char** argv) { return mops::bench::Main(argc, argv); }

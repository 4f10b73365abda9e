// mops-bench: measures mopsd on the work users do, against the gRPC floor
// (health checks) on the same machine. See BENCHMARKS.md.
//
// What the parts share: the options, a call's context, the server it runs
// against (server.cc), running a scenario (run.cc), the data scenarios need
// (world.cc), the scenarios (scenarios.cc, workflow.cc, agreement.cc,
// agreement_report.cc) and the report (report.cc); main.cc parses the
// flags and runs it all.
#ifndef MOPS_CLIENTS_BENCH_BENCH_H_
#define MOPS_CLIENTS_BENCH_BENCH_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/agreements.grpc.pb.h"
#include "mops/v1/identity.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::bench {

namespace v1 = ::mops::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string server;
  std::string token;
  std::string token_file;
  bool spawn = false;
  std::string mopsd = MOPSD_DEFAULT_PATH;
  std::string data_dir;  // for the size report (spawn sets it)
  int server_pid = 0;    // for the RSS report (spawn sets it)
  std::string duration = "10s";
  std::string warmup = "2s";
  std::string concurrency = "1,64";
  std::string scenarios = "all";
  int tasks = 1000000;
  int assignees = 1000;
  int inbox_approvals = 100000;
  int approval_pool = 60000;
  int doomed_tasks = 100000;
  int report_clocks = 100000;
  bool json = false;
  bool keep = false;
  bool skip_preload = false;
  bool preload_only = false;
};

extern const std::vector<std::string> kAllScenarios;

// A file's text without trailing newlines and spaces; empty when it cannot
// be read.
std::string ReadFile(const std::string& path);

// A channel of its own (its own connection) for client `id`.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& server, int id);

class Ctx {
 public:
  explicit Ctx(const std::string& token) {
    ctx_.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(60));
    // A new connection can fail transiently on a loaded machine; wait for it
    // (within the deadline) instead of failing the call at once.
    ctx_.set_wait_for_ready(true);
    if (!token.empty()) ctx_.AddMetadata("authorization", "Bearer " + token);
  }
  grpc::ClientContext* get() { return &ctx_; }

 private:
  grpc::ClientContext ctx_;
};

// The mopsd that --spawn started, stopped if the bench gives up.
extern pid_t g_spawned;

[[noreturn]] void Die(const std::string& what, const grpc::Status& s);

// ------------------------------------------------------------ server.cc

struct Server {
  std::string address;
  std::string admin_token;
  std::string data_dir;
  std::string tmp_dir;
  std::string port_file;
  std::string log;
  pid_t pid = 0;
};

// Starts mopsd on a temporary folder (fills `server`, and the pid and data
// folder in `o`); returns an exit code, 0 when it serves.
int SpawnMopsd(Options* o, Server* server);

// Restart on the same data: after kill -9, then after a clean stop; then
// stops the server and removes its folder (unless --keep).
struct RestartTimes {
  double after_stop = -1;
  double after_kill = -1;
};
RestartTimes TimeRestartsAndStop(const Options& o, Server* server);

int64_t RssBytes(int pid);
// CPU seconds the process has used (user + system).
double CpuSeconds(int pid);
// Waits (at most `limit`) until the server uses under a tenth of a core.
void WaitIdle(int pid, absl::Duration limit);
int64_t FolderBytes(const std::string& dir);

// ------------------------------------------------------------ run.cc

struct Result {
  std::string scenario;
  int concurrency = 0;
  double seconds = 0;
  int64_t ops = 0;
  int64_t errors = 0;
  double qps = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  // The slowest call of the window.
  double max_ms = 0;
  // health's QPS at the same concurrency measured just before this run (the
  // floor), and qps / floor.
  double floor_qps = 0;
  double ratio = 0;
  // CPU time per call over the measured window (user + system), of the
  // server (when its pid is known; else -1) and of this load generator:
  // what each call costs, steadier than QPS on a shared machine.
  double server_cpu_us = -1;
  double client_cpu_us = -1;
  // Commands per group commit (synced write) in the server over the
  // measured window, from its stats; -1 when nothing was written.
  double per_commit = -1;
  std::string note;
};

// One client's operation: returns false on error; sets *stop when it has no
// more work (a used-up pool).
using Op = std::function<bool(bool* stop)>;
using MakeOp =
    std::function<Op(int client, std::shared_ptr<grpc::Channel> channel)>;

// An operation that makes more calls than the one it measures (reads that
// find its write and check what it did) times that call itself and passes
// its latency here, on the client's thread; the run counts it instead of
// the whole operation's.
void TimeCall(Clock::duration latency);

// Work one more thread does during the measured window, besides the
// measured clients (delete-project's DeleteProject); its calls are not
// counted. `run` starts with the clients, does its work at `at` (`start`
// into the window, or a quarter of the window when that is sooner) and
// returns a note for the report. The window lasts the duration and, if
// `run` has not returned by then, until it does, but at most `limit`
// longer: `run` gets that last moment as its deadline.
struct SideWork {
  std::function<std::string(Clock::time_point at, Clock::time_point deadline)>
      run;
  absl::Duration start = absl::Seconds(1);
  absl::Duration limit = absl::Minutes(5);
};

// A scenario: its clients' operations, and maybe side work.
struct Load {
  Load() = default;
  Load(MakeOp m, SideWork s = {}, std::string n = "")
      : make(std::move(m)), side(std::move(s)), note(std::move(n)) {}

  MakeOp make;
  SideWork side;  // none when side.run is empty
  // What the scenario's setup found, put first in the result's note.
  std::string note;
};

// Runs the load for warmup + duration; only calls that start after the
// warm-up count (caches filled, connections up, threads scheduled).
Result RunScenario(const std::string& name, const std::string& server,
                   const std::string& admin_token, int server_pid,
                   int concurrency, absl::Duration warmup,
                   absl::Duration duration, const Load& load);

// ------------------------------------------------------------ world.cc

struct World {
  std::string server;
  std::string admin;
  std::string approver_token, requester_token, inbox_token;
  // bench-runner, a member of teams/marketing: starts and advances runs.
  std::string runner_token;
  int preloaded_tasks = 0;
  int preload_existing = 0;  // of them, already stored by an earlier run
  int assignees = 1;
  int approval_pool = 0;
  int doomed_tasks = 0;  // in projects/bench-doomed for delete-project
  int server_pid = 0;    // when known, to wait for it to settle
  // create-task-agreements: its agreements made active (once), and what
  // its setup found.
  bool agreements_ready = false;
  std::string agreements_note;
  // agreement-report: --report-clocks, and agreements/bench-report with
  // that many clocks made (once), the period its report covers and what
  // its setup found.
  int report_clocks = 0;
  bool report_ready = false;
  absl::Time report_from, report_to;
  std::string report_note;
  double preload_seconds = 0;
  double inbox_setup_seconds = 0;
  absl::Duration window;  // each scenario's measured window (--duration)
};

// Runs fn(thread, i) for i in [0, total) on `threads` threads.
void Parallel(int threads, int64_t total,
              const std::function<void(int thread, int64_t i)>& fn);
void EnsureUser(v1::IdentityService::Stub* stub, const std::string& admin,
                const std::string& id);
std::string TokenFor(v1::IdentityService::Stub* stub, const std::string& admin,
                     const std::string& id);
// CreateProject of projects/{id} in teams/marketing.
grpc::Status CreateBenchProject(v1::ProjectService::Stub* stub,
                                const std::string& admin,
                                const std::string& id);
// Creates projects/{id} unless it exists.
void EnsureProject(const World& w, const std::string& id);
// Tasks {prefix}0..{prefix}{n-1} in projects/{project}, assigned
// round-robin to a0..a{assignees-1}, due within the next year, in batches
// of 1000 through BatchCreateTasks from 4 clients, each with `labels`;
// returns how many of them were there already.
int CreateTasks(const World& w, const std::string& project,
                const std::string& prefix, int n, int assignees,
                const std::vector<std::string>& labels = {});
// Tasks t0..t{n-1} in projects/bench over users a0..a{assignees-1}.
void Preload(World* w, int n, int assignees);
// "1000000 tasks in 16.8 s (59492 tasks/s)".
std::string PreloadSummary(const World& w);
// Creates `n` approvals pending for `approver`; returns their names.
std::vector<std::string> CreateApprovals(const World& w,
                                         const std::string& requester_token,
                                         const std::string& approver,
                                         int64_t n);

// ------------------------------------------------------------ scenarios.cc

// Scenario `name` (one of kAllScenarios), with the data it needs for one
// run made; an empty make for an unknown name.
Load Scenario(const std::string& name, World& w);
// create-task's load: CreateTask in projects/bench-writes, assigned to a0,
// labelled `label` when it is not empty.
MakeOp CreateTaskScenario(World& w, const std::string& label = "");

// ------------------------------------------------------------ workflow.cc

// What advance-workflow needs: projects/bench-workflows, bench-runner in
// its team (w->runner_token) and the published workflowTemplates/bench-chain.
void SetUpWorkflows(World* w);
// Each client completes the active stage's task of its own run, which
// advances the run; only CompleteTask is timed.
MakeOp AdvanceWorkflowScenario(World& w);

// ---------------------------------------------------------- agreement.cc

// Makes agreements/{id} from `spec` unless it exists, submits it as admin
// and has the first liaison of each party approve it, so that it is
// active. The liaisons are bench users (made here, with their tokens).
void ActivateAgreement(const World& w, const std::string& id,
                       const v1::Agreement& spec);
// A party of an agreement: `team` ("teams/t"), with bench-liaison-{t}.
v1::AgreementParty BenchParty(const std::string& team);
// A term `provider` owes teams/marketing: a clock starts on task.created of
// a task labelled `label` and stops when it moves to `stop_state`.
v1::AgreementTerm BenchTerm(const std::string& id, const std::string& provider,
                            v1::AgreementTerm::Metric metric,
                            const std::string& target, const std::string& label,
                            const std::string& stop_state);
// create-task's load with its tasks labelled ola-load, which the 8 terms
// of 5 active agreements start a clock on (made before the first run).
Load CreateTaskAgreementsScenario(World& w);

// --------------------------------------------------- agreement_report.cc

// GetAgreementReport over the whole period of agreements/bench-report,
// whose term has a clock on each of w.report_clocks tasks, one in four of
// them met (made before the first run); the setup times GetWaitLedger
// once, in the note.
Load AgreementReportScenario(World& w);

// ------------------------------------------------------------ report.cc

// The p-th quantile of `v` (0 < p < 1; 0 when empty); reorders `v`.
double Percentile(std::vector<double>& v, double p);

// ------------------------------------------------------------ watch.cc

// The watch scenario's side work from `at` to `end`: 1,000 idle watchers,
// and the delivery latency of task.created to one more.
std::string RunWatchers(const World& w, Clock::time_point at,
                        Clock::time_point end);

// ---------------------------------------------------------- webhook.cc

// The webhook scenario's side work from `at` to `end`: one webhook on
// task.created to a local receiver, and its delivery latency.
std::string RunWebhook(const World& w, Clock::time_point at,
                       Clock::time_point end);

// What is reported besides the scenarios' results.
struct Summary {
  int64_t rss_bytes = -1;
  int64_t data_bytes = -1;
  bool restarted = false;  // with --spawn: the restart times are measured
  RestartTimes restart;
};

void PrintJson(const std::vector<Result>& results, const World& w,
               const Summary& s);
void PrintTable(const std::vector<Result>& results, const World& w,
                const Summary& s);

}  // namespace mops::bench

#endif  // MOPS_CLIENTS_BENCH_BENCH_H_

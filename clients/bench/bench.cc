// mops-bench: measures mopsd on the work users do, against the gRPC floor
// (health checks) on the same machine. See BENCHMARKS.md.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/admin.grpc.pb.h"
#include "mops/v1/approvals.grpc.pb.h"
#include "mops/v1/identity.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::bench {
namespace {

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
  bool json = false;
  bool keep = false;
  bool skip_preload = false;
  bool preload_only = false;
};

const std::vector<std::string> kAllScenarios = {
    "health",          "get-task", "create-task", "update-task",
    "decide-approval", "inbox",    "list-tasks"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& server, int id) {
  grpc::ChannelArguments args;
  // Each client its own connection: no subchannel sharing between channels.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("mops.bench.client", id);
  return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(),
                                   args);
}

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
pid_t g_spawned = 0;

[[noreturn]] void Die(const std::string& what, const grpc::Status& s) {
  std::cerr << "mops-bench: " << what << ": " << s.error_message() << " (code "
            << s.error_code() << ")\n";
  if (g_spawned > 0) kill(g_spawned, SIGKILL);
  std::exit(1);
}

// ------------------------------------------------------------ server

struct Server {
  std::string address;
  std::string admin_token;
  std::string data_dir;
  std::string tmp_dir;
  pid_t pid = 0;
};

pid_t StartMopsd(const Options& o, const std::string& data_dir,
                 const std::string& port_file, const std::string& log) {
  ::unlink(port_file.c_str());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 2);
    execl(o.mopsd.c_str(), o.mopsd.c_str(), "--listen", "127.0.0.1:0",
          "--data-dir", data_dir.c_str(), "--port-file", port_file.c_str(),
          "--log-level", "warn", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits for the port file and a SERVING health answer; returns the address.
std::string WaitServing(const std::string& port_file, pid_t pid,
                        absl::Duration limit) {
  absl::Time until = absl::Now() + limit;
  while (absl::Now() < until) {
    std::string addr = ReadFile(port_file);
    if (!addr.empty()) {
      auto health = grpc::health::v1::Health::NewStub(NewChannel(addr, -1));
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(1));
      grpc::health::v1::HealthCheckResponse resp;
      if (health->Check(&ctx, {}, &resp).ok() &&
          resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
        return addr;
      }
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) return "";
    absl::SleepFor(absl::Milliseconds(5));
  }
  return "";
}

int64_t RssBytes(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kb = 0;
      std::sscanf(line.c_str(), "VmRSS: %ld", &kb);
      return kb * 1024;
    }
  }
  return -1;
}

// CPU seconds the process has used (user + system).
double CpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> f = absl::StrSplit(stat.substr(close + 2), ' ');
  double utime = 0, stime = 0;
  if (f.size() < 13 || !absl::SimpleAtod(f[11], &utime) ||
      !absl::SimpleAtod(f[12], &stime)) {
    return -1;
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// After a bulk load RocksDB compacts for a while; measuring then would
// charge that to whichever scenario runs first. Waits (at most `limit`)
// until the server uses under a tenth of a core.
void WaitIdle(int pid, absl::Duration limit) {
  absl::Time until = absl::Now() + limit;
  double last = CpuSeconds(pid);
  while (absl::Now() < until && last >= 0) {
    absl::SleepFor(absl::Seconds(1));
    double now = CpuSeconds(pid);
    if (now - last < 0.1) return;
    last = now;
  }
}

int64_t FolderBytes(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += static_cast<int64_t>(e.file_size(ec));
  }
  return total;
}

// ------------------------------------------------------------ running

struct Result {
  std::string scenario;
  int concurrency = 0;
  double seconds = 0;
  int64_t ops = 0;
  int64_t errors = 0;
  double qps = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
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

// The server's stats (AdminService.GetServerStats); nullopt when they
// cannot be read, which only drops the group-commit column.
std::optional<v1::ServerStats> StatsNow(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::string& admin_token) {
  v1::ServerStats stats;
  Ctx ctx(admin_token);
  if (!v1::AdminService::NewStub(channel)
           ->GetServerStats(ctx.get(), {}, &stats)
           .ok()) {
    return std::nullopt;
  }
  return stats;
}

// CPU seconds this process has used (user + system).
double SelfCpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

// One client's operation: returns false on error; sets *stop when it has no
// more work (a used-up pool).
using Op = std::function<bool(bool* stop)>;
using MakeOp =
    std::function<Op(int client, std::shared_ptr<grpc::Channel> channel)>;

// Runs the load for warmup + duration; only calls that start after the
// warm-up count (caches filled, connections up, threads scheduled).
Result RunScenario(const std::string& name, const std::string& server,
                   const std::string& admin_token, int server_pid,
                   int concurrency, absl::Duration warmup,
                   absl::Duration duration, const MakeOp& make) {
  std::vector<std::vector<int64_t>> latencies(concurrency);
  std::vector<int64_t> errors(concurrency, 0);
  std::vector<Op> ops;
  for (int c = 0; c < concurrency; ++c)
    ops.push_back(make(c, NewChannel(server, c)));
  // Its own connection, so the two stats calls do not queue behind a
  // client's.
  const std::shared_ptr<grpc::Channel> stats_channel =
      NewChannel(server, concurrency);
  std::atomic<bool> go{false};
  std::atomic<int> stopped_early{0};
  std::vector<std::thread> threads;
  Clock::time_point measure_from, end;
  for (int c = 0; c < concurrency; ++c) {
    threads.emplace_back([&, c] {
      while (!go) std::this_thread::yield();
      while (true) {
        Clock::time_point t0 = Clock::now();
        if (t0 >= end) break;
        bool stop = false;
        bool ok = ops[c](&stop);
        if (stop) {
          ++stopped_early;
          break;
        }
        if (t0 < measure_from) continue;
        latencies[c].push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() -
                                                                 t0)
                .count());
        if (!ok) ++errors[c];
      }
    });
  }
  measure_from = Clock::now() + absl::ToChronoNanoseconds(warmup);
  end = measure_from + absl::ToChronoNanoseconds(duration);
  go = true;  // publishes measure_from and end to the clients
  std::this_thread::sleep_until(measure_from);
  const double server_cpu0 = server_pid > 0 ? CpuSeconds(server_pid) : -1;
  const double client_cpu0 = SelfCpuSeconds();
  const std::optional<v1::ServerStats> stats0 =
      StatsNow(stats_channel, admin_token);
  for (auto& t : threads) t.join();
  const Clock::time_point finished = Clock::now();
  const std::optional<v1::ServerStats> stats1 =
      StatsNow(stats_channel, admin_token);
  const double server_cpu =
      server_pid > 0 ? CpuSeconds(server_pid) - server_cpu0 : -1;
  const double client_cpu = SelfCpuSeconds() - client_cpu0;
  const double seconds = std::chrono::duration<double>(
                             std::max(finished, measure_from) - measure_from)
                             .count();
  std::vector<int64_t> all;
  Result r;
  r.scenario = name;
  r.concurrency = concurrency;
  for (int c = 0; c < concurrency; ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    r.errors += errors[c];
  }
  std::sort(all.begin(), all.end());
  r.ops = static_cast<int64_t>(all.size());
  r.seconds = seconds;
  r.qps = seconds > 0 ? r.ops / seconds : 0;
  auto pct = [&](double p) {
    if (all.empty()) return 0.0;
    size_t i = std::min(all.size() - 1, static_cast<size_t>(p * all.size()));
    return all[i] / 1e6;
  };
  r.p50_ms = pct(0.50);
  r.p95_ms = pct(0.95);
  r.p99_ms = pct(0.99);
  if (r.ops > 0) {
    if (server_cpu0 >= 0) r.server_cpu_us = server_cpu * 1e6 / r.ops;
    r.client_cpu_us = client_cpu * 1e6 / r.ops;
  }
  if (stats0 && stats1 && stats1->group_commits() > stats0->group_commits()) {
    r.per_commit =
        static_cast<double>(stats1->commands() - stats0->commands()) /
        static_cast<double>(stats1->group_commits() - stats0->group_commits());
  }
  if (stopped_early > 0) r.note = "work pool used up before the end";
  return r;
}

// ------------------------------------------------------------ setup helpers

struct World {
  std::string server;
  std::string admin;
  std::string approver_token, requester_token, inbox_token;
  int preloaded_tasks = 0;
  int preload_existing = 0;  // of them, already stored by an earlier run
  int assignees = 1;
  int approval_pool = 0;
  double preload_seconds = 0;
  double inbox_setup_seconds = 0;
};

template <typename Fn>
void Parallel(int threads, int64_t total, Fn fn) {
  std::atomic<int64_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (true) {
        int64_t i = next++;
        if (i >= total) break;
        fn(t, i);
      }
    });
  }
  for (auto& t : pool) t.join();
}

void EnsureUser(v1::IdentityService::Stub* stub, const std::string& admin,
                const std::string& id) {
  v1::CreateUserRequest req;
  req.set_user_id(id);
  v1::User u;
  Ctx ctx(admin);
  grpc::Status s = stub->CreateUser(ctx.get(), req, &u);
  if (!s.ok() && s.error_code() != grpc::ALREADY_EXISTS)
    Die("create user " + id, s);
}

std::string TokenFor(v1::IdentityService::Stub* stub, const std::string& admin,
                     const std::string& id) {
  EnsureUser(stub, admin, id);
  v1::CreateTokenRequest req;
  req.set_parent("users/" + id);
  v1::CreateTokenResponse resp;
  Ctx ctx(admin);
  grpc::Status s = stub->CreateToken(ctx.get(), req, &resp);
  if (!s.ok()) Die("create token for " + id, s);
  return resp.secret();
}

void EnsureProject(const World& w, const std::string& id) {
  auto stub = v1::ProjectService::NewStub(NewChannel(w.server, -1));
  v1::CreateProjectRequest req;
  req.set_project_id(id);
  req.mutable_project()->set_title("Benchmark " + id);
  req.mutable_project()->set_team("teams/marketing");
  v1::Project p;
  Ctx ctx(w.admin);
  grpc::Status s = stub->CreateProject(ctx.get(), req, &p);
  if (!s.ok() && s.error_code() != grpc::ALREADY_EXISTS)
    Die("create project", s);
}

// Tasks t0..t{n-1} in projects/bench, assigned round-robin to a0..a{k-1},
// due within the next year, in batches of 1000 through BatchCreateTasks.
void Preload(World* w, int n, int assignees) {
  auto ident = v1::IdentityService::NewStub(NewChannel(w->server, -1));
  Parallel(8, assignees, [&](int, int64_t i) {
    EnsureUser(ident.get(), w->admin, absl::StrCat("a", i));
  });
  EnsureProject(*w, "bench");
  const int batches = (n + 999) / 1000;
  std::atomic<int> existing{0};
  const absl::Time now = absl::Now();
  absl::Time t0 = absl::Now();
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i)
    channels.push_back(NewChannel(w->server, 1000 + i));
  Parallel(4, batches, [&](int t, int64_t b) {
    auto stub = v1::TaskService::NewStub(channels[t]);
    v1::BatchCreateTasksRequest req;
    req.set_parent("projects/bench");
    absl::BitGen rng;
    for (int64_t i = b * 1000; i < std::min<int64_t>(n, (b + 1) * 1000); ++i) {
      auto* one = req.add_requests();
      one->set_task_id(absl::StrCat("t", i));
      one->mutable_task()->set_title(absl::StrCat("Benchmark task ", i));
      one->mutable_task()->set_assignee(absl::StrCat("users/a", i % assignees));
      absl::Time due = now + absl::Hours(1) +
                       absl::Seconds(absl::Uniform(rng, 0, 365 * 86400));
      one->mutable_task()->mutable_due_time()->set_seconds(
          absl::ToUnixSeconds(due));
    }
    v1::BatchCreateTasksResponse resp;
    Ctx ctx(w->admin);
    grpc::Status s = stub->BatchCreateTasks(ctx.get(), req, &resp);
    // Batches are all or none, so a batch an earlier run wrote fails as a
    // whole and preloading again fills in only what is missing.
    if (s.error_code() == grpc::ALREADY_EXISTS) {
      existing += req.requests_size();
    } else if (!s.ok()) {
      Die("preload", s);
    }
  });
  w->preload_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  w->preloaded_tasks = n;
  w->preload_existing = existing.load();
}

// "1000000 tasks in 16.8 s (59492 tasks/s)"; the rate counts only the tasks
// this run wrote.
std::string PreloadSummary(const World& w) {
  const int written = w.preloaded_tasks - w.preload_existing;
  std::string out = absl::StrFormat("%d tasks in %.1f s", w.preloaded_tasks,
                                    w.preload_seconds);
  if (written > 0) {
    absl::StrAppendFormat(&out, " (%.0f tasks/s)", written / w.preload_seconds);
  }
  if (w.preload_existing > 0) {
    absl::StrAppend(&out, ", ", w.preload_existing,
                    " of them already there from an earlier run");
  }
  return out;
}

v1::Approval NewApproval(const std::string& approver) {
  v1::Approval a;
  a.set_subject("projects/bench");
  a.set_title("Benchmark approval");
  a.add_groups()->add_users("users/" + approver);
  return a;
}

// Creates `n` approvals pending for `approver`; returns their names.
std::vector<std::string> CreateApprovals(const World& w,
                                         const std::string& requester_token,
                                         const std::string& approver,
                                         int64_t n) {
  std::vector<std::string> names(n);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 16; ++i)
    channels.push_back(NewChannel(w.server, 2000 + i));
  Parallel(16, n, [&](int t, int64_t i) {
    auto stub = v1::ApprovalService::NewStub(channels[t]);
    v1::CreateApprovalRequest req;
    *req.mutable_approval() = NewApproval(approver);
    v1::Approval a;
    Ctx ctx(requester_token);
    grpc::Status s = stub->CreateApproval(ctx.get(), req, &a);
    if (!s.ok()) Die("create approval", s);
    names[i] = a.name();
  });
  return names;
}

// ------------------------------------------------------------ scenarios

MakeOp Scenario(const std::string& name, World& w) {
  if (name == "health") {
    return [](int, std::shared_ptr<grpc::Channel> ch) -> Op {
      auto stub = std::shared_ptr<grpc::health::v1::Health::Stub>(
          grpc::health::v1::Health::NewStub(ch));
      return [stub](bool*) {
        Ctx ctx("");
        grpc::health::v1::HealthCheckResponse resp;
        return stub->Check(ctx.get(), {}, &resp).ok();
      };
    };
  }
  if (name == "get-task") {
    const int n = std::max(1, w.preloaded_tasks);
    return [&w, n](int c, std::shared_ptr<grpc::Channel> ch) -> Op {
      auto stub =
          std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
      auto rng = std::make_shared<absl::BitGen>();
      (void)c;
      return [stub, rng, n, &w](bool*) {
        v1::GetTaskRequest req;
        req.set_name(
            absl::StrCat("projects/bench/tasks/t", absl::Uniform(*rng, 0, n)));
        v1::Task t;
        Ctx ctx(w.admin);
        return stub->GetTask(ctx.get(), req, &t).ok();
      };
    };
  }
  if (name == "create-task") {
    static std::atomic<int64_t> seq{0};
    return [&w](int, std::shared_ptr<grpc::Channel> ch) -> Op {
      auto stub =
          std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
      return [stub, &w](bool*) {
        v1::CreateTaskRequest req;
        req.set_parent("projects/bench-writes");
        req.mutable_task()->set_title(absl::StrCat("Created ", seq++));
        req.mutable_task()->set_assignee("users/a0");
        v1::Task t;
        Ctx ctx(w.admin);
        return stub->CreateTask(ctx.get(), req, &t).ok();
      };
    };
  }
  if (name == "update-task") {
    return [&w](int c, std::shared_ptr<grpc::Channel> ch) -> Op {
      auto stub =
          std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
      // Each client updates its own task, carrying the etag forward.
      auto task = std::make_shared<v1::Task>();
      v1::CreateTaskRequest create;
      create.set_parent("projects/bench-writes");
      create.mutable_task()->set_title(absl::StrCat("Updated by client ", c));
      Ctx ctx(w.admin);
      grpc::Status s = stub->CreateTask(ctx.get(), create, task.get());
      if (!s.ok()) Die("create task to update", s);
      auto n = std::make_shared<int64_t>(0);
      return [stub, task, n, &w](bool*) {
        v1::UpdateTaskRequest req;
        req.mutable_task()->set_name(task->name());
        req.mutable_task()->set_etag(task->etag());
        req.mutable_task()->set_title(absl::StrCat("Revision ", ++*n));
        req.mutable_update_mask()->add_paths("title");
        Ctx ctx(w.admin);
        return stub->UpdateTask(ctx.get(), req, task.get()).ok();
      };
    };
  }
  if (name == "decide-approval") {
    // Pending approvals made beforehand, each decided (approved) once.
    auto pool = std::make_shared<std::vector<std::string>>(CreateApprovals(
        w, w.requester_token, "bench-approver", w.approval_pool));
    auto next = std::make_shared<std::atomic<size_t>>(0);
    return [&w, pool, next](int, std::shared_ptr<grpc::Channel> ch) -> Op {
      auto stub = std::shared_ptr<v1::ApprovalService::Stub>(
          v1::ApprovalService::NewStub(ch));
      return [stub, pool, next, &w](bool* stop) {
        size_t i = (*next)++;
        if (i >= pool->size()) {
          *stop = true;
          return true;
        }
        v1::DecideApprovalRequest req;
        req.set_name((*pool)[i]);
        req.set_outcome(v1::Decision::APPROVE);
        v1::Approval a;
        Ctx ctx(w.approver_token);
        return stub->DecideApproval(ctx.get(), req, &a).ok() &&
               a.state() == v1::Approval::APPROVED;
      };
    };
  }
  if (name == "inbox") {
    return [&w](int, std::shared_ptr<grpc::Channel> ch) -> Op {
      auto stub = std::shared_ptr<v1::ApprovalService::Stub>(
          v1::ApprovalService::NewStub(ch));
      return [stub, &w](bool*) {
        v1::ListApprovalsRequest req;
        req.set_filter("pending_for = \"me\"");
        req.set_page_size(50);
        v1::ListApprovalsResponse resp;
        Ctx ctx(w.inbox_token);
        return stub->ListApprovals(ctx.get(), req, &resp).ok() &&
               resp.approvals_size() > 0;
      };
    };
  }
  if (name == "list-tasks") {
    return [&w](int c, std::shared_ptr<grpc::Channel> ch) -> Op {
      auto stub =
          std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
      auto rng = std::make_shared<absl::BitGen>();
      (void)c;
      return [stub, rng, &w](bool*) {
        v1::ListTasksRequest req;
        req.set_parent("projects/-");
        req.set_filter(absl::StrCat(
            "assignee = \"users/a", absl::Uniform(*rng, 0, w.assignees),
            "\" AND state != DONE AND state != CANCELLED"));
        req.set_page_size(50);
        v1::ListTasksResponse resp;
        Ctx ctx(w.admin);
        return stub->ListTasks(ctx.get(), req, &resp).ok() &&
               resp.tasks_size() > 0;
      };
    };
  }
  return nullptr;
}

std::string Human(int64_t bytes) {
  if (bytes < 0) return "n/a";
  return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
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

  absl::Duration duration;
  if (!absl::ParseDuration(o.duration, &duration) ||
      duration <= absl::ZeroDuration()) {
    std::cerr << "mops-bench: --duration \"" << o.duration
              << "\" is not a duration (10s)\n";
    return 2;
  }
  absl::Duration warmup;
  if (!absl::ParseDuration(o.warmup, &warmup) ||
      warmup < absl::ZeroDuration()) {
    std::cerr << "mops-bench: --warmup \"" << o.warmup
              << "\" is not a duration (2s, or 0s for none)\n";
    return 2;
  }
  std::vector<int> levels;
  for (const std::string& c :
       std::vector<std::string>(absl::StrSplit(o.concurrency, ','))) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1) {
      std::cerr << "mops-bench: --concurrency \"" << o.concurrency
                << "\" is not a list of counts\n";
      return 2;
    }
    levels.push_back(n);
  }
  std::vector<std::string> scenarios =
      o.scenarios == "all"
          ? kAllScenarios
          : std::vector<std::string>(absl::StrSplit(o.scenarios, ','));
  for (const auto& s : scenarios) {
    if (std::find(kAllScenarios.begin(), kAllScenarios.end(), s) ==
        kAllScenarios.end()) {
      std::cerr << "mops-bench: unknown scenario \"" << s << "\"\n";
      return 2;
    }
  }
  if (o.preload_only) {
    if (app.count("--scenarios") > 0) {
      std::cerr << "mops-bench: --preload-only runs no scenario; drop "
                   "--scenarios\n";
      return 2;
    }
    scenarios.clear();
  }
  if (o.assignees < 1 || o.tasks < 1) {
    std::cerr << "mops-bench: --tasks and --assignees must be at least 1\n";
    return 2;
  }

  Server server;
  std::string port_file, log;
  if (o.spawn) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = absl::StrCat(
        tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/mops-bench-XXXXXX");
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::cerr << "mops-bench: cannot make a folder " << tmpl << ": "
                << std::strerror(errno) << "\n";
      return 1;
    }
    server.tmp_dir = tmpl;
    server.data_dir = server.tmp_dir + "/data";
    port_file = server.tmp_dir + "/port";
    log = server.tmp_dir + "/mopsd.log";
    server.pid = StartMopsd(o, server.data_dir, port_file, log);
    g_spawned = server.pid;
    server.address = WaitServing(port_file, server.pid, absl::Seconds(30));
    if (server.address.empty()) {
      std::cerr << "mops-bench: mopsd did not start; its log:\n"
                << ReadFile(log) << "\n";
      return 1;
    }
    server.admin_token = ReadFile(server.data_dir + "/admin.token");
    o.server_pid = server.pid;
    o.data_dir = server.data_dir;
  } else {
    if (o.server.empty()) {
      std::cerr << "mops-bench: give --server and --token (or --token-file), "
                   "or --spawn\n";
      return 2;
    }
    server.address = o.server;
    server.admin_token = !o.token.empty() ? o.token : ReadFile(o.token_file);
  }

  World w;
  w.server = server.address;
  w.admin = server.admin_token;
  w.assignees = o.assignees;
  w.approval_pool = o.approval_pool;
  auto ident = v1::IdentityService::NewStub(NewChannel(w.server, -1));
  EnsureProject(w, "bench");
  EnsureProject(w, "bench-writes");
  EnsureUser(ident.get(), w.admin, "a0");
  auto wants = [&](const std::string& s) {
    return std::find(scenarios.begin(), scenarios.end(), s) != scenarios.end();
  };
  if (o.skip_preload) {
    w.preloaded_tasks = o.tasks;
  } else if (o.preload_only || wants("get-task") || wants("list-tasks")) {
    std::cerr << "preloading " << o.tasks << " tasks over " << o.assignees
              << " assignees...\n";
    Preload(&w, o.tasks, o.assignees);
    std::cerr << "preloaded: " << PreloadSummary(w) << "\n";
  }
  if (wants("decide-approval") || wants("inbox")) {
    w.requester_token = TokenFor(ident.get(), w.admin, "bench-requester");
    w.approver_token = TokenFor(ident.get(), w.admin, "bench-approver");
  }
  if (wants("inbox")) {
    w.inbox_token = TokenFor(ident.get(), w.admin, "bench-inbox");
    std::cerr << "creating " << o.inbox_approvals
              << " approvals pending for others...\n";
    absl::Time t0 = absl::Now();
    EnsureUser(ident.get(), w.admin, "bench-someone-else");
    CreateApprovals(w, w.requester_token, "bench-someone-else",
                    o.inbox_approvals);
    CreateApprovals(w, w.requester_token, "bench-inbox", 20);
    w.inbox_setup_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  }

  if (o.server_pid > 0 && !scenarios.empty()) {
    std::cerr << "waiting for the server to settle (compactions)...\n";
    WaitIdle(o.server_pid, absl::Seconds(60));
  }

  // On a shared machine the floor drifts by 10-25% within minutes, so each
  // scenario is compared with a health run made just before it.
  std::vector<Result> results;
  for (const std::string& name : scenarios) {
    for (int level : levels) {
      double floor = 0;
      if (name != "health" && wants("health")) {
        std::cerr << "running health (the floor for " << name << ") with "
                  << level << " client(s)...\n";
        floor = RunScenario("health", w.server, w.admin, o.server_pid, level,
                            warmup, duration, Scenario("health", w))
                    .qps;
      }
      std::cerr << "running " << name << " with " << level << " client(s)...\n";
      // decide-approval works through a pool made beforehand, which a
      // warm-up would use up; it is measured from its first call.
      const absl::Duration scenario_warmup =
          name == "decide-approval" ? absl::ZeroDuration() : warmup;
      Result r = RunScenario(name, w.server, w.admin, o.server_pid, level,
                             scenario_warmup, duration, Scenario(name, w));
      if (name == "health") floor = r.qps;
      r.floor_qps = floor;
      if (floor > 0) r.ratio = r.qps / floor;
      results.push_back(r);
    }
  }
  const int64_t rss = o.server_pid > 0 ? RssBytes(o.server_pid) : -1;
  const int64_t size = o.data_dir.empty() ? -1 : FolderBytes(o.data_dir);

  // Restart on the same data: after kill -9 first, while the WAL still holds
  // everything written since the last flushes (the slow case), then after a
  // clean stop.
  double restart_clean = -1, restart_kill = -1;
  if (o.spawn) {
    for (int sig : {SIGKILL, SIGTERM}) {
      kill(server.pid, sig);
      int status;
      waitpid(server.pid, &status, 0);
      auto t0 = Clock::now();
      server.pid = StartMopsd(o, server.data_dir, port_file, log);
      g_spawned = server.pid;
      std::string addr = WaitServing(port_file, server.pid, absl::Seconds(120));
      double secs = std::chrono::duration<double>(Clock::now() - t0).count();
      if (addr.empty()) secs = -1;
      (sig == SIGTERM ? restart_clean : restart_kill) = secs;
    }
    kill(server.pid, SIGTERM);
    int status;
    waitpid(server.pid, &status, 0);
    if (!o.keep) {
      std::error_code ec;
      std::filesystem::remove_all(server.tmp_dir, ec);
    } else {
      std::cerr << "kept " << server.data_dir << "\n";
    }
  }

  if (o.json) {
    std::cout << "{\n  \"results\": [\n";
    for (size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      std::cout << absl::StrFormat(
          "    {\"scenario\": \"%s\", \"concurrency\": %d, \"seconds\": %.3f, "
          "\"ops\": %d, "
          "\"errors\": %d, \"qps\": %.1f, \"p50_ms\": %.3f, \"p95_ms\": %.3f, "
          "\"p99_ms\": %.3f, \"health_qps\": %.1f, \"ratio_to_health\": %.3f, "
          "\"server_cpu_us_per_call\": %.1f, \"client_cpu_us_per_call\": "
          "%.1f, \"commands_per_group_commit\": %.2f, \"note\": \"%s\"}%s\n",
          r.scenario, r.concurrency, r.seconds, r.ops, r.errors, r.qps,
          r.p50_ms, r.p95_ms, r.p99_ms, r.floor_qps, r.ratio, r.server_cpu_us,
          r.client_cpu_us, r.per_commit, r.note,
          i + 1 < results.size() ? "," : "");
    }
    std::cout << absl::StrFormat(
        "  ],\n  \"server_rss_bytes\": %d,\n  \"data_bytes\": %d,\n  "
        "\"preloaded_tasks\": %d,\n  \"preload_existing_tasks\": %d,\n"
        "  \"preload_seconds\": %.2f,\n  \"restart_after_stop_seconds\": "
        "%.3f,\n"
        "  \"restart_after_kill_seconds\": %.3f\n}\n",
        rss, size, w.preloaded_tasks, w.preload_existing, w.preload_seconds,
        restart_clean, restart_kill);
    return 0;
  }
  if (!results.empty()) {
    std::cout << absl::StrFormat(
        "%-16s %5s %10s %9s %9s %9s %7s %9s %8s %9s %9s %9s  %s\n", "SCENARIO",
        "CONC", "QPS", "P50 ms", "P95 ms", "P99 ms", "ERRORS", "HEALTH",
        "/HEALTH", "SRV us", "CLI us", "PER SYNC", "");
    auto cpu = [](double us) {
      return us < 0 ? std::string("n/a") : absl::StrFormat("%.1f", us);
    };
    for (const Result& r : results) {
      std::cout << absl::StrFormat(
          "%-16s %5d %10.0f %9.3f %9.3f %9.3f %7d %9.0f %7.0f%% %9s %9s %9s  "
          "%s\n",
          r.scenario, r.concurrency, r.qps, r.p50_ms, r.p95_ms, r.p99_ms,
          r.errors, r.floor_qps, r.ratio * 100, cpu(r.server_cpu_us),
          cpu(r.client_cpu_us),
          r.per_commit < 0 ? std::string("-")
                           : absl::StrFormat("%.1f", r.per_commit),
          r.note);
    }
    std::cout << "\nHEALTH: health's QPS at the same concurrency just before "
                 "the run (the floor /HEALTH compares with).\n"
                 "SRV us / CLI us: CPU time (user + system) per call of the "
                 "server and of this load generator.\n"
                 "PER SYNC: commands per group commit (one synced write) in "
                 "the server during the run.\n";
  }
  std::cout << (results.empty() ? "" : "\n")
            << "server RSS after the load: " << Human(rss) << "\n"
            << "data folder: " << Human(size) << "\n";
  if (w.preload_seconds > 0) {
    std::cout << "preload: " << PreloadSummary(w) << "\n";
  }
  if (o.spawn) {
    std::cout << absl::StrFormat(
        "restart: %.2f s after a clean stop, %.2f s after kill -9\n",
        restart_clean, restart_kill);
  }
  return 0;
}

}  // namespace
}  // namespace mops::bench

int main(int argc, char** argv) { return mops::bench::Main(argc, argv); }

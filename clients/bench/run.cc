// Running a scenario: the clients' threads, the measured window, and what
// the window's calls add up to.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "clients/bench/bench.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/admin.grpc.pb.h"

namespace mops::bench {

std::shared_ptr<grpc::Channel> NewChannel(const std::string& server, int id) {
  grpc::ChannelArguments args;
  // Each client its own connection: no subchannel sharing between channels.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("mops.bench.client", id);
  return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(),
                                   args);
}

namespace {

// The latency the operation running on this thread passed to TimeCall; -1
// when it passed none (the whole operation counts).
thread_local int64_t t_timed_ns = -1;

}  // namespace

void TimeCall(Clock::duration latency) {
  t_timed_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count();
}

namespace {

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

// What the clients measured in the window, and the counters around it.
struct Window {
  std::vector<std::vector<int64_t>> latencies;  // ns, per client
  std::vector<int64_t> errors;                  // per client
  int stopped_early = 0;
  std::string side_note;  // what the side work returned
  double seconds = 0;
  double server_cpu0 = -1;  // at the start; -1 when not known
  double server_cpu = -1;   // used over the window
  double client_cpu = 0;
  std::optional<v1::ServerStats> stats0, stats1;
};

Window RunClients(const std::string& server, const std::string& admin_token,
                  int server_pid, int concurrency, absl::Duration warmup,
                  absl::Duration duration, const Load& load) {
  Window m;
  m.latencies.resize(concurrency);
  m.errors.assign(concurrency, 0);
  std::vector<Op> ops;
  for (int c = 0; c < concurrency; ++c)
    ops.push_back(load.make(c, NewChannel(server, c)));
  // Its own connection, so the two stats calls do not queue behind a
  // client's.
  const std::shared_ptr<grpc::Channel> stats_channel =
      NewChannel(server, concurrency);
  std::atomic<bool> go{false};
  std::atomic<int> stopped_early{0};
  const bool has_side = static_cast<bool>(load.side.run);
  std::atomic<bool> side_done{!has_side};
  std::vector<std::thread> threads;
  // The window ends at `end`, or when the side work is done if that is
  // later, but by `last` at the latest.
  Clock::time_point measure_from, end, last;
  for (int c = 0; c < concurrency; ++c) {
    threads.emplace_back([&, c] {
      while (!go) std::this_thread::yield();
      while (true) {
        Clock::time_point t0 = Clock::now();
        if (t0 >= last || (t0 >= end && side_done)) break;
        bool stop = false;
        t_timed_ns = -1;
        bool ok = ops[c](&stop);
        if (stop) {
          ++stopped_early;
          break;
        }
        if (t0 < measure_from) continue;
        m.latencies[c].push_back(
            t_timed_ns >= 0
                ? t_timed_ns
                : std::chrono::duration_cast<std::chrono::nanoseconds>(
                      Clock::now() - t0)
                      .count());
        if (!ok) ++m.errors[c];
      }
    });
  }
  if (has_side) {
    threads.emplace_back([&] {
      while (!go) std::this_thread::yield();
      const Clock::time_point at =
          measure_from +
          absl::ToChronoNanoseconds(std::min(load.side.start, duration / 4));
      m.side_note = load.side.run(at, last);
      side_done = true;
    });
  }
  measure_from = Clock::now() + absl::ToChronoNanoseconds(warmup);
  end = measure_from + absl::ToChronoNanoseconds(duration);
  last = end + absl::ToChronoNanoseconds(has_side ? load.side.limit
                                                  : absl::ZeroDuration());
  go = true;  // publishes measure_from, end and last to the threads
  std::this_thread::sleep_until(measure_from);
  m.server_cpu0 = server_pid > 0 ? CpuSeconds(server_pid) : -1;
  const double client_cpu0 = SelfCpuSeconds();
  m.stats0 = StatsNow(stats_channel, admin_token);
  for (auto& t : threads) t.join();
  const Clock::time_point finished = Clock::now();
  m.stats1 = StatsNow(stats_channel, admin_token);
  m.server_cpu = server_pid > 0 ? CpuSeconds(server_pid) - m.server_cpu0 : -1;
  m.client_cpu = SelfCpuSeconds() - client_cpu0;
  m.seconds = std::chrono::duration<double>(std::max(finished, measure_from) -
                                            measure_from)
                  .count();
  m.stopped_early = stopped_early.load();
  return m;
}

Result Tally(const std::string& name, int concurrency, const Window& m) {
  std::vector<int64_t> all;
  Result r;
  r.scenario = name;
  r.concurrency = concurrency;
  for (int c = 0; c < concurrency; ++c) {
    all.insert(all.end(), m.latencies[c].begin(), m.latencies[c].end());
    r.errors += m.errors[c];
  }
  std::sort(all.begin(), all.end());
  r.ops = static_cast<int64_t>(all.size());
  r.seconds = m.seconds;
  r.qps = m.seconds > 0 ? r.ops / m.seconds : 0;
  auto pct = [&](double p) {
    if (all.empty()) return 0.0;
    size_t i = std::min(all.size() - 1, static_cast<size_t>(p * all.size()));
    return all[i] / 1e6;
  };
  r.p50_ms = pct(0.50);
  r.p95_ms = pct(0.95);
  r.p99_ms = pct(0.99);
  r.max_ms = all.empty() ? 0.0 : all.back() / 1e6;
  if (r.ops > 0) {
    if (m.server_cpu0 >= 0) r.server_cpu_us = m.server_cpu * 1e6 / r.ops;
    r.client_cpu_us = m.client_cpu * 1e6 / r.ops;
  }
  const auto& s0 = m.stats0;
  const auto& s1 = m.stats1;
  if (s0 && s1 && s1->group_commits() > s0->group_commits()) {
    r.per_commit =
        static_cast<double>(s1->commands() - s0->commands()) /
        static_cast<double>(s1->group_commits() - s0->group_commits());
  }
  if (m.stopped_early > 0) r.note = "work pool used up before the end";
  if (!m.side_note.empty())
    r.note = r.note.empty() ? m.side_note : r.note + "; " + m.side_note;
  return r;
}

}  // namespace

Result RunScenario(const std::string& name, const std::string& server,
                   const std::string& admin_token, int server_pid,
                   int concurrency, absl::Duration warmup,
                   absl::Duration duration, const Load& load) {
  Result r = Tally(name, concurrency,
                   RunClients(server, admin_token, server_pid, concurrency,
                              warmup, duration, load));
  if (!load.note.empty()) {
    r.note = r.note.empty() ? load.note : load.note + "; " + r.note;
  }
  return r;
}

}  // namespace mops::bench

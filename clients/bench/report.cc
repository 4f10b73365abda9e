// The report: a table for people, or JSON.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "clients/bench/bench.h"

namespace mops::bench {

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

namespace {

std::string Human(int64_t bytes) {
  if (bytes < 0) return "n/a";
  return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
}

}  // namespace

void PrintJson(const std::vector<Result>& results, const World& w,
               const Summary& s) {
  std::cout << "{\n  \"results\": [\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    std::cout << absl::StrFormat(
        "    {\"scenario\": \"%s\", \"concurrency\": %d, \"seconds\": %.3f, "
        "\"ops\": %d, "
        "\"errors\": %d, \"qps\": %.1f, \"p50_ms\": %.3f, \"p95_ms\": %.3f, "
        "\"p99_ms\": %.3f, \"max_ms\": %.3f, \"health_qps\": %.1f, "
        "\"ratio_to_health\": %.3f, \"server_cpu_us_per_call\": %.1f, "
        "\"client_cpu_us_per_call\": %.1f, \"commands_per_group_commit\": "
        "%.2f, \"note\": \"%s\"}%s\n",
        r.scenario, r.concurrency, r.seconds, r.ops, r.errors, r.qps, r.p50_ms,
        r.p95_ms, r.p99_ms, r.max_ms, r.floor_qps, r.ratio, r.server_cpu_us,
        r.client_cpu_us, r.per_commit, r.note,
        i + 1 < results.size() ? "," : "");
  }
  std::cout << absl::StrFormat(
      "  ],\n  \"server_rss_bytes\": %d,\n  \"data_bytes\": %d,\n  "
      "\"preloaded_tasks\": %d,\n  \"preload_existing_tasks\": %d,\n"
      "  \"preload_seconds\": %.2f,\n  \"restart_after_stop_seconds\": "
      "%.3f,\n"
      "  \"restart_after_kill_seconds\": %.3f\n}\n",
      s.rss_bytes, s.data_bytes, w.preloaded_tasks, w.preload_existing,
      w.preload_seconds, s.restart.after_stop, s.restart.after_kill);
}

void PrintTable(const std::vector<Result>& results, const World& w,
                const Summary& s) {
  if (!results.empty()) {
    std::cout << absl::StrFormat(
        "%-22s %5s %10s %9s %9s %9s %9s %7s %9s %8s %9s %9s %9s  %s\n",
        "SCENARIO", "CONC", "QPS", "P50 ms", "P95 ms", "P99 ms", "MAX ms",
        "ERRORS", "HEALTH", "/HEALTH", "SRV us", "CLI us", "PER SYNC", "");
    auto cpu = [](double us) {
      return us < 0 ? std::string("n/a") : absl::StrFormat("%.1f", us);
    };
    for (const Result& r : results) {
      std::cout << absl::StrFormat(
          "%-22s %5d %10.0f %9.3f %9.3f %9.3f %9.3f %7d %9.0f %7.0f%% "
          "%9s %9s %9s  %s\n",
          r.scenario, r.concurrency, r.qps, r.p50_ms, r.p95_ms, r.p99_ms,
          r.max_ms, r.errors, r.floor_qps, r.ratio * 100, cpu(r.server_cpu_us),
          cpu(r.client_cpu_us),
          r.per_commit < 0 ? std::string("-")
                           : absl::StrFormat("%.1f", r.per_commit),
          r.note);
    }
    std::cout << "\nMAX ms: the slowest call of the measured window.\n"
                 "HEALTH: health's QPS at the same concurrency just before "
                 "the run (the floor /HEALTH compares with).\n"
                 "SRV us / CLI us: CPU time (user + system) per call of the "
                 "server and of this load generator.\n"
                 "PER SYNC: commands per group commit (one synced write) in "
                 "the server during the run.\n";
  }
  std::cout << (results.empty() ? "" : "\n")
            << "server RSS after the load: " << Human(s.rss_bytes) << "\n"
            << "data folder: " << Human(s.data_bytes) << "\n";
  if (w.preload_seconds > 0) {
    std::cout << "preload: " << PreloadSummary(w) << "\n";
  }
  if (s.restarted) {
    std::cout << absl::StrFormat(
        "restart: %.2f s after a clean stop, %.2f s after kill -9\n",
        s.restart.after_stop, s.restart.after_kill);
  }
}

}  // namespace mops::bench

// mopsd: the mops work server.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/time_util.h"
#include "services/server/server.h"
#include "services/webhooks/rules.h"
#include "storage/log.h"

int main(int argc, char** argv) {
  mops::services::ServerOptions options;
  options.data_dir = "mops-data";
  std::string log_level = "info";
  std::string port_file;

  CLI::App app{
      "mopsd: the mops work server (gRPC). Keeps workflows, tasks, approvals "
      "and OLAs for Marketing Operations in RocksDB.\n"
      "On first start with an empty data folder it creates the user 'admin' "
      "and writes its token to DATA_DIR/admin.token (mode 0600).",
      "mopsd"};
  app.add_option("--listen", options.listen,
                 "Address to serve on, HOST:PORT; port 0 picks a free port")
      ->default_val(mops::services::kDefaultListen);
  app.add_option("--data-dir", options.data_dir,
                 "Data folder (RocksDB); created when missing. A backup made "
                 "by 'mops admin backup' is a valid data folder")
      ->default_val("mops-data");
  app.add_option("--tls-cert", options.tls_cert_file,
                 "PEM certificate chain; with --tls-key the server speaks TLS "
                 "only")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", options.tls_key_file,
                 "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile);
  app.add_option("--log-level", log_level,
                 "Least severe level logged to stderr: debug, info, warn, "
                 "error")
      ->default_val("info");
  app.add_option("--port-file", port_file,
                 "After starting, write the bound HOST:PORT to this file "
                 "(useful with port 0)");
  std::string event_retention = "90d";
  app.add_option("--event-retention", event_retention,
                 "Events older than this leave the change feed (e.g. 30d, "
                 "12h; 0 keeps them by age)")
      ->default_val("90d");
  app.add_option("--event-retention-revisions", options.retention.max_revisions,
                 "At most this many revisions stay in the feed (0: no limit)")
      ->default_val(options.retention.max_revisions);
  std::string request_retention = "24h";
  app.add_option("--request-retention", request_retention,
                 "How long a request_id's first answer is kept for retries "
                 "(e.g. 24h, 7d; 0 keeps them)")
      ->default_val("24h");
  app.add_flag("--webhook-allow-private-targets",
               options.webhooks.allow_private_targets,
               "Let webhooks deliver to loopback, private and link-local "
               "addresses (refused by default: they reach the server's own "
               "network and cloud metadata)");
  std::string webhook_schedule =
      mops::services::webhooks::RetrySchedule::Default().ToString();
  app.add_option("--webhook-retry-schedule", webhook_schedule,
                 "Delay before each attempt of a webhook delivery, "
                 "comma-separated; the first is 0s (at once), each next one "
                 "counts from the failure before it")
      ->default_val(webhook_schedule);
  std::string webhook_timeout = "15s";
  app.add_option("--webhook-timeout", webhook_timeout,
                 "A webhook receiver that has not answered within this has "
                 "failed the attempt")
      ->default_val("15s");
  std::string webhook_disable_after = "5d";
  app.add_option("--webhook-disable-after", webhook_disable_after,
                 "A webhook whose deliveries failed for this long without a "
                 "success is disabled")
      ->default_val("5d");
  CLI11_PARSE(app, argc, argv);
  auto schedule = mops::services::webhooks::RetrySchedule::Parse(
      "--webhook-retry-schedule", webhook_schedule);
  if (!schedule.ok()) {
    std::cerr << "mopsd: " << schedule.status().message() << "\n";
    return 2;
  }
  options.webhooks.schedule = *std::move(schedule);
  if (!mops::services::ParseAge(webhook_timeout, &options.webhooks.timeout) ||
      options.webhooks.timeout < absl::Seconds(1) ||
      options.webhooks.timeout > absl::Minutes(5)) {
    std::cerr << "mopsd: --webhook-timeout: \"" << webhook_timeout
              << "\" is not a duration from 1s to 5m\n";
    return 2;
  }
  if (!mops::services::ParseAge(webhook_disable_after,
                                &options.webhooks.disable_after) ||
      options.webhooks.disable_after <= absl::ZeroDuration()) {
    std::cerr << "mopsd: --webhook-disable-after: \"" << webhook_disable_after
              << "\" is not a positive duration such as 5d or 12h\n";
    return 2;
  }
  if (!mops::services::ParseAge(event_retention, &options.retention.max_age)) {
    std::cerr << "mopsd: --event-retention: \"" << event_retention
              << "\" is not a duration such as 30d or 12h\n";
    return 2;
  }
  if (!mops::services::ParseAge(request_retention,
                                &options.retention.request_max_age)) {
    std::cerr << "mopsd: --request-retention: \"" << request_retention
              << "\" is not a duration such as 24h or 7d\n";
    return 2;
  }

  // The deadlock detector of debug-built abseil costs every lock a graph
  // update; lock order here is simple and covered by tests.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  auto level = mops::ParseLogLevel(log_level);
  if (!level.ok()) {
    std::fprintf(stderr, "mopsd: %s\n",
                 std::string(level.status().message()).c_str());
    return 2;
  }
  mops::SetLogLevel(*level);

  // Signals are taken by sigwait below, never by an arbitrary thread: block
  // them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = mops::services::MopsServer::Start(options);
  if (!server.ok()) {
    mops::LogError("cannot start: ", server.status().message());
    return 1;
  }
  if (!port_file.empty()) {
    std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << (*server)->address() << "\n";
    std::rename(tmp.c_str(), port_file.c_str());
  }

  int sig = 0;
  sigwait(&signals, &sig);
  mops::LogInfo("received ", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Shutdown();
  mops::LogInfo("stopped");
  return 0;
}

// Retention, run by the server in the background: every interval it trims
// the feed's events older than the age or more revisions behind the head
// than the count (Engine::TrimEvents), and the expired request_id records
// (ExpireRequests). Fired timers need none: firing deletes them.
#ifndef MOPS_SERVICES_SERVER_RETENTION_H_
#define MOPS_SERVICES_SERVER_RETENTION_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/engine.h"

namespace mops::services {

struct RetentionOptions {
  // Zero: no limit of that kind.
  absl::Duration max_age = absl::Hours(24 * 90);
  uint64_t max_revisions = 10000000;
  // request_id records older than this go (a retry then is a new request).
  absl::Duration request_max_age = absl::Hours(24);
  absl::Duration interval = absl::Minutes(1);
};

class RetentionRunner {
 public:
  // `engine` must outlive the runner; the first run is one interval away.
  RetentionRunner(storage::Engine* engine, const RetentionOptions& options);
  ~RetentionRunner();  // stops and joins

  // One run now; returns the feed's first revision kept.
  absl::StatusOr<uint64_t> RunOnce();

 private:
  void Loop();

  storage::Engine* const engine_;
  const RetentionOptions options_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Mutex run_mu_;  // one run at a time (the loop and RunOnce)
  std::string request_cursor_ ABSL_GUARDED_BY(run_mu_);
  std::thread thread_;
};

}  // namespace mops::services

#endif  // MOPS_SERVICES_SERVER_RETENTION_H_

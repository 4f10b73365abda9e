// The feed's retention, run by the server in the background: every
// interval it trims the events older than the age or more revisions behind
// the head than the count (Engine::TrimEvents).
#ifndef MOPS_SERVICES_SERVER_RETENTION_H_
#define MOPS_SERVICES_SERVER_RETENTION_H_

#include <cstdint>
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
  absl::Duration interval = absl::Minutes(1);
};

class RetentionRunner {
 public:
  // `engine` must outlive the runner; the first run is one interval away.
  RetentionRunner(storage::Engine* engine, const RetentionOptions& options);
  ~RetentionRunner();  // stops and joins

  // One trim now; returns the first revision kept.
  absl::StatusOr<uint64_t> RunOnce();

 private:
  void Loop();

  storage::Engine* const engine_;
  const RetentionOptions options_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mops::services

#endif  // MOPS_SERVICES_SERVER_RETENTION_H_

#include "services/server/retention.h"

#include <limits>

#include "services/common/request_retention.h"
#include "storage/log.h"

namespace mops::services {

RetentionRunner::RetentionRunner(storage::Engine* engine,
                                 const RetentionOptions& options)
    : engine_(engine), options_(options), thread_([this] { Loop(); }) {}

RetentionRunner::~RetentionRunner() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

absl::StatusOr<uint64_t> RetentionRunner::RunOnce() {
  absl::MutexLock lock(&run_mu_);
  // The engine's clock, so that tests with a fake one can age the feed.
  const absl::Time older_than =
      options_.max_age == absl::ZeroDuration()
          ? absl::InfinitePast()
          : engine_->clock()->Now() - options_.max_age;
  const uint64_t keep = options_.max_revisions == 0
                            ? std::numeric_limits<uint64_t>::max()
                            : options_.max_revisions;
  if (options_.request_max_age > absl::ZeroDuration()) {
    absl::StatusOr<int64_t> expired = ExpireRequests(
        *engine_, engine_->clock()->Now() - options_.request_max_age,
        &request_cursor_);
    if (!expired.ok()) return expired.status();
  }
  return engine_->TrimEvents(older_than, keep);
}

void RetentionRunner::Loop() {
  absl::MutexLock lock(&mu_);
  while (!mu_.AwaitWithTimeout(absl::Condition(&stop_), options_.interval)) {
    mu_.Unlock();
    absl::StatusOr<uint64_t> first = RunOnce();
    if (!first.ok()) {
      LogWarning("event retention: ", first.status().ToString());
    }
    mu_.Lock();
  }
}

}  // namespace mops::services

// The delivery rules of webhooks, as pure functions: the retry schedule,
// what an answer means, when a failing webhook is disabled.
#ifndef MOPS_SERVICES_WEBHOOKS_RULES_H_
#define MOPS_SERVICES_WEBHOOKS_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mops::services::webhooks {

// The delay before each attempt of a delivery, the first one's included.
class RetrySchedule {
 public:
  // Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten
  // attempts over about three and a half days (Standard Webhooks' advice).
  static RetrySchedule Default();
  // A comma-separated list of delays ("0s,5s,5m,30m,2h"), at least one, at
  // most 50; INVALID_ARGUMENT naming `flag`.
  static absl::StatusOr<RetrySchedule> Parse(absl::string_view flag,
                                             absl::string_view text);

  int attempts() const { return static_cast<int>(delays_.size()); }
  // When attempt `attempt` (2 for the first retry) is due after the one
  // before failed at `failed_at`: its delay, or `retry_after` (the
  // receiver's Retry-After) when that is longer, up to a day. nullopt when
  // the schedule has no such attempt.
  std::optional<absl::Time> NextAttempt(
      int attempt, absl::Time failed_at,
      std::optional<absl::Duration> retry_after) const;
  std::string ToString() const;

 private:
  std::vector<absl::Duration> delays_;
};

// What one attempt's answer means.
enum class Verdict {
  kDelivered,  // 2xx
  kRetry,      // anything else, a timeout, no connection
  kGone,       // 410: the receiver wants no more; disable the webhook
};
Verdict Judge(int status_code);

// Whether a Retry-After applies to `status_code` (429 and 503 only).
bool HonoursRetryAfter(int status_code);

// The reason a webhook failing since `failing_since` is disabled at `now`,
// or nullopt while it is younger than `disable_after`.
std::optional<std::string> FailingTooLong(absl::Time failing_since,
                                          absl::Time now,
                                          absl::Duration disable_after);

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_RULES_H_

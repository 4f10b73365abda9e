#include "services/webhooks/rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/time_util.h"

namespace mops::services::webhooks {
namespace {

constexpr int kMaxAttempts = 50;
constexpr absl::Duration kMaxRetryAfter = absl::Hours(24);

std::string Human(absl::Duration d) {
  if (d == absl::ZeroDuration()) return "0s";
  const int64_t hours = absl::ToInt64Hours(d);
  if (hours >= 24 && d == absl::Hours(hours) && hours % 24 == 0) {
    return absl::StrCat(hours / 24, "d");
  }
  return absl::FormatDuration(d);
}

}  // namespace

RetrySchedule RetrySchedule::Default() {
  RetrySchedule s;
  s.delays_ = {absl::ZeroDuration(), absl::Seconds(5), absl::Minutes(5),
               absl::Minutes(30),    absl::Hours(2),   absl::Hours(5),
               absl::Hours(10),      absl::Hours(14),  absl::Hours(20),
               absl::Hours(24)};
  return s;
}

absl::StatusOr<RetrySchedule> RetrySchedule::Parse(absl::string_view flag,
                                                   absl::string_view text) {
  RetrySchedule s;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    absl::Duration d;
    if (!ParseAge(absl::StripAsciiWhitespace(part), &d)) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": \"", part,
          "\" is not a delay; give a list such as 0s,5s,5m,30m,2h"));
    }
    s.delays_.push_back(d);
  }
  if (s.delays_[0] != absl::ZeroDuration()) {
    // A new event is sent as soon as it commits; only retries wait.
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": the first attempt is made at once; start the list with 0s"));
  }
  if (s.delays_.size() > kMaxAttempts) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": at most ", kMaxAttempts, " attempts"));
  }
  return s;
}

std::optional<absl::Time> RetrySchedule::NextAttempt(
    int attempt, absl::Time failed_at,
    std::optional<absl::Duration> retry_after) const {
  if (attempt < 2 || attempt > attempts()) return std::nullopt;
  absl::Duration delay = delays_[attempt - 1];
  if (retry_after)
    delay = std::max(delay, std::min(*retry_after, kMaxRetryAfter));
  return failed_at + delay;
}

std::string RetrySchedule::ToString() const {
  return absl::StrJoin(delays_, ",", [](std::string* out, absl::Duration d) {
    out->append(Human(d));
  });
}

Verdict Judge(int status_code) {
  if (status_code >= 200 && status_code <= 299) return Verdict::kDelivered;
  if (status_code == 410) return Verdict::kGone;
  return Verdict::kRetry;
}

bool HonoursRetryAfter(int status_code) {
  return status_code == 429 || status_code == 503;
}

std::optional<std::string> FailingTooLong(absl::Time failing_since,
                                          absl::Time now,
                                          absl::Duration disable_after) {
  if (now - failing_since < disable_after) return std::nullopt;
  return absl::StrCat(
      "deliveries failed for ", Human(disable_after), " (since ",
      absl::FormatTime(absl::RFC3339_sec, failing_since, absl::UTCTimeZone()),
      ")");
}

}  // namespace mops::services::webhooks

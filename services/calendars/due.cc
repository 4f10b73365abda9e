#include "services/calendars/due.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace mops::services::calendars {

bool IsRelativeDue(absl::string_view due) {
  return absl::EndsWith(due, "bh") || absl::EndsWith(due, "bd");
}

absl::Status ValidateDue(absl::string_view field, absl::string_view due) {
  if (IsRelativeDue(due)) {
    int n = 0;
    if (!absl::SimpleAtoi(due.substr(0, due.size() - 2), &n) || n < 1 ||
        n > 10000) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " \"", due,
                       "\" is not a business duration such as 16bh or 3bd"));
    }
    return absl::OkStatus();
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, due, &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", due,
        "\" is neither an RFC 3339 time nor a business duration (16bh, 3bd)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> ResolveDue(absl::string_view due,
                                      const BusinessClock& clock,
                                      absl::Time start) {
  if (IsRelativeDue(due)) {
    int n = 0;
    if (!absl::SimpleAtoi(due.substr(0, due.size() - 2), &n)) {
      return absl::InvalidArgumentError(absl::StrCat("bad due \"", due, "\""));
    }
    if (absl::EndsWith(due, "bh")) return clock.Add(start, absl::Hours(n));
    return clock.AddDays(start, n);
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, due, &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat("bad due \"", due, "\""));
  }
  return t;
}

}  // namespace mops::services::calendars

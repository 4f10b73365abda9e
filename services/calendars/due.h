// Due values: an RFC 3339 time, or business time on a calendar ("16bh"
// business hours, "3bd" business days).
#ifndef MOPS_SERVICES_CALENDARS_DUE_H_
#define MOPS_SERVICES_CALENDARS_DUE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/calendars/business_clock.h"

namespace mops::services::calendars {

// Checks the form of a due value: RFC 3339, "Nbh" or "Nbd" (N >= 1).
absl::Status ValidateDue(absl::string_view field, absl::string_view due);
// Whether `due` is relative (business time) rather than a fixed time.
bool IsRelativeDue(absl::string_view due);
// The due time for `due` counted from `start`.
absl::StatusOr<absl::Time> ResolveDue(absl::string_view due,
                                      const BusinessClock& clock,
                                      absl::Time start);

}  // namespace mops::services::calendars

#endif  // MOPS_SERVICES_CALENDARS_DUE_H_

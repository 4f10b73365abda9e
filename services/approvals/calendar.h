// Business calendars: working windows per weekday in an IANA time zone, and
// holidays. Business durations are computed by walking civil days in that
// zone, so weekends, holidays and daylight-saving changes come out right.
#ifndef MOPS_SERVICES_APPROVALS_CALENDAR_H_
#define MOPS_SERVICES_APPROVALS_CALENDAR_H_

#include <array>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "mops/v1/approvals.pb.h"

namespace mops::services::approvals {

inline constexpr char kDefaultCalendarId[] = "default";

class BusinessCalendar {
 public:
  // Validates; errors are INVALID_ARGUMENT naming the field
  // ("calendar.working_hours[2].start").
  static absl::StatusOr<BusinessCalendar> FromProto(const v1::Calendar& c);

  // `start` plus `d` of working time.
  absl::StatusOr<absl::Time> AddWorkingTime(absl::Time start,
                                            absl::Duration d) const;
  // The same working-clock time `days` working days later. A start outside
  // working time first moves to the next working moment.
  absl::StatusOr<absl::Time> AddWorkingDays(absl::Time start, int days) const;

 private:
  using Window = std::pair<int, int>;  // minutes since local midnight

  bool IsWorkingDay(absl::CivilDay day) const;
  const std::vector<Window>& WindowsOf(absl::CivilDay day) const;
  absl::Time At(absl::CivilDay day, int minute) const;
  // The first working moment at or after t.
  absl::StatusOr<absl::Time> NextWorkingMoment(absl::Time t) const;

  absl::TimeZone tz_;
  std::array<std::vector<Window>, 7> windows_;  // [0] = Monday
  std::set<absl::CivilDay> holidays_;
};

// Monday to Friday, 09:00 to 17:00, UTC.
v1::Calendar DefaultCalendar();

// Checks the form of a due value: RFC 3339, "Nbh" or "Nbd" (N >= 1).
absl::Status ValidateDue(absl::string_view field, absl::string_view due);
// Whether `due` is relative (business time) rather than a fixed time.
bool IsRelativeDue(absl::string_view due);
// The due time for `due` counted from `start`.
absl::StatusOr<absl::Time> ResolveDue(absl::string_view due,
                                      const BusinessCalendar& calendar,
                                      absl::Time start);

}  // namespace mops::services::approvals

#endif  // MOPS_SERVICES_APPROVALS_CALENDAR_H_

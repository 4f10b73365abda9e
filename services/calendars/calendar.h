// Business calendars: working windows per weekday on the local clock of an
// IANA time zone, and holidays. This file validates and answers "which
// windows does this local day have"; business_clock.h does the arithmetic.
#ifndef MOPS_SERVICES_CALENDARS_CALENDAR_H_
#define MOPS_SERVICES_CALENDARS_CALENDAR_H_

#include <array>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "mops/v1/approvals.pb.h"

namespace mops::services::calendars {

inline constexpr char kDefaultCalendarId[] = "default";

// One working window of a local day, [start, end) in minutes since midnight.
struct Window {
  int start;
  int end;
};

class BusinessCalendar {
 public:
  // Validates; errors are INVALID_ARGUMENT naming the field
  // ("calendar.working_hours[2].start").
  static absl::StatusOr<BusinessCalendar> FromProto(const v1::Calendar& c);

  // "calendars/{id}" or empty; used in error messages.
  const std::string& name() const { return name_; }
  const absl::TimeZone& time_zone() const { return tz_; }

  // The working windows of a local day, in order; none on a holiday.
  absl::Span<const Window> WindowsOf(absl::CivilDay day) const;

  // The instant of a local clock time (`minute` may be 1440, the next
  // midnight). A time skipped by a daylight-saving change maps to the change
  // itself, a repeated one to its first occurrence: the mapping never runs
  // backwards, and a window around the change lasts its real length.
  absl::Time At(absl::CivilDay day, int minute) const;
  absl::Time At(absl::CivilSecond local) const;

 private:
  BusinessCalendar() = default;

  std::string name_;
  absl::TimeZone tz_;
  std::array<std::vector<Window>, 7> windows_;  // [0] = Monday
  std::set<absl::CivilDay> holidays_;
};

// Monday to Friday, 09:00 to 17:00, UTC.
v1::Calendar DefaultCalendar();

}  // namespace mops::services::calendars

#endif  // MOPS_SERVICES_CALENDARS_CALENDAR_H_

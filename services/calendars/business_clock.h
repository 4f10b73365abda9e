// The business clock: the one place that computes business time. Working time
// is the calendar's windows on the local clock of its zone, so weekends,
// holidays, split shifts and daylight-saving changes come out right.
//
// Searches are bounded: an answer more than kHorizonDays away (about ten
// years) is FAILED_PRECONDITION instead of a long loop.
#ifndef MOPS_SERVICES_CALENDARS_BUSINESS_CLOCK_H_
#define MOPS_SERVICES_CALENDARS_BUSINESS_CLOCK_H_

#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "mops/v1/approvals.pb.h"
#include "services/calendars/calendar.h"

namespace mops::services::calendars {

inline constexpr int kHorizonDays = 3653;

// A span [start, end) of wall time, e.g. a pause of a running clock.
struct Interval {
  absl::Time start;
  absl::Time end;
};

class BusinessClock {
 public:
  explicit BusinessClock(BusinessCalendar calendar)
      : calendar_(std::move(calendar)) {}
  // Validates the calendar (see BusinessCalendar::FromProto).
  static absl::StatusOr<BusinessClock> FromProto(const v1::Calendar& c);

  const BusinessCalendar& calendar() const { return calendar_; }

  // The first working moment at or after t.
  absl::StatusOr<absl::Time> NextWorkingMoment(absl::Time t) const;

  // The moment `d` of working time has passed since `start`. A start outside
  // working time counts from the next working moment. Work that runs out
  // exactly at a window's end ends there, not at the next window's start.
  absl::StatusOr<absl::Time> Add(absl::Time start, absl::Duration d) const;

  // "N business days": the same local clock time on the Nth working day
  // after the start (not N x the hours of a day). A start outside working
  // time first moves to the next working moment. When that clock time is not
  // working time on the Nth day, the day's next working moment, else the end
  // of its last window.
  absl::StatusOr<absl::Time> AddDays(absl::Time start, int days) const;

  // Working time in [from, to); zero when to <= from.
  absl::StatusOr<absl::Duration> Elapsed(absl::Time from, absl::Time to) const;

  // The same, minus the working time inside `pauses` (in any order; they may
  // overlap each other or reach outside [from, to)).
  absl::StatusOr<absl::Duration> ElapsedExcluding(
      absl::Time from, absl::Time to, std::vector<Interval> pauses) const;

 private:
  // Calls visit(start, end) for each piece of working time in [from, until),
  // in order, until it returns false. Fails when the walk would pass the
  // horizon before `until` (or before visit is done, when until is
  // InfiniteFuture()).
  absl::Status Walk(
      absl::Time from, absl::Time until,
      absl::FunctionRef<bool(absl::Time, absl::Time)> visit) const;
  absl::Status BeyondHorizon(absl::Time from) const;
  // On `day`, the working moment at or after `wanted`, else the day's end.
  absl::Time OnDay(absl::CivilDay day, absl::Time wanted) const;

  BusinessCalendar calendar_;
};

}  // namespace mops::services::calendars

#endif  // MOPS_SERVICES_CALENDARS_BUSINESS_CLOCK_H_

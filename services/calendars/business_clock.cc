#include "services/calendars/business_clock.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace mops::services::calendars {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<BusinessClock> BusinessClock::FromProto(const v1::Calendar& c) {
  ASSIGN_OR_RETURN(BusinessCalendar calendar, BusinessCalendar::FromProto(c));
  return BusinessClock(std::move(calendar));
}

absl::Status BusinessClock::BeyondHorizon(absl::Time from) const {
  return absl::FailedPreconditionError(
      absl::StrCat(calendar_.name().empty() ? "the calendar" : calendar_.name(),
                   " has too little working time in the ", kHorizonDays,
                   " days (about 10 years) from ", Rfc3339(from),
                   "; business time is not counted further ahead"));
}

absl::Status BusinessClock::Walk(
    absl::Time from, absl::Time until,
    absl::FunctionRef<bool(absl::Time, absl::Time)> visit) const {
  const absl::TimeZone& tz = calendar_.time_zone();
  const absl::CivilDay first = absl::ToCivilDay(from, tz);
  const bool open = until == absl::InfiniteFuture();
  const absl::CivilDay last =
      open ? first + kHorizonDays : absl::ToCivilDay(until, tz);
  if (last - first > kHorizonDays) {
    return absl::FailedPreconditionError(
        absl::StrCat("business time is counted over at most ", kHorizonDays,
                     " days (about 10 years); ", Rfc3339(from), " to ",
                     Rfc3339(until), " is longer"));
  }
  for (absl::CivilDay day = first; day <= last; ++day) {
    for (const Window& w : calendar_.WindowsOf(day)) {
      const absl::Time start = std::max(from, calendar_.At(day, w.start));
      const absl::Time end = std::min(until, calendar_.At(day, w.end));
      if (end <= start) continue;
      if (!visit(start, end)) return absl::OkStatus();
    }
  }
  return open ? BeyondHorizon(from) : absl::OkStatus();
}

absl::StatusOr<absl::Time> BusinessClock::NextWorkingMoment(
    absl::Time t) const {
  return Add(t, absl::ZeroDuration());
}

absl::StatusOr<absl::Time> BusinessClock::Add(absl::Time start,
                                              absl::Duration d) const {
  if (d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "business duration ", absl::FormatDuration(d), " is negative"));
  }
  absl::Duration remaining = d;
  absl::Time result;
  RETURN_IF_ERROR(
      Walk(start, absl::InfiniteFuture(), [&](absl::Time from, absl::Time to) {
        if (to - from < remaining) {
          remaining -= to - from;
          return true;
        }
        result = from + remaining;
        return false;
      }));
  return result;
}

absl::Time BusinessClock::OnDay(absl::CivilDay day, absl::Time wanted) const {
  absl::Time last = wanted;
  for (const Window& w : calendar_.WindowsOf(day)) {
    const absl::Time end = calendar_.At(day, w.end);
    if (wanted < end) return std::max(wanted, calendar_.At(day, w.start));
    last = end;
  }
  return last;
}

absl::StatusOr<absl::Time> BusinessClock::AddDays(absl::Time start,
                                                  int days) const {
  if (days < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("business days ", days, " is negative"));
  }
  ASSIGN_OR_RETURN(absl::Time from, NextWorkingMoment(start));
  if (days == 0) return from;
  const absl::TimeZone& tz = calendar_.time_zone();
  const absl::CivilSecond clock = absl::ToCivilSecond(from, tz);
  const absl::CivilDay first(clock);
  absl::CivilDay day = first;
  for (int counted = 0; counted < days;) {
    if (++day - first > kHorizonDays) return BeyondHorizon(from);
    if (!calendar_.WindowsOf(day).empty()) ++counted;
  }
  const absl::CivilSecond same_clock =
      absl::CivilSecond(day) + (clock - absl::CivilSecond(first));
  return OnDay(day, calendar_.At(same_clock));
}

absl::StatusOr<absl::Duration> BusinessClock::Elapsed(absl::Time from,
                                                      absl::Time to) const {
  absl::Duration sum;
  if (to <= from) return sum;
  RETURN_IF_ERROR(Walk(from, to, [&](absl::Time start, absl::Time end) {
    sum += end - start;
    return true;
  }));
  return sum;
}

absl::StatusOr<absl::Duration> BusinessClock::ElapsedExcluding(
    absl::Time from, absl::Time to, std::vector<Interval> pauses) const {
  for (size_t i = 0; i < pauses.size(); ++i) {
    if (pauses[i].end < pauses[i].start) {
      return absl::InvalidArgumentError(
          absl::StrCat("pauses[", i, "] ends before it starts"));
    }
  }
  ASSIGN_OR_RETURN(absl::Duration total, Elapsed(from, to));
  std::sort(
      pauses.begin(), pauses.end(),
      [](const Interval& a, const Interval& b) { return a.start < b.start; });
  // Pauses are clipped to [from, to) and to what earlier ones covered, so
  // no working minute is subtracted twice.
  absl::Time covered = from;
  for (const Interval& p : pauses) {
    const absl::Time start = std::max(p.start, covered);
    const absl::Time end = std::min(p.end, to);
    if (end <= start) continue;
    ASSIGN_OR_RETURN(absl::Duration paused, Elapsed(start, end));
    total -= paused;
    covered = end;
  }
  return total;
}

}  // namespace mops::services::calendars

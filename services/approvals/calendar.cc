#include "services/approvals/calendar.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace mops::services::approvals {
namespace {

// Two years of days: enough to find working time in any sane calendar.
constexpr int kSearchDays = 731;

absl::StatusOr<int> ParseClock(absl::string_view field,
                               absl::string_view hhmm) {
  int h = 0, m = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' ||
      !absl::SimpleAtoi(hhmm.substr(0, 2), &h) ||
      !absl::SimpleAtoi(hhmm.substr(3, 2), &m) || m < 0 || m > 59 || h < 0 ||
      h > 24 || (h == 24 && m != 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", hhmm, "\" is not a time HH:MM (00:00 to 24:00)"));
  }
  return h * 60 + m;
}

}  // namespace

absl::StatusOr<BusinessCalendar> BusinessCalendar::FromProto(
    const v1::Calendar& c) {
  BusinessCalendar cal;
  if (c.time_zone().empty() || !absl::LoadTimeZone(c.time_zone(), &cal.tz_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("calendar.time_zone \"", c.time_zone(),
                     "\" is not an IANA time zone (e.g. Europe/Berlin, UTC)"));
  }
  for (int i = 0; i < c.working_hours_size(); ++i) {
    const auto& w = c.working_hours(i);
    const std::string field = absl::StrCat("calendar.working_hours[", i, "]");
    if (w.weekday() < 1 || w.weekday() > 7) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".weekday must be 1 (Monday) to 7 (Sunday)"));
    }
    ASSIGN_OR_RETURN(int start, ParseClock(field + ".start", w.start()));
    ASSIGN_OR_RETURN(int end, ParseClock(field + ".end", w.end()));
    if (end <= start) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": end ", w.end(), " is not after start ", w.start()));
    }
    cal.windows_[w.weekday() - 1].emplace_back(start, end);
  }
  for (auto& day : cal.windows_) {
    std::sort(day.begin(), day.end());
    for (size_t i = 1; i < day.size(); ++i) {
      if (day[i].first < day[i - 1].second) {
        return absl::InvalidArgumentError(
            "calendar.working_hours: windows of one weekday overlap");
      }
    }
  }
  if (std::all_of(cal.windows_.begin(), cal.windows_.end(),
                  [](const auto& d) { return d.empty(); })) {
    return absl::InvalidArgumentError(
        "calendar.working_hours is empty: a calendar needs working time");
  }
  for (int i = 0; i < c.holidays_size(); ++i) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(c.holidays(i), &day)) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar.holidays[", i, "] \"", c.holidays(i),
                       "\" is not a date YYYY-MM-DD"));
    }
    cal.holidays_.insert(day);
  }
  return cal;
}

const std::vector<BusinessCalendar::Window>& BusinessCalendar::WindowsOf(
    absl::CivilDay day) const {
  return windows_[static_cast<int>(absl::GetWeekday(day))];
}

bool BusinessCalendar::IsWorkingDay(absl::CivilDay day) const {
  return !WindowsOf(day).empty() && !holidays_.count(day);
}

absl::Time BusinessCalendar::At(absl::CivilDay day, int minute) const {
  // A local time skipped by a daylight-saving change maps to the instant
  // it would have been (absl's `pre`), so windows keep their wall-clock sense.
  return absl::FromCivil(absl::CivilMinute(day) + minute, tz_);
}

absl::StatusOr<absl::Time> BusinessCalendar::NextWorkingMoment(
    absl::Time t) const {
  absl::CivilDay day = absl::ToCivilDay(t, tz_);
  for (int i = 0; i < kSearchDays; ++i, ++day) {
    if (!IsWorkingDay(day)) continue;
    for (const Window& w : WindowsOf(day)) {
      absl::Time end = At(day, w.second);
      if (end <= t) continue;
      return std::max(t, At(day, w.first));
    }
  }
  return absl::FailedPreconditionError(
      "the calendar has no working time in the next two years");
}

absl::StatusOr<absl::Time> BusinessCalendar::AddWorkingTime(
    absl::Time start, absl::Duration d) const {
  absl::Time cursor = start;
  absl::Duration remaining = d;
  absl::CivilDay day = absl::ToCivilDay(start, tz_);
  for (int i = 0; i < kSearchDays; ++i, ++day) {
    if (!IsWorkingDay(day)) continue;
    for (const Window& w : WindowsOf(day)) {
      absl::Time from = std::max(cursor, At(day, w.first));
      absl::Time to = At(day, w.second);
      if (to <= from) continue;
      if (to - from >= remaining) return from + remaining;
      remaining -= to - from;
      cursor = to;
    }
  }
  return absl::FailedPreconditionError(
      "the calendar has too little working time in the next two years");
}

absl::StatusOr<absl::Time> BusinessCalendar::AddWorkingDays(absl::Time start,
                                                            int days) const {
  ASSIGN_OR_RETURN(absl::Time from, NextWorkingMoment(start));
  absl::CivilDay day = absl::ToCivilDay(from, tz_);
  const absl::CivilMinute clock = absl::ToCivilMinute(from, tz_);
  const int minute = static_cast<int>(clock - absl::CivilMinute(day));
  int counted = 0;
  for (int i = 0; i < kSearchDays && counted < days; ++i) {
    ++day;
    if (IsWorkingDay(day)) ++counted;
  }
  if (counted < days) {
    return absl::FailedPreconditionError(
        "the calendar has too few working days in the next two years");
  }
  // The same clock time, kept within that day's working windows.
  const std::vector<Window>& windows = WindowsOf(day);
  int target = std::clamp(minute, windows.front().first, windows.back().second);
  return At(day, target);
}

v1::Calendar DefaultCalendar() {
  v1::Calendar c;
  c.set_name(absl::StrCat("calendars/", kDefaultCalendarId));
  c.set_display_name("Default (Monday to Friday, 09:00 to 17:00, UTC)");
  c.set_time_zone("UTC");
  for (int d = 1; d <= 5; ++d) {
    auto* w = c.add_working_hours();
    w->set_weekday(d);
    w->set_start("09:00");
    w->set_end("17:00");
  }
  return c;
}

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
                                      const BusinessCalendar& calendar,
                                      absl::Time start) {
  if (IsRelativeDue(due)) {
    int n = 0;
    if (!absl::SimpleAtoi(due.substr(0, due.size() - 2), &n)) {
      return absl::InvalidArgumentError(absl::StrCat("bad due \"", due, "\""));
    }
    if (absl::EndsWith(due, "bh")) {
      return calendar.AddWorkingTime(start, absl::Hours(n));
    }
    return calendar.AddWorkingDays(start, n);
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, due, &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat("bad due \"", due, "\""));
  }
  return t;
}

}  // namespace mops::services::approvals

#include "services/calendars/calendar.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace mops::services::calendars {
namespace {

// Strictly "HH:MM" with two digits each, 00:00 to 24:00.
absl::StatusOr<int> ParseClock(absl::string_view field,
                               absl::string_view hhmm) {
  auto digit = [&](size_t i) { return absl::ascii_isdigit(hhmm[i]); };
  const bool form = hhmm.size() == 5 && hhmm[2] == ':' && digit(0) &&
                    digit(1) && digit(3) && digit(4);
  const int h = form ? (hhmm[0] - '0') * 10 + (hhmm[1] - '0') : -1;
  const int m = form ? (hhmm[3] - '0') * 10 + (hhmm[4] - '0') : -1;
  if (!form || m > 59 || h > 24 || (h == 24 && m != 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", hhmm, "\" is not a time HH:MM (00:00 to 24:00)"));
  }
  return h * 60 + m;
}

// A window with the index of the working_hours entry it came from.
struct Entry {
  Window window;
  int index;
};

absl::Status CheckNoOverlap(const v1::Calendar& c, std::vector<Entry>& day) {
  std::sort(day.begin(), day.end(), [](const Entry& a, const Entry& b) {
    return a.window.start < b.window.start;
  });
  for (size_t i = 1; i < day.size(); ++i) {
    if (day[i].window.start >= day[i - 1].window.end) continue;
    const auto& a = c.working_hours(day[i - 1].index);
    const auto& b = c.working_hours(day[i].index);
    return absl::InvalidArgumentError(absl::StrCat(
        "calendar.working_hours[", day[i].index, "] (", b.start(), "-", b.end(),
        ") overlaps calendar.working_hours[", day[i - 1].index, "] (",
        a.start(), "-", a.end(), ") on weekday ", a.weekday()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::array<std::vector<Window>, 7>> ParseWindows(
    const v1::Calendar& c) {
  if (c.working_hours().empty()) {
    return absl::InvalidArgumentError(
        "calendar.working_hours is empty: a calendar needs working time");
  }
  std::array<std::vector<Entry>, 7> days;
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
          field, ".end ", w.end(), " is not after start ", w.start()));
    }
    days[w.weekday() - 1].push_back({{start, end}, i});
  }
  std::array<std::vector<Window>, 7> windows;
  for (int d = 0; d < 7; ++d) {
    RETURN_IF_ERROR(CheckNoOverlap(c, days[d]));
    for (const Entry& e : days[d]) windows[d].push_back(e.window);
  }
  return windows;
}

absl::StatusOr<std::set<absl::CivilDay>> ParseHolidays(const v1::Calendar& c) {
  std::set<absl::CivilDay> holidays;
  for (int i = 0; i < c.holidays_size(); ++i) {
    absl::CivilDay day;
    // Strict: the date must read back as written ("2026-1-5" does not).
    if (c.holidays(i).size() != 10 ||
        !absl::ParseCivilTime(c.holidays(i), &day) ||
        absl::FormatCivilTime(day) != c.holidays(i)) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar.holidays[", i, "] \"", c.holidays(i),
                       "\" is not a date YYYY-MM-DD"));
    }
    holidays.insert(day);
  }
  return holidays;
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
  ASSIGN_OR_RETURN(cal.windows_, ParseWindows(c));
  ASSIGN_OR_RETURN(cal.holidays_, ParseHolidays(c));
  cal.name_ = c.name();
  return cal;
}

absl::Span<const Window> BusinessCalendar::WindowsOf(absl::CivilDay day) const {
  if (holidays_.count(day)) return {};
  return windows_[static_cast<int>(absl::GetWeekday(day))];
}

absl::Time BusinessCalendar::At(absl::CivilDay day, int minute) const {
  return At(absl::CivilSecond(day) + int64_t{minute} * 60);
}

absl::Time BusinessCalendar::At(absl::CivilSecond local) const {
  const absl::TimeZone::TimeInfo info = tz_.At(local);
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
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

}  // namespace mops::services::calendars

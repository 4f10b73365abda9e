// The business clock as pure functions: split shifts, nights, weekends,
// holidays, N business days, pauses and daylight-saving changes.
#include "services/calendars/business_clock.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/business_calendars.h"

namespace mops::services::calendars {
namespace {

using absl::Hours;
using absl::Minutes;
using ::testing::HasSubstr;

absl::Time T(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

using testing::Shift;

BusinessClock Clock(const std::string& zone, const std::vector<Shift>& hours,
                    const std::vector<std::string>& holidays = {}) {
  return testing::MakeBusinessClock(zone, hours, holidays);
}

// The same windows Monday to Friday.
std::vector<Shift> Weekdays(
    const std::vector<std::pair<std::string, std::string>>& windows) {
  std::vector<Shift> out;
  for (int d = 1; d <= 5; ++d) {
    for (const auto& w : windows) out.push_back({d, w.first, w.second});
  }
  return out;
}

BusinessClock NineToFive(const std::string& zone,
                         const std::vector<std::string>& holidays = {}) {
  return Clock(zone, Weekdays({{"09:00", "17:00"}}), holidays);
}

BusinessClock Split(const std::string& zone,
                    const std::vector<std::string>& holidays = {}) {
  return Clock(zone, Weekdays({{"09:00", "12:00"}, {"13:00", "17:00"}}),
               holidays);
}

// Sunday only, one window: for windows around a daylight-saving change.
BusinessClock Sunday(const std::string& zone, const std::string& start,
                     const std::string& end) {
  return Clock(zone, {{7, start, end}});
}

absl::Duration Elapsed(const BusinessClock& c, const std::string& from,
                       const std::string& to) {
  absl::StatusOr<absl::Duration> d = c.Elapsed(T(from), T(to));
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : absl::InfiniteDuration();
}

absl::Time Add(const BusinessClock& c, const std::string& from,
               absl::Duration d) {
  absl::StatusOr<absl::Time> t = c.Add(T(from), d);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : absl::InfinitePast();
}

absl::Time AddDays(const BusinessClock& c, const std::string& from, int n) {
  absl::StatusOr<absl::Time> t = c.AddDays(T(from), n);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : absl::InfinitePast();
}

// Monday 2026-11-30 and the days around it, in UTC.
TEST(BusinessClockTest, SplitShifts) {
  BusinessClock c = Split("UTC");
  EXPECT_EQ(Add(c, "2026-11-30T11:00:00Z", Hours(2)),
            T("2026-11-30T14:00:00Z"));
  // Work that runs out at a window's end ends there, not after lunch.
  EXPECT_EQ(Add(c, "2026-11-30T09:00:00Z", Hours(3)),
            T("2026-11-30T12:00:00Z"));
  EXPECT_EQ(Add(c, "2026-11-30T09:00:00Z", Hours(7)),
            T("2026-11-30T17:00:00Z"));
  EXPECT_EQ(Add(c, "2026-11-30T09:00:00Z", Hours(8)),
            T("2026-12-01T10:00:00Z"));
  // Over lunch: counted from 13:00.
  EXPECT_EQ(Add(c, "2026-11-30T12:30:00Z", Hours(1)),
            T("2026-11-30T14:00:00Z"));
  EXPECT_EQ(*c.NextWorkingMoment(T("2026-11-30T12:30:00Z")),
            T("2026-11-30T13:00:00Z"));
  EXPECT_EQ(*c.NextWorkingMoment(T("2026-11-30T12:00:00Z")),
            T("2026-11-30T13:00:00Z"));
  EXPECT_EQ(*c.NextWorkingMoment(T("2026-11-30T10:00:00Z")),
            T("2026-11-30T10:00:00Z"));
  EXPECT_EQ(Elapsed(c, "2026-11-30T08:00:00Z", "2026-11-30T18:00:00Z"),
            Hours(7));
  EXPECT_EQ(Elapsed(c, "2026-11-30T11:30:00Z", "2026-11-30T13:30:00Z"),
            Hours(1));
  EXPECT_EQ(Elapsed(c, "2026-11-30T12:10:00Z", "2026-11-30T12:50:00Z"),
            absl::ZeroDuration());
  EXPECT_EQ(Elapsed(c, "2026-11-30T15:00:00Z", "2026-11-30T10:00:00Z"),
            absl::ZeroDuration());
}

TEST(BusinessClockTest, NightShiftsAcrossMidnight) {
  // 22:00 to 06:00, Monday night to Friday night.
  std::vector<Shift> nights;
  for (int d = 1; d <= 5; ++d) {
    nights.push_back({d, "22:00", "24:00"});
    nights.push_back({d + 1, "00:00", "06:00"});
  }
  BusinessClock c = Clock("UTC", nights);
  EXPECT_EQ(Add(c, "2026-11-30T23:00:00Z", Hours(3)),
            T("2026-12-01T02:00:00Z"));
  EXPECT_EQ(Elapsed(c, "2026-11-30T21:00:00Z", "2026-12-01T07:00:00Z"),
            Hours(8));
  // Friday 23:00: one hour Friday, six on Saturday morning, then Monday 22:00.
  EXPECT_EQ(Add(c, "2026-12-04T23:00:00Z", Hours(8)),
            T("2026-12-07T23:00:00Z"));
  EXPECT_EQ(*c.NextWorkingMoment(T("2026-12-05T10:00:00Z")),
            T("2026-12-07T22:00:00Z"));
  EXPECT_EQ(AddDays(c, "2026-11-30T23:30:00Z", 1), T("2026-12-01T23:30:00Z"));
}

TEST(BusinessClockTest, Weekends) {
  BusinessClock c = NineToFive("UTC");
  // Friday 2026-11-27 16:00 UTC.
  EXPECT_EQ(Add(c, "2026-11-27T16:00:00Z", Hours(2)),
            T("2026-11-30T10:00:00Z"));
  EXPECT_EQ(Add(c, "2026-11-27T16:00:00Z", Hours(16)),
            T("2026-12-01T16:00:00Z"));
  EXPECT_EQ(Elapsed(c, "2026-11-27T16:00:00Z", "2026-11-30T10:00:00Z"),
            Hours(2));
  EXPECT_EQ(Elapsed(c, "2026-11-28T00:00:00Z", "2026-11-30T00:00:00Z"),
            absl::ZeroDuration());
  // Outside working time: counted from the next working moment.
  EXPECT_EQ(Add(c, "2026-11-28T12:00:00Z", Hours(1)),
            T("2026-11-30T10:00:00Z"));
  EXPECT_EQ(Add(c, "2026-11-28T12:00:00Z", absl::ZeroDuration()),
            T("2026-11-30T09:00:00Z"));
  // Exactly at the end of a day.
  EXPECT_EQ(Add(c, "2026-11-30T09:00:00Z", Hours(8)),
            T("2026-11-30T17:00:00Z"));
}

TEST(BusinessClockTest, Holidays) {
  BusinessClock c = NineToFive("UTC", {"2026-12-25"});
  // Thursday 24th 16:00: one hour left, Friday is a holiday, then the weekend.
  EXPECT_EQ(Add(c, "2026-12-24T16:00:00Z", Hours(2)),
            T("2026-12-28T10:00:00Z"));
  EXPECT_EQ(Elapsed(c, "2026-12-24T16:00:00Z", "2026-12-28T10:00:00Z"),
            Hours(2));
  EXPECT_EQ(AddDays(c, "2026-12-24T11:00:00Z", 1), T("2026-12-28T11:00:00Z"));
  EXPECT_EQ(*c.NextWorkingMoment(T("2026-12-25T10:00:00Z")),
            T("2026-12-28T09:00:00Z"));
}

TEST(BusinessClockTest, NBusinessDaysKeepTheClockTime) {
  BusinessClock split = Split("UTC");
  // One business day is not seven (or eight) hours.
  EXPECT_EQ(AddDays(split, "2026-11-30T10:00:00Z", 1),
            T("2026-12-01T10:00:00Z"));
  EXPECT_EQ(Add(split, "2026-11-30T10:00:00Z", Hours(8)),
            T("2026-12-01T11:00:00Z"));
  BusinessClock c = NineToFive("UTC");
  EXPECT_EQ(AddDays(c, "2026-12-02T10:30:00Z", 3), T("2026-12-07T10:30:00Z"));
  EXPECT_EQ(AddDays(c, "2026-11-27T16:00:00Z", 3), T("2026-12-02T16:00:00Z"));
  EXPECT_EQ(AddDays(c, "2026-11-30T10:15:30Z", 2), T("2026-12-02T10:15:30Z"));
  // A start outside working time first moves to the next working moment.
  EXPECT_EQ(AddDays(c, "2026-11-28T12:00:00Z", 1), T("2026-12-01T09:00:00Z"));
  EXPECT_EQ(AddDays(c, "2026-11-27T18:30:00Z", 1), T("2026-12-01T09:00:00Z"));
  EXPECT_EQ(AddDays(c, "2026-11-28T12:00:00Z", 0), T("2026-11-30T09:00:00Z"));
  EXPECT_EQ(c.AddDays(T("2026-11-30T10:00:00Z"), -1).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The Nth day has other hours: its next working moment, else its end.
  std::vector<Shift> hours = {{1, "09:00", "17:00"}, {2, "09:00", "12:00"},
                              {2, "14:00", "17:00"}, {3, "09:00", "17:00"},
                              {4, "09:00", "17:00"}, {5, "09:00", "13:00"}};
  BusinessClock uneven = Clock("UTC", hours);
  EXPECT_EQ(AddDays(uneven, "2026-11-30T13:00:00Z", 1),
            T("2026-12-01T14:00:00Z"));
  EXPECT_EQ(AddDays(uneven, "2026-12-03T15:00:00Z", 1),
            T("2026-12-04T13:00:00Z"));
  EXPECT_EQ(AddDays(uneven, "2026-11-30T08:00:00Z", 1),
            T("2026-12-01T09:00:00Z"));
}

TEST(BusinessClockTest, PausesAreSubtractedOnce) {
  BusinessClock c = NineToFive("UTC");
  const absl::Time from = T("2026-11-30T09:00:00Z");  // Monday
  const absl::Time to = T("2026-12-01T17:00:00Z");    // Tuesday
  std::vector<Interval> pauses = {
      {T("2026-12-01T16:00:00Z"), T("2026-12-01T18:00:00Z")},  // 1h, past to
      {T("2026-11-30T10:30:00Z"), T("2026-11-30T12:00:00Z")},  // overlap:
      {T("2026-11-30T10:00:00Z"), T("2026-11-30T11:00:00Z")},  // 10-12, 2h
      {T("2026-11-30T10:15:00Z"), T("2026-11-30T10:45:00Z")},  // inside
      {T("2026-11-29T12:00:00Z"), T("2026-11-30T09:30:00Z")},  // 0.5h
      {T("2026-11-30T18:00:00Z"), T("2026-12-01T08:00:00Z")},  // overnight
      {T("2026-12-02T10:00:00Z"), T("2026-12-02T11:00:00Z")},  // after to
      {T("2026-11-30T13:00:00Z"), T("2026-11-30T13:00:00Z")},  // empty
  };
  EXPECT_EQ(*c.Elapsed(from, to), Hours(16));
  EXPECT_EQ(*c.ElapsedExcluding(from, to, pauses), Hours(12) + Minutes(30));
  std::reverse(pauses.begin(), pauses.end());
  EXPECT_EQ(*c.ElapsedExcluding(from, to, pauses), Hours(12) + Minutes(30));
  EXPECT_EQ(*c.ElapsedExcluding(from, to, {}), Hours(16));
  // A pause over the whole range leaves nothing.
  EXPECT_EQ(*c.ElapsedExcluding(from, to, {{from - Hours(1), to + Hours(1)}}),
            absl::ZeroDuration());
  // A pause over lunch only counts working time.
  EXPECT_EQ(
      *Split("UTC").ElapsedExcluding(
          from, to, {{T("2026-11-30T11:00:00Z"), T("2026-11-30T14:00:00Z")}}),
      Hours(12));
  absl::Status bad = c.ElapsedExcluding(from, to, {{to, from}}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("pauses[0]"));
}

TEST(BusinessClockTest, DaylightSavingInBerlin) {
  // Berlin moves from CET (+1) to CEST (+2) on Sunday 2026-03-29 at 02:00.
  BusinessClock berlin = NineToFive("Europe/Berlin");
  // Friday 16:00 CET = 15:00Z; two working hours end Monday 10:00 CEST.
  EXPECT_EQ(Add(berlin, "2026-03-27T15:00:00Z", Hours(2)),
            T("2026-03-30T08:00:00Z"));
  EXPECT_EQ(AddDays(berlin, "2026-03-27T15:00:00Z", 3),
            T("2026-04-01T14:00:00Z"));
  // The week of the change still has 40 working hours.
  EXPECT_EQ(Elapsed(berlin, "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z"),
            Hours(40));
  // And back on Sunday 2026-10-25: Friday 16:00 CEST = 14:00Z -> Monday
  // 10:00 CET = 09:00Z; one business day keeps 10:00 on the local clock.
  EXPECT_EQ(Add(berlin, "2026-10-23T14:00:00Z", Hours(2)),
            T("2026-10-26T09:00:00Z"));
  EXPECT_EQ(AddDays(berlin, "2026-10-23T08:00:00Z", 1),
            T("2026-10-26T09:00:00Z"));

  // A window over the change hour lasts its real length: 01:00-04:00 is two
  // hours in March and four in October.
  BusinessClock night = Sunday("Europe/Berlin", "01:00", "04:00");
  EXPECT_EQ(Elapsed(night, "2026-03-21T12:00:00Z", "2026-03-23T00:00:00Z"),
            Hours(3));
  EXPECT_EQ(Elapsed(night, "2026-03-28T12:00:00Z", "2026-03-30T00:00:00Z"),
            Hours(2));
  EXPECT_EQ(*night.NextWorkingMoment(T("2026-03-28T12:00:00Z")),
            T("2026-03-29T00:00:00Z"));
  EXPECT_EQ(Add(night, "2026-03-29T00:00:00Z", Minutes(90)),
            T("2026-03-29T01:30:00Z"));  // 03:30 CEST
  EXPECT_EQ(Elapsed(night, "2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z"),
            Hours(4));
  EXPECT_EQ(*night.NextWorkingMoment(T("2026-10-24T12:00:00Z")),
            T("2026-10-24T23:00:00Z"));  // 01:00 CEST
  EXPECT_EQ(Add(night, "2026-10-24T23:00:00Z", Hours(2)),
            T("2026-10-25T01:00:00Z"));  // the second 02:00, now CET
  // A window starting in the skipped hour starts at the change (03:00 CEST).
  BusinessClock skipped = Sunday("Europe/Berlin", "02:30", "05:00");
  EXPECT_EQ(*skipped.NextWorkingMoment(T("2026-03-28T12:00:00Z")),
            T("2026-03-29T01:00:00Z"));
  EXPECT_EQ(Elapsed(skipped, "2026-03-28T12:00:00Z", "2026-03-30T00:00:00Z"),
            Hours(2));
  // A window in the repeated hour is its first occurrence.
  BusinessClock repeated = Sunday("Europe/Berlin", "02:15", "02:45");
  EXPECT_EQ(*repeated.NextWorkingMoment(T("2026-10-24T12:00:00Z")),
            T("2026-10-25T00:15:00Z"));
  EXPECT_EQ(Elapsed(repeated, "2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z"),
            Minutes(30));
  // A whole day of work containing the change: 23 hours.
  BusinessClock all_day = Sunday("Europe/Berlin", "00:00", "24:00");
  EXPECT_EQ(Add(all_day, "2026-03-28T23:00:00Z", Hours(23)),
            T("2026-03-29T22:00:00Z"));
  EXPECT_EQ(Add(all_day, "2026-03-28T23:00:00Z", Hours(24)),
            T("2026-04-04T23:00:00Z"));  // the next Sunday, 01:00 local
}

TEST(BusinessClockTest, DaylightSavingInNewYork) {
  // New York springs forward on Sunday 2026-03-08 and falls back on
  // Sunday 2026-11-01, both at 02:00.
  BusinessClock ny = NineToFive("America/New_York");
  // Friday 17:00 EST (22:00Z) plus one hour: Monday 10:00 EDT (14:00Z).
  EXPECT_EQ(Add(ny, "2026-03-06T22:00:00Z", Hours(1)),
            T("2026-03-09T14:00:00Z"));
  EXPECT_EQ(AddDays(ny, "2026-03-06T15:00:00Z", 1), T("2026-03-09T14:00:00Z"));
  EXPECT_EQ(AddDays(ny, "2026-10-30T14:00:00Z", 1), T("2026-11-02T15:00:00Z"));
  // Split shifts: Friday 10:00 EST to Monday 10:00 EDT is 6 + 1 hours.
  EXPECT_EQ(Elapsed(Split("America/New_York"), "2026-03-06T15:00:00Z",
                    "2026-03-09T14:00:00Z"),
            Hours(7));

  BusinessClock night = Sunday("America/New_York", "01:00", "04:00");
  EXPECT_EQ(*night.NextWorkingMoment(T("2026-03-07T12:00:00Z")),
            T("2026-03-08T06:00:00Z"));  // 01:00 EST
  EXPECT_EQ(Elapsed(night, "2026-03-07T12:00:00Z", "2026-03-09T00:00:00Z"),
            Hours(2));
  EXPECT_EQ(Add(night, "2026-03-08T06:00:00Z", Hours(2)),
            T("2026-03-08T08:00:00Z"));  // 04:00 EDT
  EXPECT_EQ(Elapsed(night, "2026-10-31T12:00:00Z", "2026-11-02T00:00:00Z"),
            Hours(4));
  EXPECT_EQ(Add(night, "2026-11-01T05:00:00Z", Minutes(90)),
            T("2026-11-01T06:30:00Z"));  // the second 01:30, now EST
  BusinessClock skipped = Sunday("America/New_York", "02:30", "05:00");
  EXPECT_EQ(*skipped.NextWorkingMoment(T("2026-03-07T12:00:00Z")),
            T("2026-03-08T07:00:00Z"));  // 03:00 EDT
  EXPECT_EQ(Elapsed(skipped, "2026-03-07T12:00:00Z", "2026-03-09T00:00:00Z"),
            Hours(2));
}

// Add and Elapsed agree at many random instants, in zones that change.
TEST(BusinessClockTest, AddAndElapsedRoundTrip) {
  std::mt19937_64 rng(20260329);
  auto upto = [&](absl::Duration max) {
    const int64_t s = absl::ToInt64Seconds(max);
    return absl::Seconds(std::uniform_int_distribution<int64_t>(0, s)(rng));
  };
  const absl::Time base = T("2026-01-01T00:00:00Z");
  const std::vector<std::pair<std::string, BusinessClock>> clocks = {
      {"berlin split", Split("Europe/Berlin", {"2026-04-03", "2026-12-25"})},
      {"new york", NineToFive("America/New_York", {"2026-07-03"})},
      {"berlin sunday night", Sunday("Europe/Berlin", "01:00", "04:00")},
      {"new york sunday", Sunday("America/New_York", "00:00", "24:00")},
  };
  for (const auto& [label, c] : clocks) {
    for (int i = 0; i < 300; ++i) {
      const absl::Time from = base + upto(absl::Hours(2 * 365 * 24));
      SCOPED_TRACE(label + " from " + absl::FormatTime(from));
      const absl::Duration d = upto(Hours(200));
      absl::StatusOr<absl::Time> x = c.Add(from, d);
      ASSERT_TRUE(x.ok()) << x.status();
      EXPECT_EQ(*c.Elapsed(from, *x), d);

      const absl::Time to = from + upto(Hours(60 * 24));
      const absl::Time mid = from + upto(to - from);
      const absl::Duration e = *c.Elapsed(from, to);
      EXPECT_EQ(*c.Elapsed(from, mid) + *c.Elapsed(mid, to), e);
      if (e == absl::ZeroDuration()) continue;
      const absl::Time y = *c.Add(from, e);
      EXPECT_LE(y, to);
      EXPECT_EQ(*c.Elapsed(y, to), absl::ZeroDuration());
      if (*c.Elapsed(to - absl::Seconds(1), to) == absl::Seconds(1)) {
        EXPECT_EQ(y, to);
      }
    }
  }
}

// N business days land N working days on, at the same local clock time.
TEST(BusinessClockTest, AddDaysCountsWorkingDays) {
  std::mt19937_64 rng(20261025);
  std::uniform_int_distribution<int64_t> seconds(0, 2 * 365 * 86400);
  std::uniform_int_distribution<int> days(1, 10);
  BusinessClock c = Split("Europe/Berlin", {"2026-04-03", "2026-12-25"});
  const absl::TimeZone tz = c.calendar().time_zone();
  auto clock_time = [&](absl::Time t) {
    const absl::CivilSecond s = absl::ToCivilSecond(t, tz);
    return s - absl::CivilSecond(absl::CivilDay(s));
  };
  for (int i = 0; i < 300; ++i) {
    const absl::Time from =
        T("2026-01-01T00:00:00Z") + absl::Seconds(seconds(rng));
    const int n = days(rng);
    SCOPED_TRACE(absl::StrCat(absl::FormatTime(from), " + ", n, "bd"));
    const absl::Time start = *c.NextWorkingMoment(from);
    const absl::Time end = *c.AddDays(from, n);
    EXPECT_EQ(clock_time(end), clock_time(start));
    int working = 0;
    for (absl::CivilDay d = absl::ToCivilDay(start, tz) + 1;
         d <= absl::ToCivilDay(end, tz); ++d) {
      working += !c.calendar().WindowsOf(d).empty();
    }
    EXPECT_EQ(working, n);
  }
}

TEST(BusinessClockTest, SearchesAreBounded) {
  v1::Calendar empty;
  empty.set_time_zone("UTC");
  absl::Status s = BusinessClock::FromProto(empty).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("calendar.working_hours is empty"));

  // Mondays only, and every Monday of the next twelve years a holiday.
  v1::Calendar mondays;
  mondays.set_name("calendars/mondays");
  mondays.set_time_zone("UTC");
  auto* w = mondays.add_working_hours();
  w->set_weekday(1);
  w->set_start("09:00");
  w->set_end("17:00");
  for (absl::CivilDay d(2026, 1, 5); d < absl::CivilDay(2038, 1, 1); d += 7) {
    mondays.add_holidays(absl::FormatCivilTime(d));
  }
  BusinessClock c = *BusinessClock::FromProto(mondays);
  for (const absl::Status& st :
       {c.Add(T("2026-01-01T00:00:00Z"), Hours(1)).status(),
        c.NextWorkingMoment(T("2026-01-01T00:00:00Z")).status(),
        c.AddDays(T("2026-01-01T00:00:00Z"), 1).status()}) {
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(st.message(), HasSubstr("calendars/mondays"));
    EXPECT_THAT(st.message(), HasSubstr("10 years"));
  }
  BusinessClock weekdays = NineToFive("UTC");
  const absl::Time start = T("2026-01-01T00:00:00Z");
  EXPECT_EQ(weekdays.AddDays(start, 3000).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(weekdays.Elapsed(start, T("2040-01-01T00:00:00Z")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(weekdays.Elapsed(start, T("2035-01-01T00:00:00Z")).ok());
  EXPECT_TRUE(weekdays.Add(start, Hours(8 * 2000)).ok());
  EXPECT_EQ(weekdays.Add(start, -Hours(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mops::services::calendars

// Calendar validation and due values, as pure functions.
#include "services/calendars/calendar.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/calendars/business_clock.h"
#include "services/calendars/due.h"

namespace mops::services::calendars {
namespace {

using ::testing::HasSubstr;

absl::Time T(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

absl::Status Edited(const std::function<void(v1::Calendar*)>& edit) {
  v1::Calendar c = DefaultCalendar();
  edit(&c);
  return BusinessCalendar::FromProto(c).status();
}

void AddHours(v1::Calendar* c, int weekday, const std::string& start,
              const std::string& end) {
  auto* w = c->add_working_hours();
  w->set_weekday(weekday);
  w->set_start(start);
  w->set_end(end);
}

TEST(CalendarTest, ValidationNamesTheField) {
  struct Case {
    std::function<void(v1::Calendar*)> edit;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](v1::Calendar* c) { c->set_time_zone("Mars/Olympus"); },
       "calendar.time_zone"},
      {[](v1::Calendar* c) { c->clear_time_zone(); }, "calendar.time_zone"},
      {[](v1::Calendar* c) { c->mutable_working_hours(0)->set_start("9am"); },
       "calendar.working_hours[0].start"},
      {[](v1::Calendar* c) { c->mutable_working_hours(1)->set_end("08:00"); },
       "calendar.working_hours[1].end 08:00 is not after start 09:00"},
      {[](v1::Calendar* c) { c->mutable_working_hours(3)->set_end("09:00"); },
       "calendar.working_hours[3].end"},
      {[](v1::Calendar* c) { c->mutable_working_hours(2)->set_weekday(8); },
       "calendar.working_hours[2].weekday"},
      {[](v1::Calendar* c) { c->mutable_working_hours(2)->set_weekday(0); },
       "calendar.working_hours[2].weekday"},
      {[](v1::Calendar* c) { c->clear_working_hours(); },
       "calendar.working_hours is empty"},
      {[](v1::Calendar* c) { c->add_holidays("25.12.2026"); },
       "calendar.holidays[0]"},
  };
  for (const Case& c : cases) {
    absl::Status s = Edited(c.edit);
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr(c.message));
  }
}

TEST(CalendarTest, ClockTimesAreStrictlyHHMM) {
  for (const char* bad :
       {"9:0", "9:00", "24:30", "-1", "+9:00", " 9:00", "09:00 ", "09:60",
        "0900", "", "25:00", "09-00", "0x:00", "-9:00", "24:01"}) {
    absl::Status s = Edited(
        [&](v1::Calendar* c) { c->mutable_working_hours(2)->set_start(bad); });
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("calendar.working_hours[2].start"))
        << bad;
  }
  for (const char* good : {"00:00", "08:30", "23:59"}) {
    EXPECT_TRUE(Edited([&](v1::Calendar* c) {
                  c->mutable_working_hours(2)->set_start(good);
                  c->mutable_working_hours(2)->set_end("24:00");
                }).ok())
        << good;
  }
}

TEST(CalendarTest, WindowsOfADayMustNotOverlap) {
  absl::Status s = Edited([](v1::Calendar* c) {
    AddHours(c, 1, "16:00", "18:00");  // index 5; Monday is index 0
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("calendar.working_hours[5] (16:00-18:00) overlaps "
                        "calendar.working_hours[0] (09:00-17:00) on weekday "
                        "1"));
  // The same window twice overlaps too.
  EXPECT_FALSE(
      Edited([](v1::Calendar* c) { AddHours(c, 3, "09:00", "17:00"); }).ok());

  // Windows that only touch, given in any order, are fine and come out
  // sorted.
  v1::Calendar c;
  c.set_time_zone("UTC");
  AddHours(&c, 1, "13:00", "17:00");
  AddHours(&c, 1, "09:00", "12:00");
  AddHours(&c, 1, "12:00", "12:30");
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::FromProto(c);
  ASSERT_TRUE(cal.ok()) << cal.status();
  auto windows = cal->WindowsOf(absl::CivilDay(2026, 11, 30));  // a Monday
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].start, 9 * 60);
  EXPECT_EQ(windows[1].start, 12 * 60);
  EXPECT_EQ(windows[2].start, 13 * 60);
  EXPECT_TRUE(cal->WindowsOf(absl::CivilDay(2026, 12, 1)).empty());
}

TEST(CalendarTest, HolidaysAreStrictDates) {
  for (const char* bad : {"2026-1-5", "2026-02-30", "26-12-25", "2026-12-25 ",
                          "", "2026/12/25"}) {
    absl::Status s = Edited([&](v1::Calendar* c) { c->add_holidays(bad); });
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("calendar.holidays[0]")) << bad;
  }
  v1::Calendar c = DefaultCalendar();
  c.add_holidays("2026-12-25");
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::FromProto(c);
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_TRUE(cal->WindowsOf(absl::CivilDay(2026, 12, 25)).empty());
  EXPECT_EQ(cal->WindowsOf(absl::CivilDay(2026, 12, 24)).size(), 1u);
}

TEST(CalendarTest, DueValues) {
  EXPECT_TRUE(ValidateDue("due", "16bh").ok());
  EXPECT_TRUE(ValidateDue("due", "3bd").ok());
  EXPECT_TRUE(ValidateDue("due", "2026-12-01T17:00:00Z").ok());
  EXPECT_THAT(ValidateDue("due", "0bd").message(),
              HasSubstr("business duration"));
  EXPECT_THAT(ValidateDue("due", "soon").message(), HasSubstr("RFC 3339"));

  absl::StatusOr<BusinessClock> clock =
      BusinessClock::FromProto(DefaultCalendar());
  ASSERT_TRUE(clock.ok()) << clock.status();
  const absl::Time friday = T("2026-11-27T16:00:00Z");
  EXPECT_EQ(*ResolveDue("2bh", *clock, friday), T("2026-11-30T10:00:00Z"));
  EXPECT_EQ(*ResolveDue("1bd", *clock, friday), T("2026-11-30T16:00:00Z"));
  EXPECT_EQ(*ResolveDue("2026-12-01T17:00:00Z", *clock, friday),
            T("2026-12-01T17:00:00Z"));
}

}  // namespace
}  // namespace mops::services::calendars

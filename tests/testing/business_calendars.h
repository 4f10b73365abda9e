// Business clocks for rules tests: a calendar built from working windows,
// without a server.
#ifndef MOPS_TESTS_TESTING_BUSINESS_CALENDARS_H_
#define MOPS_TESTS_TESTING_BUSINESS_CALENDARS_H_

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "mops/v1/approvals.pb.h"
#include "services/calendars/business_clock.h"

namespace mops::testing {

struct Shift {
  int weekday;  // 1 Monday .. 7 Sunday
  std::string start, end;
};

inline services::calendars::BusinessClock MakeBusinessClock(
    const std::string& zone, const std::vector<Shift>& hours,
    const std::vector<std::string>& holidays = {}) {
  v1::Calendar c;
  c.set_time_zone(zone);
  for (const Shift& h : hours) {
    auto* w = c.add_working_hours();
    w->set_weekday(h.weekday);
    w->set_start(h.start);
    w->set_end(h.end);
  }
  for (const auto& h : holidays) c.add_holidays(h);
  absl::StatusOr<services::calendars::BusinessClock> clock =
      services::calendars::BusinessClock::FromProto(c);
  EXPECT_TRUE(clock.ok()) << clock.status();
  return *std::move(clock);
}

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_BUSINESS_CALENDARS_H_

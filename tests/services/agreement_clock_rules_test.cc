// The arithmetic of an agreement clock's cycle (services/agreements/rules.h):
// due times over nights, weekends, a holiday and a daylight-saving change,
// pauses, stops before and after the target, milestones in order, and what
// counts as at risk. Times are written with their local offset; the
// assertions compare instants.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/agreements/rules.h"
#include "services/calendars/business_clock.h"
#include "services/common/time_util.h"
#include "tests/testing/business_calendars.h"

namespace mops::services::agreements {
namespace {

using absl::Hours;
using absl::Minutes;
using calendars::BusinessClock;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

absl::Time T(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

// The same window on each of `days`.
BusinessClock Clock(const std::string& zone, const std::vector<int>& days,
                    const std::string& start, const std::string& end,
                    const std::vector<std::string>& holidays = {}) {
  std::vector<testing::Shift> hours;
  for (int d : days) hours.push_back({d, start, end});
  return testing::MakeBusinessClock(zone, hours, holidays);
}

const std::vector<int> kWeekdays = {1, 2, 3, 4, 5};
const std::vector<int> kEveryDay = {1, 2, 3, 4, 5, 6, 7};

BusinessClock Utc() { return Clock("UTC", kWeekdays, "09:00", "17:00"); }
// Easter Monday 2027-03-29 off; CET -> CEST on Sunday 2027-03-28, 02:00.
BusinessClock Berlin() {
  return Clock("Europe/Berlin", kWeekdays, "09:00", "17:00", {"2027-03-29"});
}

absl::Duration RunAt(const v1::ClockCycle& c, const BusinessClock& clock,
                     const std::string& now) {
  absl::StatusOr<absl::Duration> d = RunTime(c, clock, T(now));
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : absl::InfiniteDuration();
}

void Refresh(v1::ClockCycle* c, const BusinessClock& clock,
             const std::string& now) {
  absl::Status s = RefreshCycle(c, clock, T(now));
  EXPECT_TRUE(s.ok()) << s;
}

bool Resume(v1::ClockCycle* c, const BusinessClock& clock,
            const std::string& now) {
  absl::StatusOr<bool> moved = ResumeCycle(c, clock, T(now));
  EXPECT_TRUE(moved.ok()) << moved.status();
  return moved.ok() && *moved;
}

void Stop(v1::ClockCycle* c, const BusinessClock& clock, const std::string& now,
          const std::string& provider) {
  absl::Status s = StopCycle(c, clock, T(now), provider);
  EXPECT_TRUE(s.ok()) << s;
}

absl::Time Due(const v1::ClockCycle& c) {
  EXPECT_TRUE(c.has_due_time());
  return FromProtoTime(c.due_time());
}
absl::Duration Elapsed(const v1::ClockCycle& c) {
  return FromProtoDuration(c.elapsed());
}

// Monday 2027-03-01 09:00 UTC, four business hours, paused from Monday
// 10:00 to Tuesday 10:00 (1h run, 8 working hours paused).
v1::ClockCycle PausedOvernight(const BusinessClock& clock) {
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(4), "default");
  EXPECT_TRUE(PauseCycle(&c, T("2027-03-01T10:00:00Z"), "missing data",
                         "teams/marketing"));
  EXPECT_TRUE(Resume(&c, clock, "2027-03-02T10:00:00Z"));
  return c;
}

TEST(AgreementCycleTest, DueOverTheWeekendInBerlin) {
  const BusinessClock berlin = Berlin();
  const absl::Time start = T("2027-03-05T16:30:00+01:00");  // Friday
  v1::ClockCycle c = StartCycle(1, start, Hours(2), "default");
  EXPECT_EQ(c.number(), 1);
  EXPECT_EQ(c.state(), v1::ClockCycle::RUNNING);
  EXPECT_EQ(FromProtoTime(c.start_time()), start);
  EXPECT_EQ(FromProtoDuration(c.target()), Hours(2));
  EXPECT_EQ(c.segment(), "default");
  EXPECT_EQ(Elapsed(c), absl::ZeroDuration());
  EXPECT_FALSE(c.has_stop_time());
  EXPECT_FALSE(c.has_breach());

  Refresh(&c, berlin, "2027-03-05T16:30:00+01:00");
  // Monday 10:30 CET.
  EXPECT_EQ(Due(c), T("2027-03-08T09:30:00Z"));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-05T17:00:00+01:00"), Minutes(30));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-05T23:00:00+01:00"), Minutes(30));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-07T12:00:00+01:00"), Minutes(30));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-08T09:45:00+01:00"), Minutes(75));
  Refresh(&c, berlin, "2027-03-06T12:00:00+01:00");  // Saturday: no change
  EXPECT_EQ(Due(c), T("2027-03-08T09:30:00Z"));
  Refresh(&c, berlin, "2027-03-08T09:45:00+01:00");
  EXPECT_EQ(Due(c), T("2027-03-08T09:30:00Z"));
  EXPECT_EQ(Elapsed(c), Minutes(75));
}

TEST(AgreementCycleTest, DueOverEasterMondayAndTheClockChange) {
  const BusinessClock berlin = Berlin();
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-26T16:30:00+01:00"), Hours(2), "default");
  Refresh(&c, berlin, "2027-03-26T16:30:00+01:00");
  // Tuesday 10:30 CEST.
  EXPECT_EQ(Due(c), T("2027-03-30T08:30:00Z"));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-29T12:00:00+02:00"), Minutes(30));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-30T09:30:00+02:00"), Hours(1));
}

// rules.h: "due_time is when the run time reaches the target (in the past
// once breached)". Read after the target passed, before the breach timer
// recorded it, the due time is the read's time instead.
TEST(AgreementCycleTest, DueTimePastTheTargetIsWhenItWasReached) {
  const BusinessClock berlin = Berlin();
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-05T16:30:00+01:00"), Hours(2), "default");
  Refresh(&c, berlin, "2027-03-08T11:00:00+01:00");
  EXPECT_EQ(Elapsed(c), Minutes(150));
  EXPECT_EQ(Due(c), T("2027-03-08T09:30:00Z"));  // Monday 10:30 CET
}

TEST(AgreementCycleTest, PauseAndResumeInBerlin) {
  const BusinessClock berlin = Berlin();
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00+01:00"), Hours(4), "default");
  Refresh(&c, berlin, "2027-03-01T09:00:00+01:00");
  EXPECT_EQ(Due(c), T("2027-03-01T12:00:00Z"));  // Monday 13:00 CET

  ASSERT_TRUE(PauseCycle(&c, T("2027-03-01T10:00:00+01:00"), "missing data",
                         "teams/marketing"));
  EXPECT_EQ(c.state(), v1::ClockCycle::PAUSED);
  EXPECT_TRUE(IsPaused(c));
  EXPECT_FALSE(c.has_due_time());
  ASSERT_EQ(c.pauses_size(), 1);
  EXPECT_EQ(FromProtoTime(c.pauses(0).start_time()), T("2027-03-01T09:00:00Z"));
  EXPECT_FALSE(c.pauses(0).has_end_time());
  EXPECT_EQ(c.pauses(0).reason(), "missing data");
  EXPECT_EQ(c.pauses(0).charged_to(), "teams/marketing");
  // A pause of a paused cycle changes nothing.
  EXPECT_FALSE(PauseCycle(&c, T("2027-03-01T11:00:00+01:00"), "other", ""));
  EXPECT_EQ(c.pauses_size(), 1);
  EXPECT_EQ(c.pauses(0).reason(), "missing data");

  EXPECT_EQ(RunAt(c, berlin, "2027-03-01T16:00:00+01:00"), Hours(1));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-02T09:30:00+01:00"), Hours(1));
  Refresh(&c, berlin, "2027-03-02T09:30:00+01:00");
  EXPECT_EQ(Elapsed(c), Hours(1));
  EXPECT_FALSE(c.has_due_time());

  ASSERT_TRUE(Resume(&c, berlin, "2027-03-02T10:00:00+01:00"));
  EXPECT_EQ(c.state(), v1::ClockCycle::RUNNING);
  EXPECT_EQ(FromProtoTime(c.pauses(0).end_time()), T("2027-03-02T09:00:00Z"));
  // Monday's 13:00 moved by the 8 working hours paused: Tuesday 13:00.
  EXPECT_EQ(Due(c), T("2027-03-02T12:00:00Z"));
  EXPECT_EQ(Due(c), *berlin.Add(T("2027-03-01T12:00:00Z"), Hours(8)));
  EXPECT_EQ(Elapsed(c), Hours(1));
  EXPECT_FALSE(Resume(&c, berlin, "2027-03-02T10:30:00+01:00"));
  EXPECT_EQ(FromProtoTime(c.pauses(0).end_time()), T("2027-03-02T09:00:00Z"));
  EXPECT_EQ(RunAt(c, berlin, "2027-03-02T12:00:00+01:00"), Hours(3));

  // A stopped cycle neither pauses nor resumes.
  Stop(&c, berlin, "2027-03-02T12:00:00+01:00", "teams/sales");
  EXPECT_FALSE(PauseCycle(&c, T("2027-03-02T12:30:00+01:00"), "", ""));
  EXPECT_FALSE(Resume(&c, berlin, "2027-03-02T13:00:00+01:00"));
  EXPECT_EQ(c.state(), v1::ClockCycle::MET);
}

TEST(AgreementCycleTest, TheNightTheClocksGoForward) {
  // Every day, all day: Sunday 2027-03-28 has 23 hours.
  const BusinessClock all_day =
      Clock("Europe/Berlin", kEveryDay, "00:00", "24:00");
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-28T01:30:00+01:00"), Hours(3), "default");
  Refresh(&c, all_day, "2027-03-28T01:30:00+01:00");
  // 05:30 on the wall clock, three real hours later.
  EXPECT_EQ(Due(c), T("2027-03-28T05:30:00+02:00"));
  EXPECT_EQ(Due(c), T("2027-03-28T03:30:00Z"));
  EXPECT_EQ(RunAt(c, all_day, "2027-03-28T06:00:00+02:00"), Minutes(210));
  // Saturday 22:00 to Sunday 06:00 on the wall clock: 7 real hours.
  v1::ClockCycle night =
      StartCycle(1, T("2027-03-27T22:00:00+01:00"), Hours(8), "default");
  EXPECT_EQ(RunAt(night, all_day, "2027-03-28T06:00:00+02:00"), Hours(7));
  Refresh(&night, all_day, "2027-03-28T06:00:00+02:00");
  EXPECT_EQ(Due(night), T("2027-03-28T07:00:00+02:00"));

  // 01:00-05:00 every day: Sunday's window is 3 real hours, 2h30 of them
  // after 01:30; the last 30 minutes are on Monday from 01:00 CEST.
  const BusinessClock early =
      Clock("Europe/Berlin", kEveryDay, "01:00", "05:00");
  v1::ClockCycle e =
      StartCycle(1, T("2027-03-28T01:30:00+01:00"), Hours(3), "default");
  Refresh(&e, early, "2027-03-28T01:30:00+01:00");
  EXPECT_EQ(Due(e), T("2027-03-29T01:30:00+02:00"));
  EXPECT_EQ(RunAt(e, early, "2027-03-28T06:00:00+02:00"), Minutes(150));
}

TEST(AgreementCycleTest, StopWithinTheTargetIsMet) {
  const BusinessClock utc = Utc();
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(4), "default");
  Refresh(&c, utc, "2027-03-01T09:00:00Z");
  Stop(&c, utc, "2027-03-01T12:00:00Z", "teams/sales");
  EXPECT_EQ(c.state(), v1::ClockCycle::MET);
  EXPECT_TRUE(IsStopped(c));
  EXPECT_EQ(Elapsed(c), Hours(3));
  EXPECT_EQ(FromProtoTime(c.stop_time()), T("2027-03-01T12:00:00Z"));
  EXPECT_FALSE(c.has_due_time());
  EXPECT_FALSE(c.has_breach());
  // Counted to the stop, whenever read; a second stop changes nothing.
  EXPECT_EQ(RunAt(c, utc, "2027-03-03T12:00:00Z"), Hours(3));
  Stop(&c, utc, "2027-03-01T16:00:00Z", "teams/sales");
  EXPECT_EQ(FromProtoTime(c.stop_time()), T("2027-03-01T12:00:00Z"));
  Refresh(&c, utc, "2027-03-02T12:00:00Z");
  EXPECT_EQ(Elapsed(c), Hours(3));
  EXPECT_FALSE(c.has_due_time());
}

TEST(AgreementCycleTest, StopAfterALateTimerRecordsTheBreachWhenItHappened) {
  const BusinessClock utc = Utc();
  // 1h on Monday, paused to Tuesday 10:00: the 4h target passes at 13:00.
  v1::ClockCycle c = PausedOvernight(utc);
  Stop(&c, utc, "2027-03-02T15:00:00Z", "teams/sales");
  EXPECT_EQ(c.state(), v1::ClockCycle::BREACHED_STOPPED);
  ASSERT_TRUE(c.has_breach());
  EXPECT_EQ(FromProtoTime(c.breach().time()), T("2027-03-02T13:00:00Z"));
  EXPECT_EQ(c.breach().responsible(), "teams/sales");
  EXPECT_EQ(FromProtoDuration(c.breach().elapsed()), Hours(4));
  EXPECT_EQ(Elapsed(c), Hours(6));
  EXPECT_EQ(FromProtoTime(c.stop_time()), T("2027-03-02T15:00:00Z"));
  EXPECT_FALSE(c.has_due_time());

  // Stopped while paused, after the target: the pause ends at the stop.
  v1::ClockCycle p = PausedOvernight(utc);
  ASSERT_TRUE(PauseCycle(&p, T("2027-03-02T14:00:00Z"), "", "teams/marketing"));
  Stop(&p, utc, "2027-03-03T10:00:00Z", "teams/sales");
  EXPECT_EQ(p.state(), v1::ClockCycle::BREACHED_STOPPED);
  EXPECT_EQ(FromProtoTime(p.pauses(1).end_time()), T("2027-03-03T10:00:00Z"));
  EXPECT_EQ(FromProtoTime(p.breach().time()), T("2027-03-02T13:00:00Z"));
  EXPECT_EQ(Elapsed(p), Hours(5));
}

TEST(AgreementCycleTest, ARecordedBreachStaysAsItWas) {
  const BusinessClock utc = Utc();
  v1::ClockCycle c = PausedOvernight(utc);
  RecordMilestone(&c, {Hours(4), Milestone::kBreach}, T("2027-03-02T13:00:00Z"),
                  "teams/sales");
  EXPECT_EQ(c.state(), v1::ClockCycle::BREACHED);
  Refresh(&c, utc, "2027-03-02T14:00:00Z");
  EXPECT_EQ(Due(c), T("2027-03-02T13:00:00Z"));
  // Paused and resumed while breached: breached again, due unchanged.
  ASSERT_TRUE(PauseCycle(&c, T("2027-03-02T14:00:00Z"), "", ""));
  EXPECT_EQ(c.state(), v1::ClockCycle::PAUSED);
  ASSERT_TRUE(Resume(&c, utc, "2027-03-02T15:00:00Z"));
  EXPECT_EQ(c.state(), v1::ClockCycle::BREACHED);
  EXPECT_EQ(Due(c), T("2027-03-02T13:00:00Z"));
  Stop(&c, utc, "2027-03-02T16:00:00Z", "teams/other");
  EXPECT_EQ(c.state(), v1::ClockCycle::BREACHED_STOPPED);
  EXPECT_EQ(c.breach().responsible(), "teams/sales");
  EXPECT_EQ(FromProtoTime(c.breach().time()), T("2027-03-02T13:00:00Z"));
  // Monday 09-10, Tuesday 10-14 and 15-16.
  EXPECT_EQ(Elapsed(c), Hours(6));
}

TEST(AgreementCycleTest, CancelClosesAPause) {
  const BusinessClock utc = Utc();
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(4), "default");
  ASSERT_TRUE(PauseCycle(&c, T("2027-03-01T10:00:00Z"), "waiting", ""));
  ASSERT_TRUE(CancelCycle(&c, utc, T("2027-03-02T10:00:00Z")).ok());
  EXPECT_EQ(c.state(), v1::ClockCycle::CANCELLED);
  EXPECT_TRUE(IsStopped(c));
  EXPECT_FALSE(IsPaused(c));
  EXPECT_EQ(FromProtoTime(c.pauses(0).end_time()), T("2027-03-02T10:00:00Z"));
  EXPECT_EQ(FromProtoTime(c.stop_time()), T("2027-03-02T10:00:00Z"));
  EXPECT_FALSE(c.has_due_time());
  EXPECT_EQ(RunAt(c, utc, "2027-03-05T10:00:00Z"), Hours(1));
  ASSERT_TRUE(CancelCycle(&c, utc, T("2027-03-03T10:00:00Z")).ok());
  EXPECT_EQ(FromProtoTime(c.stop_time()), T("2027-03-02T10:00:00Z"));
  EXPECT_FALSE(PauseCycle(&c, T("2027-03-03T10:00:00Z"), "", ""));
}

// A cycle cancelled after three hours shows three hours, not the elapsed
// of its last refresh.
TEST(AgreementCycleTest, CancelSetsElapsed) {
  const BusinessClock utc = Utc();
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(4), "default");
  Refresh(&c, utc, "2027-03-01T09:00:00Z");
  ASSERT_TRUE(CancelCycle(&c, utc, T("2027-03-01T12:00:00Z")).ok());
  EXPECT_EQ(RunAt(c, utc, "2027-03-01T12:00:00Z"), Hours(3));
  EXPECT_EQ(Elapsed(c), Hours(3));
}

// ---- milestones

std::string Describe(const Milestone& m) {
  const std::string at = absl::FormatDuration(m.at);
  switch (m.kind) {
    case Milestone::kWarning:
      return absl::StrCat("warning ", m.percent, " at ", at);
    case Milestone::kBreach:
      return absl::StrCat("breach at ", at);
    case Milestone::kEscalation:
      return absl::StrCat("escalation ", m.step, " at ", at);
  }
  return "?";
}

std::vector<std::string> Pending(const v1::AgreementTerm& term,
                                 const v1::ClockCycle& c,
                                 const CycleTargets& targets) {
  std::vector<std::string> out;
  for (const Milestone& m : PendingMilestones(term, c, targets)) {
    out.push_back(Describe(m));
  }
  return out;
}

v1::AgreementTerm Ladder(const std::vector<std::string>& offsets) {
  v1::AgreementTerm t;
  t.set_target("2bh");
  for (const std::string& o : offsets) t.add_escalations()->set_offset(o);
  return t;
}

CycleTargets Targets(const v1::AgreementTerm& term, const v1::ClockCycle& c,
                     const BusinessClock& clock) {
  absl::StatusOr<CycleTargets> t = TargetsOf(term, c, clock);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : CycleTargets{};
}

TEST(AgreementMilestoneTest, InRunTimeOrderAndGoneOnceRecorded) {
  const BusinessClock utc = Utc();
  const v1::AgreementTerm term = Ladder({"-30bm", "0bh", "1bh"});
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(2), "default");
  const CycleTargets targets = Targets(term, c, utc);
  EXPECT_EQ(targets.target, Hours(2));
  EXPECT_THAT(targets.escalations,
              ElementsAre(Minutes(90), Hours(2), Hours(3)));
  // At the same run time: a warning, then the breach, then an escalation.
  EXPECT_THAT(Pending(term, c, targets),
              ElementsAre("warning 50 at 1h", "warning 75 at 1h30m",
                          "escalation 1 at 1h30m", "breach at 2h",
                          "escalation 2 at 2h", "escalation 3 at 3h"));

  RecordMilestone(&c, {Hours(1), Milestone::kWarning, 50},
                  T("2027-03-01T10:00:00Z"), "teams/sales");
  EXPECT_THAT(c.warned_percents(), ElementsAre(50));
  EXPECT_EQ(c.state(), v1::ClockCycle::RUNNING);
  EXPECT_THAT(
      Pending(term, c, targets),
      ElementsAre("warning 75 at 1h30m", "escalation 1 at 1h30m",
                  "breach at 2h", "escalation 2 at 2h", "escalation 3 at 3h"));
  RecordMilestone(&c, {Minutes(90), Milestone::kWarning, 75},
                  T("2027-03-01T10:30:00Z"), "teams/sales");
  RecordMilestone(&c, {Minutes(90), Milestone::kEscalation, 0, 1},
                  T("2027-03-01T10:30:00Z"), "teams/sales");
  EXPECT_EQ(c.escalations_taken(), 1);
  EXPECT_THAT(
      Pending(term, c, targets),
      ElementsAre("breach at 2h", "escalation 2 at 2h", "escalation 3 at 3h"));
  RecordMilestone(&c, {Hours(2), Milestone::kBreach}, T("2027-03-01T11:00:00Z"),
                  "teams/sales");
  EXPECT_EQ(c.state(), v1::ClockCycle::BREACHED);
  EXPECT_EQ(FromProtoTime(c.breach().time()), T("2027-03-01T11:00:00Z"));
  EXPECT_EQ(c.breach().responsible(), "teams/sales");
  EXPECT_EQ(FromProtoDuration(c.breach().elapsed()), Hours(2));
  EXPECT_THAT(Pending(term, c, targets),
              ElementsAre("escalation 2 at 2h", "escalation 3 at 3h"));
  RecordMilestone(&c, {Hours(2), Milestone::kEscalation, 0, 2},
                  T("2027-03-01T11:00:00Z"), "teams/sales");
  RecordMilestone(&c, {Hours(3), Milestone::kEscalation, 0, 3},
                  T("2027-03-01T12:00:00Z"), "teams/sales");
  EXPECT_THAT(Pending(term, c, targets), IsEmpty());

  // A term's own shares replace 50 and 75.
  v1::AgreementTerm own = Ladder({});
  own.add_warning_percents(90);
  const v1::ClockCycle fresh =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(2), "default");
  EXPECT_THAT(Pending(own, fresh, Targets(own, fresh, utc)),
              ElementsAre("warning 90 at 1h48m", "breach at 2h"));
}

TEST(AgreementMilestoneTest, EscalationOffsetsClampAtZeroAndStayInOrder) {
  const BusinessClock utc = Utc();
  const v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(2), "default");
  // -3bh and -1bd pass the start: zero. 1bd is 8 hours here; 2bh after it
  // would come first, so it waits for it.
  EXPECT_THAT(Targets(Ladder({"-3bh", "-1bd", "-1bh", "1bd", "2bh"}), c, utc)
                  .escalations,
              ElementsAre(absl::ZeroDuration(), absl::ZeroDuration(), Hours(1),
                          Hours(10), Hours(10)));
  // A day of a calendar open 09:00-12:00 is 3 hours: 2h + 3h.
  const BusinessClock mornings = Clock("UTC", kWeekdays, "09:00", "12:00");
  EXPECT_THAT(Targets(Ladder({"1bd"}), c, mornings).escalations,
              ElementsAre(Hours(5)));
  EXPECT_FALSE(TargetsOf(Ladder({"1h"}), c, utc).ok());
}

TEST(AgreementMilestoneTest, TimeRunTimeReachedWalksTheRunningSpans) {
  const BusinessClock utc = Utc();
  // Runs Monday 09:00-10:00 and Tuesday 10:00-12:00, paused since.
  v1::ClockCycle c = PausedOvernight(utc);
  ASSERT_TRUE(PauseCycle(&c, T("2027-03-02T12:00:00Z"), "", ""));
  auto reached = [&](const std::string& end, absl::Duration at) {
    absl::StatusOr<std::optional<absl::Time>> t =
        TimeRunTimeReached(c, utc, T(end), at);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : std::nullopt;
  };
  const std::string wed = "2027-03-03T09:00:00Z";
  EXPECT_EQ(reached(wed, absl::ZeroDuration()), T("2027-03-01T09:00:00Z"));
  EXPECT_EQ(reached(wed, Minutes(30)), T("2027-03-01T09:30:00Z"));
  EXPECT_EQ(reached(wed, Hours(1)), T("2027-03-01T10:00:00Z"));
  EXPECT_EQ(reached(wed, Hours(2)), T("2027-03-02T11:00:00Z"));
  EXPECT_EQ(reached(wed, Hours(3)), T("2027-03-02T12:00:00Z"));
  EXPECT_EQ(reached(wed, Minutes(210)), std::nullopt);
  EXPECT_EQ(reached("2027-03-02T10:30:00Z", Minutes(90)),
            T("2027-03-02T10:30:00Z"));
  EXPECT_EQ(reached("2027-03-02T10:30:00Z", Hours(2)), std::nullopt);
  // Started on a Saturday: its first hour ends Monday 10:00.
  const v1::ClockCycle sat =
      StartCycle(1, T("2027-03-06T12:00:00Z"), Hours(4), "");
  absl::StatusOr<std::optional<absl::Time>> t =
      TimeRunTimeReached(sat, utc, T("2027-03-09T00:00:00Z"), Hours(1));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, T("2027-03-08T10:00:00Z"));
}

TEST(AgreementMilestoneTest, WhenRunTimeReachesCountsOnFromNow) {
  const BusinessClock utc = Utc();
  const v1::ClockCycle c = PausedOvernight(utc);  // 2h run at Tuesday 11:00
  auto when = [&](absl::Duration at) {
    absl::StatusOr<absl::Time> t =
        WhenRunTimeReaches(c, utc, T("2027-03-02T11:00:00Z"), at);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : absl::InfinitePast();
  };
  EXPECT_EQ(when(Hours(1)), T("2027-03-02T11:00:00Z"));
  EXPECT_EQ(when(Hours(2)), T("2027-03-02T11:00:00Z"));
  EXPECT_EQ(when(Hours(4)), T("2027-03-02T13:00:00Z"));
  EXPECT_EQ(when(Hours(8)), T("2027-03-02T17:00:00Z"));
  EXPECT_EQ(when(Hours(9)), T("2027-03-03T10:00:00Z"));
}

TEST(AgreementMilestoneTest, AtRisk) {
  const BusinessClock utc = Utc();
  const v1::AgreementTerm term = Ladder({});
  v1::ClockCycle c =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(2), "default");
  EXPECT_FALSE(AtRisk(&term, c));
  EXPECT_FALSE(AtRisk(nullptr, c));
  RecordMilestone(&c, {Hours(1), Milestone::kWarning, 50},
                  T("2027-03-01T10:00:00Z"), "teams/sales");
  EXPECT_FALSE(AtRisk(&term, c));
  RecordMilestone(&c, {Minutes(90), Milestone::kWarning, 75},
                  T("2027-03-01T10:30:00Z"), "teams/sales");
  EXPECT_TRUE(AtRisk(&term, c));
  // Another term whose last share is 90: not yet.
  v1::AgreementTerm ninety = term;
  ninety.add_warning_percents(90);
  EXPECT_FALSE(AtRisk(&ninety, c));
  ASSERT_TRUE(PauseCycle(&c, T("2027-03-01T10:45:00Z"), "", ""));
  EXPECT_TRUE(AtRisk(&term, c));
  ASSERT_TRUE(Resume(&c, utc, "2027-03-01T10:50:00Z"));
  RecordMilestone(&c, {Hours(2), Milestone::kBreach}, T("2027-03-01T11:05:00Z"),
                  "teams/sales");
  EXPECT_TRUE(AtRisk(&term, c));
  EXPECT_TRUE(AtRisk(nullptr, c));
  Stop(&c, utc, "2027-03-01T12:00:00Z", "teams/sales");
  EXPECT_FALSE(AtRisk(&term, c));

  v1::ClockCycle cancelled =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(2), "default");
  RecordMilestone(&cancelled, {Hours(2), Milestone::kBreach},
                  T("2027-03-01T11:00:00Z"), "teams/sales");
  ASSERT_TRUE(CancelCycle(&cancelled, utc, T("2027-03-01T12:00:00Z")).ok());
  EXPECT_FALSE(AtRisk(&term, cancelled));
}

TEST(AgreementCycleTest, ASecondCycleIsItsOwn) {
  const BusinessClock utc = Utc();
  v1::ClockCycle first =
      StartCycle(1, T("2027-03-01T09:00:00Z"), Hours(4), "default");
  Stop(&first, utc, "2027-03-01T12:00:00Z", "teams/sales");
  v1::ClockCycle second =
      StartCycle(2, T("2027-03-02T09:00:00Z"), Hours(1), "p0");
  EXPECT_EQ(second.number(), 2);
  EXPECT_EQ(second.segment(), "p0");
  EXPECT_EQ(second.state(), v1::ClockCycle::RUNNING);
  EXPECT_EQ(FromProtoDuration(second.target()), Hours(1));
  EXPECT_EQ(second.pauses_size(), 0);
  EXPECT_FALSE(second.has_breach());
  EXPECT_THAT(second.warned_percents(), IsEmpty());
  EXPECT_EQ(second.escalations_taken(), 0);
  Refresh(&second, utc, "2027-03-02T09:00:00Z");
  EXPECT_EQ(Due(second), T("2027-03-02T10:00:00Z"));
  EXPECT_EQ(RunAt(second, utc, "2027-03-02T09:30:00Z"), Minutes(30));
  EXPECT_EQ(RunAt(first, utc, "2027-03-02T09:30:00Z"), Hours(3));
  EXPECT_EQ(first.state(), v1::ClockCycle::MET);
}

}  // namespace
}  // namespace mops::services::agreements

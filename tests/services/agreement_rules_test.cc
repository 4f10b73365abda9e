// The agreements domain's pure rules (services/agreements/rules.h): business
// spans ("30bm", "2bh", "3bd", "-30bm"), what a span stands for on a
// calendar, the shape of an agreement (each refusal naming its field), and
// effective dates in a zone. The clock arithmetic is in
// agreement_clock_rules_test.cc.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/agreements/rules.h"
#include "services/calendars/business_clock.h"
#include "tests/testing/business_calendars.h"

namespace mops::services::agreements {
namespace {

using absl::Hours;
using absl::Minutes;
using calendars::BusinessClock;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// An instant from RFC 3339, with its offset ("2027-03-05T16:30:00+01:00").
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
BusinessClock Weekdays(
    const std::string& zone,
    const std::vector<std::pair<std::string, std::string>>& windows,
    const std::vector<std::string>& holidays = {}) {
  std::vector<Shift> hours;
  for (int d = 1; d <= 5; ++d) {
    for (const auto& w : windows) hours.push_back({d, w.first, w.second});
  }
  return Clock(zone, hours, holidays);
}

// ---- business spans

constexpr char kField[] = "agreement.terms[0].target";

BusinessSpan Span(const std::string& text, bool allow_sign = false) {
  absl::StatusOr<BusinessSpan> s = ParseSpan(kField, text, allow_sign);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  return s.ok() ? *s : BusinessSpan{};
}

void ExpectSpan(const std::string& text, bool allow_sign, int64_t count,
                BusinessSpan::Unit unit, bool negative) {
  SCOPED_TRACE(text);
  const BusinessSpan s = Span(text, allow_sign);
  EXPECT_EQ(s.count, count);
  EXPECT_EQ(s.unit, unit);
  EXPECT_EQ(s.negative, negative);
}

void ExpectRefused(const std::string& text, bool allow_sign) {
  SCOPED_TRACE(text);
  absl::Status s = ParseSpan(kField, text, allow_sign).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith(std::string(kField) + ": \"" + text +
                         "\" is not business time"));
}

TEST(AgreementSpanTest, ParsesMinutesHoursAndDays) {
  ExpectSpan("30bm", false, 30, BusinessSpan::kMinutes, false);
  ExpectSpan("2bh", false, 2, BusinessSpan::kHours, false);
  ExpectSpan("3bd", false, 3, BusinessSpan::kDays, false);
  // Ten years of it, and not a minute more.
  ExpectSpan("5260320bm", false, 5260320, BusinessSpan::kMinutes, false);
  ExpectSpan("87672bh", false, 87672, BusinessSpan::kHours, false);
  ExpectSpan("3653bd", false, 3653, BusinessSpan::kDays, false);
}

TEST(AgreementSpanTest, RefusesWhatIsNotBusinessTimeNamingTheField) {
  for (const char* text : {"", "2h", "2d", "0bh", "-1bh", "+2bh", "bh", "1.5bh",
                           " 2bh", "2bh ", "2 bh", "0x2bh", "5260321bm",
                           "87673bh", "3654bd", "99999999999999999999bh"}) {
    ExpectRefused(text, /*allow_sign=*/false);
  }
  EXPECT_THAT(std::string(ParseSpan(kField, "2h").status().message()),
              HasSubstr("30bm, 2bh, 3bd"));
}

TEST(AgreementSpanTest, SignedSpans) {
  ExpectSpan("-30bm", true, 30, BusinessSpan::kMinutes, true);
  ExpectSpan("+2bh", true, 2, BusinessSpan::kHours, false);
  ExpectSpan("2bh", true, 2, BusinessSpan::kHours, false);
  ExpectSpan("0bh", true, 0, BusinessSpan::kHours, false);
  ExpectSpan("-1bd", true, 1, BusinessSpan::kDays, true);
  for (const char* text :
       {"", "--1bh", "+-1bh", "-bh", "-1.5bh", "- 1bh", "-2h", "-87673bh"}) {
    ExpectRefused(text, /*allow_sign=*/true);
  }
  EXPECT_THAT(std::string(ParseSpan(kField, "-2h", true).status().message()),
              HasSubstr("-30bm, 2bh, +1bd"));
}

// ---- what a span stands for

absl::Duration Duration(const std::string& text, const BusinessClock& clock,
                        const std::string& start) {
  absl::StatusOr<absl::Duration> d =
      SpanDuration(Span(text, /*allow_sign=*/true), clock, T(start));
  EXPECT_TRUE(d.ok()) << text << " from " << start << ": " << d.status();
  return d.ok() ? *d : absl::InfiniteDuration();
}

TEST(AgreementSpanTest, MinutesAndHoursAreAsWritten) {
  const BusinessClock c = Weekdays("UTC", {{"09:00", "17:00"}});
  // Saturday: no working time, yet two business hours are two hours.
  EXPECT_EQ(Duration("2bh", c, "2027-03-06T11:00:00Z"), Hours(2));
  EXPECT_EQ(Duration("30bm", c, "2027-03-05T16:50:00Z"), Minutes(30));
  EXPECT_EQ(Duration("-30bm", c, "2027-03-05T16:50:00Z"), -Minutes(30));
  EXPECT_EQ(Duration("0bh", c, "2027-03-05T16:50:00Z"), absl::ZeroDuration());
}

TEST(AgreementSpanTest, ABusinessDayIsTheCalendarsDay) {
  const BusinessClock c = Weekdays("UTC", {{"09:00", "17:00"}});
  // Friday 2027-03-05 15:00 to Monday 15:00: 2h on Friday, 6h on Monday.
  EXPECT_EQ(Duration("1bd", c, "2027-03-05T15:00:00Z"), Hours(8));
  EXPECT_EQ(*c.Add(T("2027-03-05T15:00:00Z"), Hours(8)),
            T("2027-03-08T15:00:00Z"));
  EXPECT_EQ(Duration("3bd", c, "2027-03-05T15:00:00Z"), Hours(24));
  EXPECT_EQ(Duration("-1bd", c, "2027-03-05T15:00:00Z"), -Hours(8));
  // From Saturday: Monday 09:00 to Tuesday 09:00.
  EXPECT_EQ(*c.NextWorkingMoment(T("2027-03-06T11:00:00Z")),
            T("2027-03-08T09:00:00Z"));
  EXPECT_EQ(Duration("1bd", c, "2027-03-06T11:00:00Z"), Hours(8));
  // Friday 17:00 is past the day's end: Monday 09:00 to Tuesday 09:00.
  EXPECT_EQ(Duration("1bd", c, "2027-03-05T17:00:00Z"), Hours(8));

  // Split windows: 7 hours a day, not 8.
  const BusinessClock split =
      Weekdays("UTC", {{"09:00", "12:00"}, {"13:00", "17:00"}});
  EXPECT_EQ(Duration("1bd", split, "2027-03-01T10:00:00Z"), Hours(7));
  EXPECT_EQ(Duration("2bd", split, "2027-03-01T10:00:00Z"), Hours(14));
  // Over lunch: Monday 13:00 to Tuesday 13:00.
  EXPECT_EQ(Duration("1bd", split, "2027-03-01T12:30:00Z"), Hours(7));

  // A short Friday (09:00-13:00): Thursday 15:00 + 1bd ends at Friday's
  // end, 13:00: 2h + 4h.
  std::vector<Shift> uneven;
  for (int d = 1; d <= 4; ++d) uneven.push_back({d, "09:00", "17:00"});
  uneven.push_back({5, "09:00", "13:00"});
  EXPECT_EQ(Duration("1bd", Clock("UTC", uneven), "2027-03-04T15:00:00Z"),
            Hours(6));
}

TEST(AgreementSpanTest, ABusinessDayOverAHoliday) {
  // Easter Monday 2027-03-29 off, and Berlin moves to CEST on the 28th.
  const BusinessClock berlin =
      Weekdays("Europe/Berlin", {{"09:00", "17:00"}}, {"2027-03-29"});
  // Friday 15:00 CET to Tuesday 15:00 CEST: 2h + 6h.
  EXPECT_EQ(Duration("1bd", berlin, "2027-03-26T15:00:00+01:00"), Hours(8));
  // Thursday 10:00 to Tuesday 10:00: 7h + 8h + 1h.
  EXPECT_EQ(Duration("2bd", berlin, "2027-03-25T10:00:00+01:00"), Hours(16));
  // Counted from the holiday itself: Tuesday 09:00 to Wednesday 09:00.
  EXPECT_EQ(Duration("1bd", berlin, "2027-03-29T11:00:00+02:00"), Hours(8));
}

// ---- the shape of an agreement

v1::Agreement Valid() {
  v1::Agreement a;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        title: "Marketing and Sales"
        parties { team: "teams/marketing" liaisons: "users/ann" }
        parties {
          team: "teams/sales"
          liaisons: "users/bob"
          liaisons: "users/cy"
        }
        effective_start_date: "2027-01-01"
        effective_end_date: "2027-12-31"
        terms {
          id: "mql-response"
          title: "Sales answers P0 MQLs"
          provider: "teams/sales"
          customer: "teams/marketing"
          metric: RESPONSE
          start {
            event_type: "task.created"
            filter: "labels:mql AND priority = P0"
          }
          pause {
            event_type: "task.state_changed"
            filter: "state = BLOCKED"
            reason: "missing data"
            charged_to: "teams/marketing"
          }
          resume { event_type: "task.state_changed" filter: "from = BLOCKED" }
          stop { event_type: "task.state_changed" filter: "state = DONE" }
          stop { event_type: "task.updated" filter: "labels:answered" }
          cancel { event_type: "task.deleted" }
          target: "2bh"
          segments { name: "p0" filter: "labels:vip" target: "1bh" }
          warning_percents: 50
          warning_percents: 80
          escalations { offset: "-30bm" notify_liaisons: true }
          escalations { offset: "1bh" add_provider_leads: true }
          escalations { offset: "1bd" }
        }
        concerns { project_teams: "teams/sales" project_labels: "mql" }
      )pb",
      &a));
  return a;
}

// The message of ValidateAgreement on Valid() changed by `edit`.
std::string Refusal(const std::function<void(v1::Agreement&)>& edit) {
  v1::Agreement a = Valid();
  edit(a);
  absl::Status s = ValidateAgreement("agreement.", a);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

// The message names exactly `field`: it comes first, then ':' or ' '.
MATCHER_P(Names, field, "") {
  const std::string f = field;
  return arg.size() > f.size() && absl::StartsWith(arg, f) &&
         (arg[f.size()] == ':' || arg[f.size()] == ' ');
}

v1::AgreementTerm* Term(v1::Agreement& a) { return a.mutable_terms(0); }

TEST(AgreementShapeTest, AValidAgreementPasses) {
  EXPECT_TRUE(ValidateAgreement("agreement.", Valid()).ok())
      << ValidateAgreement("agreement.", Valid());
  v1::Agreement a = Valid();
  a.clear_terms();
  a.clear_effective_start_date();
  a.clear_effective_end_date();
  EXPECT_TRUE(ValidateAgreement("agreement.", a).ok());
  a = Valid();
  Term(a)->set_metric(v1::AgreementTerm::CUSTOM);
  Term(a)->set_custom_metric("time to first call");
  Term(a)->clear_pause();
  Term(a)->clear_resume();
  a.set_effective_end_date(a.effective_start_date());  // one day
  EXPECT_TRUE(ValidateAgreement("agreement.", a).ok());
}

TEST(AgreementShapeTest, Parties) {
  EXPECT_THAT(Refusal([](auto& a) { a.mutable_parties()->RemoveLast(); }),
              Names("agreement.parties"));
  EXPECT_THAT(Refusal([](auto& a) {
                a.mutable_parties(1)->set_team("teams/marketing");
              }),
              AllOf(Names("agreement.parties[1].team"),
                    HasSubstr("teams/marketing is a party twice")));
  EXPECT_THAT(Refusal([](auto& a) { a.mutable_parties(0)->clear_liaisons(); }),
              Names("agreement.parties[0].liaisons"));
  EXPECT_THAT(
      Refusal([](auto& a) { a.mutable_parties(1)->add_liaisons("users/bob"); }),
      AllOf(Names("agreement.parties[1].liaisons[2]"),
            HasSubstr("users/bob is listed twice")));
  EXPECT_THAT(Refusal([](auto& a) { a.mutable_parties(1)->set_team("sales"); }),
              Names("agreement.parties[1].team"));
  EXPECT_THAT(Refusal([](auto& a) { a.clear_title(); }),
              Names("agreement.title"));
}

TEST(AgreementShapeTest, ProviderAndCustomerAreTwoParties) {
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->set_provider("teams/ops"); }),
              AllOf(Names("agreement.terms[0].provider"),
                    HasSubstr("teams/ops is not a party")));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->set_customer("teams/ops"); }),
              Names("agreement.terms[0].customer"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->set_customer("teams/sales"); }),
              Names("agreement.terms[0].customer"));
}

TEST(AgreementShapeTest, TermIdTitleMetricAndCalendar) {
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->set_id("MQL Response"); }),
              Names("agreement.terms[0].id"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->clear_title(); }),
              Names("agreement.terms[0].title"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->clear_metric(); }),
              Names("agreement.terms[0].metric"));
  EXPECT_THAT(
      Refusal([](auto& a) { Term(a)->set_metric(v1::AgreementTerm::CUSTOM); }),
      Names("agreement.terms[0].custom_metric"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->set_custom_metric("calls"); }),
              Names("agreement.terms[0].custom_metric"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->set_calendar("berlin"); }),
              Names("agreement.terms[0].calendar"));
  EXPECT_THAT(Refusal([](auto& a) { *a.add_terms() = a.terms(0); }),
              AllOf(Names("agreement.terms[1].id"),
                    HasSubstr("\"mql-response\" is used twice")));
}

TEST(AgreementShapeTest, ConditionsComeInPairsAndAreNeeded) {
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->clear_start(); }),
              Names("agreement.terms[0].start"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->clear_stop(); }),
              Names("agreement.terms[0].stop"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->clear_resume(); }),
              Names("agreement.terms[0].resume"));
  EXPECT_THAT(Refusal([](auto& a) { Term(a)->clear_pause(); }),
              Names("agreement.terms[0].pause"));
}

TEST(AgreementShapeTest, ConditionsCompileAgainstTheirEventTypes) {
  const std::string bad_filter = Refusal([](auto& a) {
    Term(a)->mutable_stop(1)->set_filter("labels:answered AND colour = red");
  });
  EXPECT_THAT(bad_filter, AllOf(Names("agreement.terms[0].stop[1].filter"),
                                HasSubstr("colour")));
  EXPECT_THAT(Refusal([](auto& a) {
                Term(a)->mutable_start(0)->set_event_type("task.exploded");
              }),
              Names("agreement.terms[0].start[0].event_type"));
  // `from` is a field of task.state_changed, not of task.created.
  EXPECT_THAT(Refusal([](auto& a) {
                Term(a)->mutable_start(0)->set_filter("from = BLOCKED");
              }),
              Names("agreement.terms[0].start[0].filter"));
  // Clocks do not move on agreements' own events.
  for (const char* list : {"start", "pause", "stop"}) {
    SCOPED_TRACE(list);
    const std::string msg = Refusal([&](auto& a) {
      v1::AgreementTerm* t = Term(a);
      auto* c = std::string(list) == "start"   ? t->mutable_start(0)
                : std::string(list) == "pause" ? t->mutable_pause(0)
                                               : t->mutable_stop(0);
      c->set_event_type("agreement.clock_breached");
      c->clear_filter();
    });
    EXPECT_THAT(msg, AllOf(Names(std::string("agreement.terms[0].") + list +
                                 "[0].event_type"),
                           HasSubstr("agreements' own events")));
  }
}

TEST(AgreementShapeTest, ReasonAndChargedToBelongToPauses) {
  EXPECT_THAT(Refusal([](auto& a) {
                Term(a)->mutable_start(0)->set_reason("waiting");
              }),
              Names("agreement.terms[0].start[0]"));
  EXPECT_THAT(Refusal([](auto& a) {
                Term(a)->mutable_resume(0)->set_charged_to("teams/sales");
              }),
              Names("agreement.terms[0].resume[0]"));
  EXPECT_THAT(Refusal([](auto& a) {
                Term(a)->mutable_pause(0)->set_charged_to("teams/ops");
              }),
              AllOf(Names("agreement.terms[0].pause[0].charged_to"),
                    HasSubstr("teams/ops is not a party")));
}

TEST(AgreementShapeTest, TargetsAndSegments) {
  for (const char* target : {"", "2h", "0bh", "-1bh"}) {
    SCOPED_TRACE(target);
    EXPECT_THAT(Refusal([&](auto& a) { Term(a)->set_target(target); }),
                Names("agreement.terms[0].target"));
  }
  EXPECT_THAT(Refusal([](auto& a) {
                v1::TermSegment* s = Term(a)->add_segments();
                s->set_name("p0");
                s->set_target("3bh");
              }),
              AllOf(Names("agreement.terms[0].segments[1].name"),
                    HasSubstr("\"p0\" is taken")));
  EXPECT_THAT(Refusal([](auto& a) {
                Term(a)->mutable_segments(0)->set_name("default");
              }),
              Names("agreement.terms[0].segments[0].name"));
  EXPECT_THAT(
      Refusal([](auto& a) { Term(a)->mutable_segments(0)->clear_name(); }),
      Names("agreement.terms[0].segments[0].name"));
  EXPECT_THAT(
      Refusal([](auto& a) { Term(a)->mutable_segments(0)->set_target("1h"); }),
      Names("agreement.terms[0].segments[0].target"));
  // A segment is chosen at the start: its filter must compile for every
  // start event type; `from` exists on task.state_changed only.
  EXPECT_THAT(
      Refusal([](auto& a) {
        v1::ClockCondition* s = Term(a)->add_start();
        s->set_event_type("task.state_changed");
        s->set_filter("state = TODO");
        Term(a)->mutable_segments(0)->set_filter("from = BLOCKED");
      }),
      AllOf(Names("agreement.terms[0].segments[0].filter"), HasSubstr("from")));
}

TEST(AgreementShapeTest, WarningsAndEscalations) {
  auto warnings = [](std::vector<int> shares) {
    return Refusal([&](auto& a) {
      Term(a)->clear_warning_percents();
      for (int s : shares) Term(a)->add_warning_percents(s);
    });
  };
  EXPECT_THAT(warnings({75, 50}),
              Names("agreement.terms[0].warning_percents[1]"));
  EXPECT_THAT(warnings({50, 50}),
              Names("agreement.terms[0].warning_percents[1]"));
  EXPECT_THAT(warnings({0}), Names("agreement.terms[0].warning_percents[0]"));
  EXPECT_THAT(warnings({50, 100}),
              Names("agreement.terms[0].warning_percents[1]"));

  auto ladder = [](std::vector<std::string> offsets) {
    v1::Agreement a = Valid();
    Term(a)->clear_escalations();
    for (const std::string& o : offsets)
      Term(a)->add_escalations()->set_offset(o);
    return std::string(ValidateAgreement("agreement.", a).message());
  };
  EXPECT_THAT(ladder({"1bh", "-1bh"}),
              Names("agreement.terms[0].escalations[1].offset"));
  EXPECT_THAT(ladder({"1bh", "1bh"}),
              Names("agreement.terms[0].escalations[1].offset"));
  EXPECT_THAT(ladder({"-30bm", "-45bm"}),
              Names("agreement.terms[0].escalations[1].offset"));
  EXPECT_THAT(ladder({"1h"}),
              Names("agreement.terms[0].escalations[0].offset"));
  EXPECT_EQ(ladder({"-1bh", "0bh", "+2bh"}), "");
  // Days and hours compare only on a calendar: not refused here.
  EXPECT_EQ(ladder({"1bd", "2bh"}), "");
}

// Minutes and hours are fixed lengths: "2bh" then "30bm" is out of order
// without any calendar, yet the ladder compares only steps of one unit.
TEST(AgreementShapeTest, EscalationsInMinutesAfterHoursAreInOrder) {
  v1::Agreement a = Valid();
  Term(a)->clear_escalations();
  Term(a)->add_escalations()->set_offset("2bh");
  Term(a)->add_escalations()->set_offset("30bm");
  EXPECT_THAT(std::string(ValidateAgreement("agreement.", a).message()),
              Names("agreement.terms[0].escalations[1].offset"));
}

// Two steps of the same unit out of order, with a step of another unit
// between them: only neighbours are compared.
TEST(AgreementShapeTest, EscalationsOfOneUnitAreInOrderAcrossOtherUnits) {
  v1::Agreement a = Valid();
  Term(a)->clear_escalations();
  Term(a)->add_escalations()->set_offset("2bd");
  Term(a)->add_escalations()->set_offset("1bh");
  Term(a)->add_escalations()->set_offset("1bd");
  EXPECT_THAT(std::string(ValidateAgreement("agreement.", a).message()),
              Names("agreement.terms[0].escalations[2].offset"));
}

TEST(AgreementShapeTest, EffectiveDates) {
  EXPECT_THAT(Refusal([](auto& a) { a.set_effective_end_date("2026-12-31"); }),
              AllOf(Names("agreement.effective_end_date"),
                    HasSubstr("before effective_start_date")));
  for (const char* bad : {"2027/03/01", "tomorrow", "2027-02-30",
                          "2027-03-01T00:00:00Z", "2027-13-01"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(Refusal([&](auto& a) { a.set_effective_start_date(bad); }),
                AllOf(Names("agreement.effective_start_date"),
                      HasSubstr("is not a YYYY-MM-DD date")));
    EXPECT_THAT(Refusal([&](auto& a) { a.set_effective_end_date(bad); }),
                Names("agreement.effective_end_date"));
  }
  EXPECT_THAT(Refusal([](auto& a) {
                a.mutable_concerns()->set_project_teams(0, "sales");
              }),
              Names("agreement.concerns.project_teams[0]"));
}

// "2027-9-30" passes the date check (absl::ParseCivilTime is not strict
// about YYYY-MM-DD), and the order of the dates is then decided by
// comparing the texts: "2027-9-30" > "2027-10-01".
TEST(AgreementShapeTest, EffectiveDatesAreComparedAsDates) {
  EXPECT_THAT(Refusal([](auto& a) {
                a.set_effective_start_date("2027-10-01");
                a.set_effective_end_date("2027-9-30");
              }),
              Names("agreement.effective_end_date"));
  for (const char* loose :
       {"2027-9-30", " 2027-09-30", "+2027-09-30", "27-09-30", "2027-09-30 "}) {
    SCOPED_TRACE(loose);
    EXPECT_THAT(Refusal([&](auto& a) { a.set_effective_start_date(loose); }),
                Names("agreement.effective_start_date"));
  }
}

// ---- effective dates, warnings, terms

TEST(AgreementShapeTest, IsEffectiveOnTheDateInTheZone) {
  v1::Agreement a = Valid();
  a.set_effective_start_date("2027-04-01");
  a.set_effective_end_date("2027-04-30");
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  // 00:30 CEST on April 1st is still March 31st in UTC.
  const absl::Time first = T("2027-03-31T22:30:00Z");
  EXPECT_TRUE(IsEffective(a, first, berlin));
  EXPECT_FALSE(IsEffective(a, first, utc));
  // 00:30 CEST on May 1st is April 30th in UTC.
  const absl::Time after = T("2027-04-30T22:30:00Z");
  EXPECT_FALSE(IsEffective(a, after, berlin));
  EXPECT_TRUE(IsEffective(a, after, utc));
  EXPECT_TRUE(IsEffective(a, T("2027-04-30T23:59:59Z"), utc));
  EXPECT_FALSE(IsEffective(a, T("2027-05-01T00:00:00Z"), utc));
  a.clear_effective_start_date();
  a.clear_effective_end_date();
  EXPECT_TRUE(IsEffective(a, T("1999-01-01T00:00:00Z"), utc));
}

TEST(AgreementShapeTest, WarningsOfAndFindTerm) {
  v1::Agreement a = Valid();
  EXPECT_THAT(WarningsOf(a.terms(0)), ElementsAre(50, 80));
  Term(a)->clear_warning_percents();
  EXPECT_THAT(WarningsOf(a.terms(0)), ElementsAre(50, 75));
  EXPECT_EQ(FindTerm(a, "mql-response"), &a.terms(0));
  EXPECT_EQ(FindTerm(a, "mql"), nullptr);
}

}  // namespace
}  // namespace mops::services::agreements

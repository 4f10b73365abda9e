// The approval rule and business calendars as pure functions.
#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/approvals/calendar.h"
#include "services/approvals/rules.h"

namespace mops::services::approvals {
namespace {

using ::testing::HasSubstr;
using O = v1::Decision::Outcome;

struct GroupSpec {
  int eligible;
  int required;
  bool veto = true;
};

// Group i's people are "users/g{i}-{j}".
v1::Approval Make(const std::vector<GroupSpec>& groups) {
  v1::Approval a;
  a.set_round(1);
  for (size_t i = 0; i < groups.size(); ++i) {
    auto* g = a.add_groups();
    g->set_required(groups[i].required);
    g->set_reject_does_not_veto(!groups[i].veto);
    for (int j = 0; j < groups[i].eligible; ++j) {
      g->add_eligible(absl::StrCat("users/g", i, "-", j));
    }
  }
  return a;
}

void Decide(v1::Approval* a, const std::string& who, O outcome, int round = 1,
            const std::string& for_whom = "") {
  auto* d = a->add_decisions();
  d->set_approver(who);
  d->set_on_behalf_of(for_whom);
  d->set_outcome(outcome);
  d->set_round(round);
}

TEST(ApprovalRulesTest, Scenarios) {
  // 1 of legal AND 2 of finance.
  v1::Approval a = Make({{2, 1}, {3, 2}});
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g0-1", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g1-0", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g1-2", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kApproved);

  // One reject vetoes, even when other groups are satisfied.
  a = Make({{2, 1}, {3, 2}});
  Decide(&a, "users/g0-0", v1::Decision::APPROVE);
  Decide(&a, "users/g1-0", v1::Decision::REJECT);
  EXPECT_EQ(Evaluate(a), Verdict::kRejected);

  // Without veto, a reject only counts against reaching the count.
  a = Make({{3, 2, false}});
  Decide(&a, "users/g0-0", v1::Decision::REJECT);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g0-1", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g0-2", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kApproved);
  a = Make({{3, 2, false}});
  Decide(&a, "users/g0-0", v1::Decision::REJECT);
  Decide(&a, "users/g0-1", v1::Decision::REJECT);
  EXPECT_EQ(Evaluate(a), Verdict::kRejected);

  // Request changes ends the round; earlier rounds do not count.
  a = Make({{2, 2}});
  Decide(&a, "users/g0-0", v1::Decision::APPROVE);
  Decide(&a, "users/g0-1", v1::Decision::REQUEST_CHANGES);
  EXPECT_EQ(Evaluate(a), Verdict::kChangesRequested);
  a.set_round(2);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  EXPECT_EQ(StillToDecide(a).size(), 2u);
  Decide(&a, "users/g0-0", v1::Decision::APPROVE, 2);
  Decide(&a, "users/g0-1", v1::Decision::APPROVE, 2);
  EXPECT_EQ(Evaluate(a), Verdict::kApproved);

  // A delegate's decision fills the delegator's place.
  a = Make({{2, 2}});
  Decide(&a, "users/stand-in", v1::Decision::APPROVE, 1, "users/g0-0");
  EXPECT_TRUE(HasDecided(a, "users/g0-0"));
  EXPECT_FALSE(HasDecided(a, "users/stand-in"));
  EXPECT_TRUE(HasActed(a, "users/stand-in"));
  EXPECT_EQ(StillToDecide(a), std::vector<std::string>{"users/g0-1"});
  // Decisions of people outside a group do not count for it.
  Decide(&a, "users/outsider", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
}

// Every combination of one or two groups (1 to 3 eligible, every count, veto
// or not) and every assignment of none/approve/reject to their people.
TEST(ApprovalRulesTest, PropertiesOverEveryCombination) {
  std::vector<GroupSpec> shapes;
  for (int e = 1; e <= 3; ++e) {
    for (int r = 1; r <= e; ++r) {
      for (bool veto : {true, false}) shapes.push_back({e, r, veto});
    }
  }
  int checked = 0;
  auto check = [&](const std::vector<GroupSpec>& groups) {
    std::vector<std::string> people;
    for (size_t i = 0; i < groups.size(); ++i) {
      for (int j = 0; j < groups[i].eligible; ++j) {
        people.push_back(absl::StrCat("users/g", i, "-", j));
      }
    }
    int combos = 1;
    for (size_t k = 0; k < people.size(); ++k) combos *= 3;
    for (int c = 0; c < combos; ++c) {
      v1::Approval a = Make(groups);
      std::vector<int> choice(people.size());
      for (size_t k = 0, x = c; k < people.size(); ++k, x /= 3) {
        choice[k] = x % 3;
        if (choice[k] == 1) {
          Decide(&a, people[k], v1::Decision::APPROVE);
        } else if (choice[k] == 2) {
          Decide(&a, people[k], v1::Decision::REJECT);
        }
      }
      std::vector<GroupTally> tallies;
      Verdict v = Evaluate(a, &tallies);
      ++checked;
      bool any_veto_reject = false, all_reach = true, any_out_of_reach = false;
      for (size_t i = 0; i < groups.size(); ++i) {
        int approvals = 0, rejects = 0;
        for (int j = 0; j < groups[i].eligible; ++j) {
          size_t k = std::find(people.begin(), people.end(),
                               absl::StrCat("users/g", i, "-", j)) -
                     people.begin();
          approvals += choice[k] == 1;
          rejects += choice[k] == 2;
        }
        EXPECT_EQ(tallies[i].approvals, approvals);
        EXPECT_EQ(tallies[i].rejects, rejects);
        if (groups[i].veto && rejects > 0) any_veto_reject = true;
        if (!groups[i].veto &&
            groups[i].eligible - rejects < groups[i].required) {
          any_out_of_reach = true;
        }
        if (approvals < groups[i].required) all_reach = false;
      }
      // A veto reject always rejects.
      if (any_veto_reject) {
        EXPECT_EQ(v, Verdict::kRejected);
      }
      // A group that can no longer reach its count rejects.
      if (any_out_of_reach) {
        EXPECT_EQ(v, Verdict::kRejected);
      }
      // Otherwise: approved exactly when every group reached its count.
      if (!any_veto_reject && !any_out_of_reach) {
        EXPECT_EQ(v, all_reach ? Verdict::kApproved : Verdict::kPending);
      }
      // Decision order does not matter.
      v1::Approval reversed = a;
      std::reverse(reversed.mutable_decisions()->begin(),
                   reversed.mutable_decisions()->end());
      EXPECT_EQ(Evaluate(reversed), v);
      // One more approval never turns approved into anything else.
      if (v == Verdict::kApproved) {
        Decide(&a, "users/g0-0", v1::Decision::APPROVE);
        EXPECT_EQ(Evaluate(a), Verdict::kApproved);
      }
    }
  };
  for (const auto& s : shapes) check({s});
  for (const auto& s1 : shapes) {
    for (const auto& s2 : shapes) check({s1, s2});
  }
  EXPECT_GT(checked, 10000);
}

// ---------------------------------------------------------------- calendars

absl::Time T(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

BusinessCalendar Cal(const std::string& zone,
                     std::vector<std::string> holidays = {}) {
  v1::Calendar c = DefaultCalendar();
  c.set_time_zone(zone);
  for (const auto& h : holidays) c.add_holidays(h);
  auto cal = BusinessCalendar::FromProto(c);
  EXPECT_TRUE(cal.ok()) << cal.status();
  return *cal;
}

TEST(BusinessCalendarTest, HoursAndDaysAcrossAWeekend) {
  BusinessCalendar cal = Cal("UTC");
  // Friday 2026-11-27 16:00 UTC.
  EXPECT_EQ(*cal.AddWorkingTime(T("2026-11-27T16:00:00Z"), absl::Hours(2)),
            T("2026-11-30T10:00:00Z"));
  EXPECT_EQ(*cal.AddWorkingTime(T("2026-11-27T16:00:00Z"), absl::Hours(16)),
            T("2026-12-01T16:00:00Z"));
  EXPECT_EQ(*cal.AddWorkingDays(T("2026-11-27T16:00:00Z"), 3),
            T("2026-12-02T16:00:00Z"));
  // Outside working time: counted from the next working moment.
  EXPECT_EQ(*cal.AddWorkingTime(T("2026-11-28T12:00:00Z"), absl::Hours(1)),
            T("2026-11-30T10:00:00Z"));
  EXPECT_EQ(*cal.AddWorkingDays(T("2026-11-27T18:30:00Z"), 1),
            T("2026-12-01T09:00:00Z"));
  // Exactly at the end of a day.
  EXPECT_EQ(*cal.AddWorkingTime(T("2026-11-30T09:00:00Z"), absl::Hours(8)),
            T("2026-11-30T17:00:00Z"));
}

TEST(BusinessCalendarTest, Holidays) {
  BusinessCalendar cal = Cal("UTC", {"2026-12-25"});
  // Thursday 24th 16:00: one hour left, Friday is a holiday, then the weekend.
  EXPECT_EQ(*cal.AddWorkingTime(T("2026-12-24T16:00:00Z"), absl::Hours(2)),
            T("2026-12-28T10:00:00Z"));
  EXPECT_EQ(*cal.AddWorkingDays(T("2026-12-24T11:00:00Z"), 1),
            T("2026-12-28T11:00:00Z"));
}

TEST(BusinessCalendarTest, DaylightSavingChanges) {
  // Berlin moves from CET (+1) to CEST (+2) on Sunday 2026-03-29.
  BusinessCalendar berlin = Cal("Europe/Berlin");
  // Friday 16:00 CET = 15:00Z; two working hours end Monday 10:00 CEST =
  // 08:00Z.
  EXPECT_EQ(*berlin.AddWorkingTime(T("2026-03-27T15:00:00Z"), absl::Hours(2)),
            T("2026-03-30T08:00:00Z"));
  EXPECT_EQ(*berlin.AddWorkingDays(T("2026-03-27T15:00:00Z"), 3),
            T("2026-04-01T14:00:00Z"));
  // And back on Sunday 2026-10-25: Friday 16:00 CEST = 14:00Z -> Monday 10:00
  // CET = 09:00Z.
  EXPECT_EQ(*berlin.AddWorkingTime(T("2026-10-23T14:00:00Z"), absl::Hours(2)),
            T("2026-10-26T09:00:00Z"));
  // New York springs forward on Sunday 2026-03-08.
  BusinessCalendar ny = Cal("America/New_York");
  // Friday 17:00 EST (22:00Z) plus one hour: Monday 10:00 EDT (14:00Z).
  EXPECT_EQ(*ny.AddWorkingTime(T("2026-03-06T22:00:00Z"), absl::Hours(1)),
            T("2026-03-09T14:00:00Z"));
  // A working day that contains the change lasts its real length: Sunday
  // 00:00 to 24:00 in Berlin on 2026-03-29 is 23 hours.
  v1::Calendar all_sunday;
  all_sunday.set_time_zone("Europe/Berlin");
  auto* w = all_sunday.add_working_hours();
  w->set_weekday(7);
  w->set_start("00:00");
  w->set_end("24:00");
  BusinessCalendar sunday = *BusinessCalendar::FromProto(all_sunday);
  EXPECT_EQ(*sunday.AddWorkingTime(T("2026-03-28T23:00:00Z"), absl::Hours(23)),
            T("2026-03-29T22:00:00Z"));
  EXPECT_EQ(*sunday.AddWorkingTime(T("2026-03-28T23:00:00Z"), absl::Hours(24)),
            T("2026-04-04T23:00:00Z"));  // the next Sunday, 01:00 local
}

TEST(BusinessCalendarTest, ValidationNamesTheField) {
  struct Case {
    std::function<void(v1::Calendar*)> edit;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](v1::Calendar* c) { c->set_time_zone("Mars/Olympus"); },
       "calendar.time_zone"},
      {[](v1::Calendar* c) { c->mutable_working_hours(0)->set_start("9am"); },
       "calendar.working_hours[0].start"},
      {[](v1::Calendar* c) { c->mutable_working_hours(1)->set_end("08:00"); },
       "calendar.working_hours[1]: end 08:00 is not after start 09:00"},
      {[](v1::Calendar* c) { c->mutable_working_hours(2)->set_weekday(8); },
       "calendar.working_hours[2].weekday"},
      {[](v1::Calendar* c) {
         auto* w = c->add_working_hours();
         w->set_weekday(1);
         w->set_start("16:00");
         w->set_end("18:00");
       },
       "overlap"},
      {[](v1::Calendar* c) { c->clear_working_hours(); },
       "calendar.working_hours is empty"},
      {[](v1::Calendar* c) { c->add_holidays("25.12.2026"); },
       "calendar.holidays[0]"},
  };
  for (const Case& c : cases) {
    v1::Calendar cal = DefaultCalendar();
    c.edit(&cal);
    auto result = BusinessCalendar::FromProto(cal);
    ASSERT_FALSE(result.ok()) << c.message;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr(c.message));
  }
  EXPECT_TRUE(ValidateDue("due", "16bh").ok());
  EXPECT_TRUE(ValidateDue("due", "3bd").ok());
  EXPECT_TRUE(ValidateDue("due", "2026-12-01T17:00:00Z").ok());
  EXPECT_THAT(ValidateDue("due", "0bd").message(),
              HasSubstr("business duration"));
  EXPECT_THAT(ValidateDue("due", "soon").message(), HasSubstr("RFC 3339"));
}

}  // namespace
}  // namespace mops::services::approvals

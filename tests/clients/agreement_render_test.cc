// mops ola ..., without a server: agreements, clocks, compliance reports
// and the wait ledger as `get`, `clocks`, `clock`, `report` and `ledger`
// print them (agreement_file_test.cc has the files and flags).
#include "clients/cli/agreement_render.h"

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kNov23 = 1795416240;  // 2026-11-23 06:44 UTC

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line of `text` that starts with `prefix`.
std::string LineStarting(const std::string& text, const std::string& prefix) {
  for (const std::string& line : Lines(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

google::protobuf::Duration Minutes(int64_t minutes) {
  google::protobuf::Duration d;
  d.set_seconds(minutes * 60);
  return d;
}

class AgreementRenderTest : public ::testing::Test {
 protected:
  // Tables are bold on a terminal; the expectations are plain text.
  void SetUp() override { ::setenv("NO_COLOR", "1", 1); }
};

// ---- get

api::Agreement MqlAgreement() {
  api::Agreement a = ParseAgreementFile(R"(
id: marketing-sales
title: Lead handover
scope: "MQLs go to Sales.\n\nSales answers fast."
effective_start_date: "2027-01-01"
parties:
  - team: teams/marketing
    liaisons: [users/mara, users/max]
    responsibilities: [Fill in every field.]
  - team: teams/sales
    liaisons: [users/sam, users/sue]
terms:
  - id: mql-response
    title: An MQL is answered
    provider: teams/sales
    customer: teams/marketing
    metric: response
    target: 2bh
    segments: [{name: p0, filter: priority = P0, target: 1bh}]
    start: [{event_type: task.created, filter: "labels:mql"}]
    pause:
      - {event_type: task.state_changed, filter: state = BLOCKED,
         reason: missing data, charged_to: teams/marketing}
      - {event_type: task.updated}
    stop: [{event_type: task.state_changed, filter: state = DONE}]
    escalations:
      - {offset: -30bm, notify_liaisons: true}
      - {offset: 1bh, add_provider_leads: true, note: late}
concerns: {project_labels: [paid-media]}
)",
                                        "a.yaml");
  a.set_version(3);
  a.set_state(api::Agreement::DRAFT);
  a.set_active_version(2);
  return a;
}

TEST_F(AgreementRenderTest, GetShowsTheAgreementItsPartiesAndTerms) {
  const std::string text = RenderAgreement(MqlAgreement());
  EXPECT_THAT(text, StartsWith("agreements/marketing-sales: Lead handover\n"
                               "version:     3\n"
                               "state:       draft\n"
                               "active:      version 2\n"
                               "effective:   from 2027-01-01\n"
                               "\nscope:\n"
                               "  MQLs go to Sales.\n"
                               "\n"
                               "  Sales answers fast.\n"));
  EXPECT_THAT(text, HasSubstr("\nparties:\n"
                              "  marketing (liaisons: mara, max)\n"
                              "    - Fill in every field.\n"
                              "  sales (liaisons: sam, sue)\n"));
  EXPECT_THAT(text, HasSubstr("\nmql-response: An MQL is answered\n"
                              "  parties:     sales -> marketing\n"
                              "  metric:      response\n"
                              "  target:      2bh\n"
                              "  segments:    p0: 1bh when priority = P0\n"));
  EXPECT_THAT(text, HasSubstr("  warnings:    at 50%, 75% of the target "
                              "(default)\n"));
  EXPECT_THAT(text,
              HasSubstr("  escalations: 30bm before: notify the liaisons\n"
                        "               1bh after: add the leads of sales to "
                        "the approval (late)\n"));
  EXPECT_THAT(text, HasSubstr("  start:       task.created where labels:mql\n"
                              "  pause:       task.state_changed where state "
                              "= BLOCKED (missing data; charged to "
                              "marketing)\n"
                              "               task.updated (every one)\n"
                              "  stop:        task.state_changed where state "
                              "= DONE\n"));
  EXPECT_THAT(text, Not(HasSubstr("resume:")));
  EXPECT_THAT(text, HasSubstr("approvals on projects labelled paid-media"));
}

TEST_F(AgreementRenderTest, ListAndVersionsTables) {
  google::protobuf::RepeatedPtrField<api::Agreement> all;
  *all.Add() = MqlAgreement();
  const auto lines = Lines(AgreementsTable(all).Render());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[1], MatchesRegex("marketing-sales +3 +draft +2 +"
                                     "marketing,sales +1 +Lead handover"));
  all.Mutable(0)->set_approval("approvals/a9");
  all.Mutable(0)->set_review_note("changes requested by sam");
  EXPECT_THAT(Lines(AgreementVersionsTable(all).Render())[1],
              MatchesRegex("3 +draft .* a9 +changes requested by sam"));
}

// ---- clocks

api::Clock PausedClock() {
  api::Clock c;
  c.set_name("agreements/marketing-sales/clocks/c1");
  c.set_term("mql-response");
  c.set_term_title("An MQL is answered");
  c.set_subject("projects/leads/tasks/t7");
  c.set_provider("teams/sales");
  c.set_customer("teams/marketing");
  c.set_metric(api::AgreementTerm::RESPONSE);
  c.set_agreement_version(2);
  c.set_calendar("calendars/sales");
  c.set_calendar_version(4);
  api::ClockCycle* cur = c.mutable_current();
  cur->set_number(1);
  cur->set_state(api::ClockCycle::PAUSED);
  *cur->mutable_start_time() = At(kNov23);
  *cur->mutable_target() = Minutes(60);
  cur->set_segment("p0");
  *cur->mutable_elapsed() = Minutes(25);
  api::ClockPause* p = cur->add_pauses();
  *p->mutable_start_time() = At(kNov23 + 1500);
  p->set_reason("missing data");
  p->set_charged_to("teams/marketing");
  return c;
}

TEST_F(AgreementRenderTest, ClocksTable) {
  google::protobuf::RepeatedPtrField<api::Clock> clocks;
  *clocks.Add() = PausedClock();
  api::Clock* late = clocks.Add();
  *late = PausedClock();
  late->set_name("agreements/marketing-it/clocks/c2");
  late->set_term("access-request");
  late->set_at_risk(true);
  api::ClockCycle* cur = late->mutable_current();
  cur->set_state(api::ClockCycle::RUNNING);
  cur->set_segment("default");
  *cur->mutable_target() = Minutes(3 * 8 * 60);
  *cur->mutable_elapsed() = Minutes(20 * 60 + 30);
  *cur->mutable_due_time() = At(kNov23 + 86400);
  const auto lines = Lines(ClocksTable(clocks).Render());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], MatchesRegex("NAME +SUBJECT +TERM +STATE +ELAPSED +"
                                     "TARGET +DUE"));
  EXPECT_THAT(lines[1],
              MatchesRegex("marketing-sales/c1 +projects/leads/tasks/t7 +"
                           "mql-response +paused +25m +1h \\(p0\\) +paused"));
  EXPECT_THAT(lines[2], MatchesRegex("marketing-it/c2 +.* +access-request +"
                                     "running \\(at risk\\) +20h30m +24h +"
                                     "2026-11-24 06:44 UTC"));
}

TEST_F(AgreementRenderTest, ClockShowsCyclesPausesAndBreach) {
  api::Clock c = PausedClock();
  api::ClockCycle* first = c.add_previous_cycles();
  first->set_number(1);
  first->set_state(api::ClockCycle::BREACHED_STOPPED);
  first->mutable_breach()->set_responsible("teams/sales");
  *first->mutable_breach()->mutable_time() = At(kNov23 - 3600);
  *first->mutable_breach()->mutable_elapsed() = Minutes(120);
  first->add_warned_percents(50);
  first->add_warned_percents(75);
  c.mutable_current()->set_number(2);
  const std::string text = RenderClock(c);
  EXPECT_THAT(text, StartsWith("agreements/marketing-sales/clocks/c1\n"
                               "term:        mql-response (An MQL is "
                               "answered)\n"));
  EXPECT_THAT(text, HasSubstr("counts with: agreement version 2, calendar "
                              "sales version 4\n"));
  EXPECT_THAT(text, HasSubstr("\ncycle 2: paused\n"));
  EXPECT_THAT(text, HasSubstr("  pauses:      2026-11-23 07:09 UTC to now "
                              "(paused): missing data, charged to "
                              "marketing\n"));
  EXPECT_THAT(text, HasSubstr("  breach:      2026-11-23 05:44 UTC, owed by "
                              "sales (2h had run)\n"));
  EXPECT_THAT(text, HasSubstr("  warned:      50%, 75%\n"));
  EXPECT_LT(text.find("cycle 2"), text.find("cycle 1"));  // newest first
}

// ---- report and ledger

TEST_F(AgreementRenderTest, ReportHasARowPerTermPausesAndBreaches) {
  api::AgreementReport r;
  r.set_agreement("agreements/marketing-sales");
  *r.mutable_from() = At(kNov23);
  *r.mutable_to() = At(kNov23 + 7 * 86400);
  r.set_clocks(12);
  api::TermReport* t = r.add_terms();
  t->set_term("mql-response");
  t->set_provider("teams/sales");
  t->set_customer("teams/marketing");
  t->set_started(12);
  t->set_met(9);
  t->set_breached(1);
  t->set_running(2);
  *t->mutable_median_time_to_stop() = Minutes(70);
  *t->mutable_p90_time_to_stop() = Minutes(115);
  api::PausedTime* p = t->add_paused();
  p->set_reason("missing data");
  p->set_charged_to("teams/marketing");
  *p->mutable_business_time() = Minutes(200);
  api::TermReport* idle = r.add_terms();
  idle->set_term("p0-callback");
  api::BreachEntry* b = r.add_breaches();
  b->set_clock("agreements/marketing-sales/clocks/c1");
  b->set_term("mql-response");
  b->set_subject("projects/leads/tasks/t7");
  b->set_cycle(1);
  b->mutable_breach()->set_responsible("teams/sales");
  *b->mutable_breach()->mutable_time() = At(kNov23 + 3600);
  *b->mutable_elapsed() = Minutes(150);
  *b->mutable_target() = Minutes(120);
  const std::string text = RenderReport(r);
  EXPECT_THAT(text, StartsWith("agreements/marketing-sales: cycles started "
                               "from 2026-11-23 06:44 UTC to 2026-11-30 06:44 "
                               "UTC (12 clocks read)\n"));
  EXPECT_THAT(LineStarting(text, "TERM "),
              MatchesRegex("TERM +PROVIDER -> CUSTOMER +STARTED +MET +"
                           "BREACHED +RUNNING +CANCELLED +MET % +MEDIAN +P90"));
  EXPECT_THAT(LineStarting(text, "mql-response "),
              MatchesRegex("mql-response +sales -> marketing +12 +9 +1 +2 +0 "
                           "+90.0% +1h10m +1h55m"));
  EXPECT_THAT(LineStarting(text, "p0-callback "),
              MatchesRegex("p0-callback +-> +0 +0 +0 +0 +0 +- +- +-"));
  EXPECT_THAT(text, HasSubstr("\npaused:\n"));
  EXPECT_THAT(text, MatchesRegex("(.|\n)*\nmql-response +missing data +"
                                 "marketing +3h20m\n(.|\n)*"));
  EXPECT_THAT(text, HasSubstr("\nbreaches (oldest first):\n"));
  EXPECT_THAT(Lines(text).back(),
              MatchesRegex("2026-11-23 07:44 UTC +marketing-sales/c1 +"
                           "mql-response +projects/leads/tasks/t7 +1 +sales +"
                           "2h30m +2h +-"));
}

TEST_F(AgreementRenderTest, AReportWithoutBreachesSaysSo) {
  api::AgreementReport r;
  r.set_agreement("agreements/x");
  EXPECT_THAT(RenderReport(r), HasSubstr("\nno breaches\n"));
  EXPECT_THAT(RenderReport(r), Not(HasSubstr("paused:")));
}

TEST_F(AgreementRenderTest, LedgerIsAMatrixOfWaitingTeamsAndTeamsWaitedOn) {
  api::WaitLedger l;
  *l.mutable_from() = At(kNov23);
  *l.mutable_to() = At(kNov23 + 86400);
  l.set_clocks(5);
  for (const char* team : {"teams/it", "teams/marketing", "teams/sales"}) {
    l.add_teams(team);
  }
  auto add = [&](const char* waiting, const char* on, int64_t minutes) {
    api::WaitEntry* e = l.add_entries();
    e->set_waiting(waiting);
    e->set_waited_on(on);
    *e->mutable_total() = Minutes(minutes);
  };
  add("teams/marketing", "teams/sales", 200);  // while MQL clocks ran
  add("teams/sales", "teams/marketing", 45);   // paused: missing data
  add("teams/marketing", "teams/sales", 60);   // another entry, summed
  const std::string text = RenderLedger(l);
  EXPECT_THAT(text, HasSubstr("2026-11-23 06:44 UTC to 2026-11-24 06:44 UTC "
                              "(5 clocks read)\n"));
  EXPECT_THAT(LineStarting(text, "WAITING"),
              MatchesRegex("WAITING \\\\ ON +it +marketing +sales +TOTAL"));
  // IT waited on nobody, and nobody on IT.
  EXPECT_THAT(LineStarting(text, "it "), MatchesRegex("it +- +- +- +-"));
  EXPECT_THAT(LineStarting(text, "marketing "),
              MatchesRegex("marketing +- +- +4h20m +4h20m"));
  EXPECT_THAT(LineStarting(text, "sales "),
              MatchesRegex("sales +- +45m +- +45m"));
}

TEST_F(AgreementRenderTest, AnEmptyLedgerSaysSo) {
  EXPECT_THAT(RenderLedger(api::WaitLedger()), HasSubstr("\nNobody waited.\n"));
}

TEST_F(AgreementRenderTest, LedgerWithoutEntriesListsItsTeams) {
  api::WaitLedger l;
  l.add_teams("teams/finance");
  EXPECT_THAT(LineStarting(RenderLedger(l), "finance "),
              MatchesRegex("finance +- +-"));
}

// ---- small parts

TEST(AgreementPartsTest, BusinessDurations) {
  auto of = [](int64_t seconds) {
    google::protobuf::Duration d;
    d.set_seconds(seconds);
    return BusinessDuration(d);
  };
  EXPECT_EQ(of(0), "0m");
  EXPECT_EQ(of(30), "30s");
  EXPECT_EQ(of(45 * 60), "45m");
  EXPECT_EQ(of(2 * 3600), "2h");
  EXPECT_EQ(of(5400), "1h30m");
  EXPECT_EQ(of(26 * 3600 + 60), "26h1m");
  EXPECT_EQ(of(-1800), "-30m");
}

}  // namespace
}  // namespace mops::cli

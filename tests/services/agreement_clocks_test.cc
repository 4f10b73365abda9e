// Clocks of the example agreements over the real server with a fake clock,
// on calendars/default (Monday to Friday, 09:00 to 17:00 UTC): an MQL
// answered after a pause charged to Marketing, a P0 lead that breaches and
// escalates, a clock across a weekend, martech access paused and resumed,
// a budget approval, and the report and ledger they make.
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/agreements_fixture.h"

namespace mops::testing {
namespace {

using services::FromProtoDuration;
using services::FromProtoTime;

constexpr char kSales[] = R"pb(
  title: "Marketing and Sales"
  parties {
    team: "teams/marketing"
    liaisons: [ "users/lea", "users/mem" ]
  }
  parties {
    team: "teams/sales"
    liaisons: [ "users/sam", "users/sue" ]
  }
  terms {
    id: "mql-response"
    title: "An MQL is accepted or rejected"
    provider: "teams/sales"
    customer: "teams/marketing"
    metric: RESPONSE
    target: "2bh"
    segments { name: "p0" filter: "priority = P0" target: "1bh" }
    start {
      event_type: "task.created"
      filter: "labels:mql AND team = \"teams/sales\""
    }
    pause {
      event_type: "task.state_changed"
      filter: "labels:mql AND state = BLOCKED"
      reason: "missing data"
      charged_to: "teams/marketing"
    }
    resume {
      event_type: "task.state_changed"
      filter: "labels:mql AND from = BLOCKED"
    }
    stop {
      event_type: "task.state_changed"
      filter: "labels:mql AND (state = IN_PROGRESS OR state = DONE OR state = CANCELLED)"
    }
    cancel { event_type: "task.deleted" filter: "labels:mql" }
    escalations { offset: "-30bm" notify_liaisons: true }
  }
)pb";

constexpr char kIt[] = R"pb(
  title: "Marketing and IT"
  parties {
    team: "teams/marketing"
    liaisons: [ "users/lea", "users/mem" ]
  }
  parties {
    team: "teams/it"
    liaisons: [ "users/ivan" ]
  }
  terms {
    id: "martech-access"
    title: "Martech access is granted"
    provider: "teams/it"
    customer: "teams/marketing"
    metric: RESOLUTION
    target: "3bd"
    counted_cycles: EVERY
    start { event_type: "task.created" filter: "labels:access-request" }
    start {
      event_type: "task.state_changed"
      filter: "labels:access-request AND from = DONE AND state = TODO"
    }
    pause {
      event_type: "task.state_changed"
      filter: "labels:access-request AND state = BLOCKED"
      reason: "waiting on requester"
    }
    resume {
      event_type: "task.state_changed"
      filter: "labels:access-request AND from = BLOCKED"
    }
    stop {
      event_type: "task.state_changed"
      filter: "labels:access-request AND state = DONE"
    }
  }
)pb";

constexpr char kFinance[] = R"pb(
  title: "Marketing and Finance"
  parties {
    team: "teams/marketing"
    liaisons: [ "users/lea", "users/mem" ]
  }
  parties {
    team: "teams/finance"
    liaisons: [ "users/fiona" ]
  }
  terms {
    id: "budget-approval"
    title: "Finance decides on a budget"
    provider: "teams/finance"
    customer: "teams/marketing"
    metric: RESPONSE
    target: "5bd"
    start {
      event_type: "approval.requested"
      filter: "groups.team:\"teams/finance\""
    }
    pause {
      event_type: "approval.decided"
      filter: "groups.team:\"teams/finance\" AND state = CHANGES_REQUESTED"
      reason: "changes requested"
      charged_to: "teams/marketing"
    }
    resume {
      event_type: "approval.resubmitted"
      filter: "groups.team:\"teams/finance\""
    }
    stop {
      event_type: "approval.completed"
      filter: "groups.team:\"teams/finance\""
    }
  }
)pb";

constexpr char kLegal[] = R"pb(
  title: "Marketing and Legal"
  parties {
    team: "teams/marketing"
    liaisons: [ "users/lea", "users/mem" ]
  }
  parties {
    team: "teams/legal"
    liaisons: [ "users/leg" ]
  }
  concerns { workflow_templates: "workflowTemplates/campaign" }
  terms {
    id: "legal-review"
    title: "Legal reviews a campaign"
    provider: "teams/legal"
    customer: "teams/marketing"
    metric: RESPONSE
    target: "2bd"
    start { event_type: "workflow.stage_entered" filter: "stage = legal" }
    stop { event_type: "workflow.stage_completed" filter: "stage = legal" }
    cancel { event_type: "workflow.cancelled" }
  }
)pb";

class AgreementClocksTest : public AgreementsTest {
 protected:
  void Use(const std::string& id, const char* text) {
    ASSERT_TRUE(Create(admin_token_, id, Parse(text)).ok());
    Activate(id);
  }

  v1::AgreementReport Report(const std::string& id, const std::string& from,
                             const std::string& to) {
    v1::GetAgreementReportRequest req;
    req.set_agreement("agreements/" + id);
    *req.mutable_from() = services::ToProtoTime(T(from));
    *req.mutable_to() = services::ToProtoTime(T(to));
    v1::AgreementReport r;
    grpc::Status s =
        Call(agreements_.get(), &AgStub::GetAgreementReport, member_, req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }

  // RecalculateClocks of the agreement as sam (a sales lead).
  v1::RecalculateClocksResponse Recalculate(const std::string& id) {
    v1::RecalculateClocksRequest req;
    req.set_agreement("agreements/" + id);
    v1::RecalculateClocksResponse resp;
    grpc::Status s =
        Call(agreements_.get(), &AgStub::RecalculateClocks, sam_, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }
};

absl::Duration D(const google::protobuf::Duration& d) {
  return FromProtoDuration(d);
}
absl::Time At(const google::protobuf::Timestamp& t) { return FromProtoTime(t); }

TEST_F(AgreementClocksTest,
       AnMqlAnsweredAfterMissingDataIsMetAndThePauseIsMarketings) {
  Use("ms", kSales);
  SetNow("2026-11-23T09:00:00Z");  // a Monday
  const v1::Task t = MakeTask("Lead ACME", "teams/sales", {"mql"});
  v1::Clock c = ClockOn("ms", t.name());
  EXPECT_EQ(c.current().state(), Cycle::RUNNING);
  EXPECT_EQ(c.current().segment(), "default");
  EXPECT_EQ(At(c.current().due_time()), T("2026-11-23T11:00:00Z"));
  EXPECT_EQ(c.provider(), "teams/sales");
  EXPECT_EQ(c.calendar(), "calendars/default");
  EXPECT_EQ(c.calendar_version(), 1);

  SetNow("2026-11-23T10:00:00Z");
  ASSERT_TRUE(Block(t.name(), "no company name").ok());
  c = ClockOn("ms", t.name());
  EXPECT_EQ(c.current().state(), Cycle::PAUSED);
  EXPECT_FALSE(c.current().has_due_time());
  ASSERT_EQ(c.current().pauses_size(), 1);
  EXPECT_EQ(c.current().pauses(0).charged_to(), "teams/marketing");
  EXPECT_EQ(c.current().pauses(0).reason(), "missing data");

  // Tuesday 10:00: the data came; Sales starts on it (stop beats resume).
  SetNow("2026-11-24T10:00:00Z");
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::StartTask, t.name()).ok());
  c = ClockOn("ms", t.name());
  EXPECT_EQ(c.current().state(), Cycle::MET);
  EXPECT_EQ(D(c.current().elapsed()), absl::Hours(1));
  EXPECT_EQ(At(c.current().pauses(0).end_time()), T("2026-11-24T10:00:00Z"));

  v1::AgreementReport r =
      Report("ms", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z");
  ASSERT_EQ(r.terms_size(), 1);
  EXPECT_EQ(r.terms(0).started(), 1);
  EXPECT_EQ(r.terms(0).met(), 1);
  EXPECT_EQ(r.terms(0).percent_met(), 100);
  EXPECT_EQ(D(r.terms(0).median_time_to_stop()), absl::Hours(1));
  ASSERT_EQ(r.terms(0).paused_size(), 1);
  // Monday 10:00-17:00 and Tuesday 09:00-10:00.
  EXPECT_EQ(D(r.terms(0).paused(0).business_time()), absl::Hours(8));
  EXPECT_EQ(r.terms(0).paused(0).charged_to(), "teams/marketing");

  v1::GetWaitLedgerRequest lreq;
  *lreq.mutable_from() = services::ToProtoTime(T("2026-11-23T00:00:00Z"));
  *lreq.mutable_to() = services::ToProtoTime(T("2026-11-30T00:00:00Z"));
  v1::WaitLedger ledger;
  ASSERT_TRUE(
      Call(agreements_.get(), &AgStub::GetWaitLedger, member_, lreq, &ledger)
          .ok());
  ASSERT_EQ(ledger.entries_size(), 2);
  // Sorted by (waiting, waited on): marketing waited on sales 1h running;
  // sales waited on marketing 8h paused.
  EXPECT_EQ(ledger.entries(0).waiting(), "teams/marketing");
  EXPECT_EQ(ledger.entries(0).waited_on(), "teams/sales");
  EXPECT_EQ(D(ledger.entries(0).running()), absl::Hours(1));
  EXPECT_EQ(ledger.entries(1).waiting(), "teams/sales");
  EXPECT_EQ(ledger.entries(1).waited_on(), "teams/marketing");
  EXPECT_EQ(D(ledger.entries(1).paused()), absl::Hours(8));
}

TEST_F(AgreementClocksTest, AP0LeadBreachesOnceEscalatesAndIsOwedBySales) {
  Use("ms", kSales);
  SetNow("2026-11-23T09:00:00Z");
  const v1::Task t =
      MakeTask("Demo request", "teams/sales", {"mql"}, v1::Task::P0);
  v1::Clock c = ClockOn("ms", t.name());
  EXPECT_EQ(c.current().segment(), "p0");
  EXPECT_EQ(D(c.current().target()), absl::Hours(1));

  // Half an hour in: the 50% warning and the -30bm step, naming liaisons.
  SetNow("2026-11-23T09:31:00Z");
  ASSERT_TRUE(WaitForEvent("agreement.clock_escalated", c.name()));
  v1::Event step = LastEvent("agreement.clock_escalated", c.name());
  EXPECT_EQ(step.agreement_clock_escalated().step(), 1);
  EXPECT_EQ(step.agreement_clock_escalated().notify_size(), 4);
  EXPECT_EQ(CountEvents("agreement.clock_warning", c.name()), 1);

  SetNow("2026-11-23T10:05:00Z");
  ASSERT_TRUE(WaitForEvent("agreement.clock_breached", c.name()));
  c = ClockOn("ms", t.name());
  EXPECT_EQ(c.current().state(), Cycle::BREACHED);
  EXPECT_TRUE(c.at_risk());
  EXPECT_EQ(c.current().breach().responsible(), "teams/sales");
  EXPECT_EQ(At(c.current().breach().time()), T("2026-11-23T10:00:00Z"));
  EXPECT_EQ(CountEvents("agreement.clock_warning", c.name()), 2);

  // Blocked after its breach: paused, and still counted as breached.
  SetNow("2026-11-23T10:10:00Z");
  ASSERT_TRUE(Block(t.name(), "no phone number").ok());
  EXPECT_EQ(ClockOn("ms", t.name()).current().state(), Cycle::PAUSED);
  v1::AgreementReport open =
      Report("ms", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");
  EXPECT_EQ(open.terms(0).breached(), 1);
  EXPECT_EQ(open.terms(0).running(), 0);

  SetNow("2026-11-23T10:30:00Z");
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::CancelTask, t.name()).ok());
  c = ClockOn("ms", t.name());
  EXPECT_EQ(c.current().state(), Cycle::BREACHED_STOPPED);
  // 09:00-10:10 ran; the pause from 10:10 to the stop does not count.
  EXPECT_EQ(D(c.current().elapsed()), absl::Minutes(70));
  EXPECT_EQ(CountEvents("agreement.clock_breached", c.name()), 1);
  EXPECT_EQ(CountEvents("agreement.clock_stopped", c.name()), 1);

  v1::AgreementReport r =
      Report("ms", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");
  EXPECT_EQ(r.terms(0).breached(), 1);
  EXPECT_EQ(r.terms(0).percent_met(), 0);
  ASSERT_EQ(r.breaches_size(), 1);
  EXPECT_EQ(r.breaches(0).subject(), t.name());
  EXPECT_EQ(D(r.breaches(0).elapsed()), absl::Minutes(70));
}

TEST_F(AgreementClocksTest, ALeadLateOnFridayIsDueMondayMorning) {
  Use("ms", kSales);
  SetNow("2026-11-27T16:30:00Z");  // a Friday
  const v1::Task t = MakeTask("Lead", "teams/sales", {"mql"});
  EXPECT_EQ(At(ClockOn("ms", t.name()).current().due_time()),
            T("2026-11-30T10:30:00Z"));
  // Over the weekend nothing runs.
  SetNow("2026-11-29T12:00:00Z");
  EXPECT_EQ(D(ClockOn("ms", t.name()).current().elapsed()), absl::Minutes(30));
  EXPECT_TRUE(Clocks("ms", "at_risk = true").empty());
}

TEST_F(AgreementClocksTest, MartechAccessPausedForTheRequesterMovesItsDue) {
  Use("mi", kIt);
  SetNow("2026-11-25T10:00:00Z");  // a Wednesday
  const v1::Task t = MakeTask("CRM access", "teams/it", {"access-request"});
  v1::Clock c = ClockOn("mi", t.name());
  // Three business days: Monday at the same time.
  EXPECT_EQ(At(c.current().due_time()), T("2026-11-30T10:00:00Z"));
  EXPECT_EQ(c.calendar(), "calendars/default");

  SetNow("2026-11-26T10:00:00Z");
  ASSERT_TRUE(Block(t.name(), "which account?").ok());
  EXPECT_EQ(ClockOn("mi", t.name()).current().pauses(0).charged_to(),
            "teams/marketing")
      << "by default the customer";
  SetNow("2026-11-27T10:00:00Z");
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::StartTask, t.name()).ok());
  c = ClockOn("mi", t.name());
  EXPECT_EQ(c.current().state(), Cycle::RUNNING);
  EXPECT_EQ(At(c.current().due_time()), T("2026-12-01T10:00:00Z"));

  SetNow("2026-12-01T09:00:00Z");
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::CompleteTask, t.name()).ok());
  c = ClockOn("mi", t.name());
  EXPECT_EQ(c.current().state(), Cycle::MET);
  EXPECT_EQ(D(c.current().elapsed()), absl::Hours(23));

  // Reopened: the next cycle of the same clock.
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::ReopenTask, t.name()).ok());
  c = ClockOn("mi", t.name());
  EXPECT_EQ(c.current().number(), 2);
  EXPECT_EQ(c.current().state(), Cycle::RUNNING);
  ASSERT_EQ(c.previous_cycles_size(), 1);
  EXPECT_EQ(c.previous_cycles(0).state(), Cycle::MET);
  EXPECT_EQ(Clocks("mi").size(), 1u);
  EXPECT_EQ(Report("mi", "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z")
                .terms(0)
                .started(),
            2);
}

TEST_F(AgreementClocksTest,
       ABudgetApprovalWaitsOnMarketingWhileChangesAreMade) {
  Use("mf", kFinance);
  SetNow("2026-11-23T09:00:00Z");
  v1::CreateApprovalRequest req;
  req.mutable_approval()->set_subject("projects/launch");
  req.mutable_approval()->set_title("Q1 media budget");
  req.mutable_approval()->add_groups()->set_team("teams/finance");
  v1::Approval a;
  ASSERT_TRUE(Call(approvals_.get(), &v1::ApprovalService::Stub::CreateApproval,
                   lead_, req, &a)
                  .ok());
  EXPECT_EQ(ClockOn("mf", a.name()).current().state(), Cycle::RUNNING);

  SetNow("2026-11-23T11:00:00Z");
  ASSERT_TRUE(Decide(finance_, a.name(), v1::Decision::REQUEST_CHANGES).ok());
  EXPECT_EQ(ClockOn("mf", a.name()).current().state(), Cycle::PAUSED);

  SetNow("2026-11-24T09:00:00Z");
  v1::ResubmitApprovalRequest again;
  again.set_name(a.name());
  ASSERT_TRUE(Call(approvals_.get(),
                   &v1::ApprovalService::Stub::ResubmitApproval, lead_, again,
                   &a)
                  .ok());
  EXPECT_EQ(ClockOn("mf", a.name()).current().state(), Cycle::RUNNING);

  SetNow("2026-11-24T12:00:00Z");
  ASSERT_TRUE(Decide(finance_, a.name(), v1::Decision::APPROVE).ok());
  const v1::Clock c = ClockOn("mf", a.name());
  EXPECT_EQ(c.current().state(), Cycle::MET);
  EXPECT_EQ(D(c.current().elapsed()), absl::Hours(5));
  EXPECT_EQ(c.previous_cycles_size(), 0) << "a new round is not a new cycle";
}

TEST_F(AgreementClocksTest, ACalendarChangeMovesClocksOnlyWhenRecalculated) {
  Use("ms", kSales);
  SetNow("2026-11-23T09:00:00Z");
  const v1::Task done = MakeTask("Lead 1", "teams/sales", {"mql"});
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::StartTask, done.name()).ok());
  const v1::Task open = MakeTask("Lead 2", "teams/sales", {"mql"});

  // The default calendar shrinks to 09:00-10:00.
  v1::UpdateCalendarRequest up;
  up.mutable_calendar()->set_name("calendars/default");
  for (int day = 1; day <= 5; ++day) {
    auto* h = up.mutable_calendar()->add_working_hours();
    h->set_weekday(day);
    h->set_start("09:00");
    h->set_end("10:00");
  }
  up.mutable_update_mask()->add_paths("working_hours");
  v1::Calendar cal;
  ASSERT_TRUE(Call(calendars_.get(), &v1::CalendarService::Stub::UpdateCalendar,
                   admin_token_, up, &cal)
                  .ok());
  ASSERT_EQ(cal.version(), 2);

  SetNow("2026-11-23T09:30:00Z");
  v1::Clock c = ClockOn("ms", open.name());
  EXPECT_EQ(c.calendar_version(), 1) << "never moved silently";
  EXPECT_EQ(At(c.current().due_time()), T("2026-11-23T11:00:00Z"));

  const v1::RecalculateClocksResponse resp = Recalculate("ms");
  EXPECT_EQ(resp.recalculated(), 1);
  EXPECT_EQ(resp.left_alone(), 1);
  c = ClockOn("ms", open.name());
  EXPECT_EQ(c.calendar_version(), 2);
  // 30 minutes ran; 90 more at an hour a day: Tuesday 10:00.
  EXPECT_EQ(At(c.current().due_time()), T("2026-11-24T10:00:00Z"));
  ASSERT_EQ(c.recalculations_size(), 1);
  EXPECT_EQ(c.recalculations(0).from_calendar_version(), 1);
  EXPECT_EQ(c.recalculations(0).to_calendar_version(), 2);
  const v1::Event e =
      LastEvent("agreement.clocks_recalculated", "agreements/ms");
  EXPECT_EQ(e.agreement_clocks_recalculated().from_calendar_version(), 1);
  EXPECT_EQ(e.agreement_clocks_recalculated().to_calendar_version(), 2);
  EXPECT_EQ(ClockOn("ms", done.name()).calendar_version(), 1);
}

TEST_F(AgreementClocksTest, ALegalReviewStageIsMeasuredAndItsLiaisonsDecide) {
  PublishTemplate("campaign", Template());
  Use("ml", kLegal);
  SetNow("2026-11-23T09:00:00Z");
  const std::map<std::string, std::string> vars = {
      {"campaign", "Spring"},
      {"budget", "40000 EUR"},
      {"launch_date", "2027-03-01"},
      {"designer", "users/des"}};
  v1::Workflow w;
  ASSERT_TRUE(Start(member_, "workflowTemplates/campaign", vars, &w).ok());
  CompleteStage(w.name(), "brief", member_);
  CompleteStage(w.name(), "creative", designer_);
  const std::string stage = w.name() + "/stages/legal";
  v1::Clock c = ClockOn("ml", stage);
  EXPECT_EQ(c.current().state(), Cycle::RUNNING);
  // Two business days of working time from Monday 09:00 run out at the
  // close of Tuesday (the same business time as Wednesday 09:00).
  EXPECT_EQ(At(c.current().due_time()), T("2026-11-24T17:00:00Z"));

  // The stage's approval concerns the agreement: its liaisons join (not
  // mem, who asked, nor leg, who decides for legal already).
  const v1::Approval a = Approval(Stage(Run(w.name()), "legal").approval());
  ASSERT_EQ(a.groups_size(), 2);
  EXPECT_EQ(a.groups(1).agreement(), "agreements/ml");
  ASSERT_EQ(a.groups(1).eligible_size(), 1);
  EXPECT_EQ(a.groups(1).eligible(0), "users/lea");

  SetNow("2026-11-24T09:00:00Z");
  ASSERT_TRUE(Decide(legal_, a.name(), v1::Decision::APPROVE).ok());
  EXPECT_EQ(ClockOn("ml", stage).current().state(), Cycle::RUNNING);
  ASSERT_TRUE(Decide(lead_, a.name(), v1::Decision::APPROVE).ok());
  c = ClockOn("ml", stage);
  EXPECT_EQ(c.current().state(), Cycle::MET);
  EXPECT_EQ(D(c.current().elapsed()), absl::Hours(8));

  // A run cancelled in legal review cancels its clock.
  v1::Workflow w2;
  ASSERT_TRUE(Start(member_, "workflowTemplates/campaign", vars, &w2).ok());
  CompleteStage(w2.name(), "brief", member_);
  CompleteStage(w2.name(), "creative", designer_);
  v1::CancelWorkflowRequest cancel;
  cancel.set_name(w2.name());
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::CancelWorkflow, member_, cancel, &w2)
          .ok());
  EXPECT_EQ(ClockOn("ml", w2.name() + "/stages/legal").current().state(),
            Cycle::CANCELLED);
}

TEST_F(AgreementClocksTest, ClocksOfAnOlderVersionMoveOnItsConditions) {
  Use("ms", kSales);
  SetNow("2026-11-23T09:00:00Z");
  const v1::Task old = MakeTask("Lead 1", "teams/sales", {"mql"});
  // Version 2 stops only on DONE: a started MQL is not answered any more.
  v1::Agreement v2 = Parse(kSales);
  v2.mutable_terms(0)->mutable_stop(0)->set_filter(
      "labels:mql AND state = DONE");
  ASSERT_TRUE(Update(admin_token_, "ms", v2).ok());
  Activate("ms");
  const v1::Task fresh = MakeTask("Lead 2", "teams/sales", {"mql"});
  EXPECT_EQ(ClockOn("ms", old.name()).agreement_version(), 1);
  EXPECT_EQ(ClockOn("ms", fresh.name()).agreement_version(), 2);

  SetNow("2026-11-23T09:30:00Z");
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::StartTask, old.name()).ok());
  ASSERT_TRUE(TaskAction(&v1::TaskService::Stub::StartTask, fresh.name()).ok());
  EXPECT_EQ(ClockOn("ms", old.name()).current().state(), Cycle::MET)
      << "version 1 stops on IN_PROGRESS";
  EXPECT_EQ(ClockOn("ms", fresh.name()).current().state(), Cycle::RUNNING);

  // Recalculated, the open clocks count on version 2.
  const v1::RecalculateClocksResponse resp = Recalculate("ms");
  EXPECT_EQ(resp.recalculated(), 1);
  EXPECT_EQ(resp.left_alone(), 1);
}

constexpr char kParallel[] = R"pb(
  team: "teams/marketing"
  variables { name: "campaign" type: STRING required: true }
  stages {
    id: "copy"
    task { tasks { title: "Copy" team: "project.team" } }
  }
  stages {
    id: "design"
    task { tasks { title: "Design" team: "project.team" } }
  }
  stages {
    id: "done"
    after: [ "copy", "design" ]
    end {}
  }
)pb";

TEST_F(AgreementClocksTest, AStageCompletedStopsItsOwnClockOnly) {
  PublishTemplate("parallel", Template(kParallel));
  v1::Agreement a = Parse(kLegal);
  a.clear_concerns();
  v1::AgreementTerm* t = a.mutable_terms(0);
  t->mutable_start(0)->set_filter("");
  t->mutable_stop(0)->set_filter("");
  ASSERT_TRUE(Create(admin_token_, "stages", a).ok());
  Activate("stages");
  v1::Workflow w;
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/parallel", {{"campaign", "Spring"}}, &w)
          .ok());
  ASSERT_EQ(Clocks("stages").size(), 2u);
  CompleteStage(w.name(), "copy", member_);
  EXPECT_EQ(ClockOn("stages", w.name() + "/stages/copy").current().state(),
            Cycle::MET);
  EXPECT_EQ(ClockOn("stages", w.name() + "/stages/design").current().state(),
            Cycle::RUNNING);
}

}  // namespace
}  // namespace mops::testing

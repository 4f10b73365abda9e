// Workflow runs through the real server with a fake clock: a campaign
// launch from brief to launch, reworks, conditions, deadlines, suspension,
// cancellation and migration.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/workflow_runs_fixture.h"

namespace mops::testing {
namespace {

using services::FromProtoTime;

const std::map<std::string, std::string> kSmallBudget = {
    {"campaign", "Spring"},
    {"budget", "40000 EUR"},
    {"launch_date", "2027-03-01"},
    {"designer", "users/des"}};

TEST_F(WorkflowRunsTest, CampaignWithTwoReworkRoundsAndASkippedFinanceStage) {
  PublishTemplate("campaign", Template());
  v1::Workflow w;
  grpc::Status s =
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(w.state(), v1::Workflow::RUNNING);
  EXPECT_EQ(w.template_version(), 1);
  EXPECT_EQ(w.variables().at("budget"), "40000.00 EUR");
  // The answer lists the first stage's task, made in the same commit.
  ASSERT_EQ(Stage(w, "brief").state(), StageState::ACTIVE);
  ASSERT_EQ(Stage(w, "brief").tasks_size(), 1);
  v1::Task brief = Task(Stage(w, "brief").tasks(0));
  EXPECT_EQ(brief.title(), "Brief: Spring");
  EXPECT_EQ(brief.assignee(), "users/mem");
  EXPECT_EQ(brief.workflow(), w.name());
  EXPECT_EQ(brief.workflow_stage(), "brief");

  CompleteStage(w.name(), "brief", member_);
  w = Run(w.name());
  EXPECT_EQ(Stage(w, "brief").state(), StageState::DONE);
  ASSERT_EQ(Stage(w, "creative").state(), StageState::ACTIVE);
  EXPECT_EQ(Task(Stage(w, "creative").tasks(0)).assignee(), "users/des");

  for (int round = 1; round <= 3; ++round) {
    CompleteStage(w.name(), "creative", designer_);
    w = Run(w.name());
    const StageState& legal = Stage(w, "legal");
    ASSERT_EQ(legal.state(), StageState::ACTIVE) << round;
    EXPECT_EQ(legal.round(), round);
    v1::Approval a = Approval(legal.approval());
    EXPECT_EQ(a.state(), v1::Approval::PENDING);
    EXPECT_EQ(a.round(), round);
    EXPECT_EQ(a.workflow(), w.name());
    EXPECT_EQ(a.requester(), "users/mem");
    EXPECT_EQ(a.subject(), "https://example.com/a");
    if (round < 3) {
      ASSERT_TRUE(Decide(legal_, a.name(), v1::Decision::REQUEST_CHANGES).ok());
      w = Run(w.name());
      const StageState& creative = Stage(w, "creative");
      EXPECT_EQ(creative.state(), StageState::ACTIVE);
      EXPECT_EQ(creative.round(), round + 1);
      EXPECT_EQ(creative.rework_for(), "legal");
      EXPECT_EQ(creative.tasks_size(), 1);
    }
  }
  const std::string approval = Stage(w, "legal").approval();
  ASSERT_TRUE(Decide(legal_, approval, v1::Decision::APPROVE).ok());
  w = Run(w.name());
  EXPECT_EQ(Stage(w, "legal").state(), StageState::DONE);
  EXPECT_EQ(Stage(w, "budget_check").outcome(), "false: budget=40000.00 EUR");
  EXPECT_EQ(Stage(w, "finance").state(), StageState::SKIPPED);
  EXPECT_EQ(Stage(w, "finance").outcome(), "skipped: budget=40000.00 EUR");
  ASSERT_EQ(Stage(w, "launch").state(), StageState::ACTIVE);
  EXPECT_EQ(Task(Stage(w, "launch").tasks(0)).team(), "teams/marketing");

  CompleteStage(w.name(), "launch", member_);
  w = Run(w.name());
  EXPECT_EQ(w.state(), v1::Workflow::COMPLETED);
  EXPECT_TRUE(w.has_end_time());
  EXPECT_EQ(CountHistory(w, History::REWORKED), 2);
  EXPECT_EQ(CountEvents("workflow.reworked", w.name()), 2);
  EXPECT_EQ(CountEvents("workflow.completed", w.name()), 1);
  EXPECT_EQ(CountEvents("workflow.stage_skipped", w.name()), 1);
  // The condition's values are in the history.
  bool saw_values = false;
  for (const History& h : w.history()) {
    if (h.stage() == "budget_check" && h.values().count("budget")) {
      saw_values = h.values().at("budget") == "40000.00 EUR";
    }
  }
  EXPECT_TRUE(saw_values);
}

TEST_F(WorkflowRunsTest, FinanceSignsOffALargeBudget) {
  PublishTemplate("campaign", Template());
  auto vars = kSmallBudget;
  vars["budget"] = "60000 EUR";
  v1::Workflow w;
  ASSERT_TRUE(Start(member_, "workflowTemplates/campaign", vars, &w).ok());
  CompleteStage(w.name(), "brief", member_);
  CompleteStage(w.name(), "creative", designer_);
  ASSERT_TRUE(Decide(legal_, Stage(Run(w.name()), "legal").approval(),
                     v1::Decision::APPROVE)
                  .ok());
  w = Run(w.name());
  EXPECT_EQ(Stage(w, "budget_check").outcome(), "true: budget=60000.00 EUR");
  ASSERT_EQ(Stage(w, "finance").state(), StageState::ACTIVE);
  EXPECT_EQ(Stage(w, "launch").state(), StageState::PENDING);
  ASSERT_TRUE(
      Decide(finance_, Stage(w, "finance").approval(), v1::Decision::APPROVE)
          .ok());
  w = Run(w.name());
  EXPECT_EQ(Stage(w, "finance").state(), StageState::DONE);
  EXPECT_EQ(Stage(w, "launch").state(), StageState::ACTIVE);
}

TEST_F(WorkflowRunsTest, ARejectionWithoutAPathFailsTheRun) {
  PublishTemplate("campaign", Template());
  v1::Workflow w;
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w).ok());
  CompleteStage(w.name(), "brief", member_);
  CompleteStage(w.name(), "creative", designer_);
  ASSERT_TRUE(Decide(legal_, Stage(Run(w.name()), "legal").approval(),
                     v1::Decision::REJECT)
                  .ok());
  w = Run(w.name());
  EXPECT_EQ(w.state(), v1::Workflow::FAILED);
  EXPECT_EQ(Stage(w, "legal").state(), StageState::FAILED);
  EXPECT_TRUE(absl::StrContains(w.failure_reason(), "rejected"))
      << w.failure_reason();
  EXPECT_EQ(CountEvents("workflow.failed", w.name()), 1);
}

TEST_F(WorkflowRunsTest, AStageDeadlineCountsBusinessTimeAcrossAWeekend) {
  PublishTemplate("campaign", Template());
  // Thursday 2026-11-19 10:00 UTC (the default calendar: Mon-Fri 9-17 UTC).
  clock_.Advance(T("2026-11-19T10:00:00Z") - clock_.Now());
  v1::Workflow w;
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w).ok());
  CompleteStage(w.name(), "brief", member_);
  w = Run(w.name());
  // 3 business days from Thursday 10:00: Friday, Monday, Tuesday.
  EXPECT_EQ(FromProtoTime(Stage(w, "creative").due_time()),
            T("2026-11-24T10:00:00Z"));
  EXPECT_EQ(Task(Stage(w, "creative").tasks(0)).due_time().seconds(),
            absl::ToUnixSeconds(T("2026-11-24T10:00:00Z")));
  clock_.Advance(T("2026-11-23T16:00:00Z") - clock_.Now());  // Monday
  Settle();
  EXPECT_FALSE(Stage(Run(w.name()), "creative").overdue());
  clock_.Advance(T("2026-11-24T10:00:01Z") - clock_.Now());
  ASSERT_TRUE(WaitForEvent("workflow.stage_overdue", w.name()));
  w = Run(w.name());
  EXPECT_TRUE(Stage(w, "creative").overdue());
  EXPECT_EQ(CountHistory(w, History::STAGE_OVERDUE), 1);
  clock_.Advance(absl::Hours(30));
  Settle();
  EXPECT_EQ(CountEvents("workflow.stage_overdue", w.name()), 1);
}

TEST_F(WorkflowRunsTest, ASuspendedRunStopsItsClocksAndResumeMovesThem) {
  PublishTemplate("campaign", Template());
  clock_.Advance(T("2026-11-19T10:00:00Z") - clock_.Now());  // Thursday
  v1::Workflow w;
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w).ok());
  CompleteStage(w.name(), "brief", member_);
  // Suspended on Friday 10:00 with 2 business days left (Mon, Tue 10:00).
  clock_.Advance(T("2026-11-20T10:00:00Z") - clock_.Now());
  v1::SuspendWorkflowRequest suspend;
  suspend.set_name(w.name());
  suspend.set_reason("budget freeze");
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::SuspendWorkflow, member_, suspend, &w)
          .ok());
  EXPECT_EQ(w.state(), v1::Workflow::SUSPENDED);
  // Past the old deadline: no overdue while suspended.
  clock_.Advance(T("2026-11-25T10:00:00Z") - clock_.Now());  // Wednesday
  Settle();
  EXPECT_EQ(CountEvents("workflow.stage_overdue", w.name()), 0);
  // Work done meanwhile is recorded; the run moves on when resumed.
  CompleteStage(w.name(), "creative", designer_);
  w = Run(w.name());
  EXPECT_EQ(Stage(w, "creative").state(), StageState::DONE);
  EXPECT_EQ(Stage(w, "legal").state(), StageState::PENDING);
  v1::ResumeWorkflowRequest resume;
  resume.set_name(w.name());
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::ResumeWorkflow, member_, resume, &w)
          .ok());
  EXPECT_EQ(w.state(), v1::Workflow::RUNNING);
  EXPECT_EQ(Stage(w, "legal").state(), StageState::ACTIVE);
  // Legal's 2 business days count from the resume: Friday 10:00.
  EXPECT_EQ(FromProtoTime(Stage(w, "legal").due_time()),
            T("2026-11-27T10:00:00Z"));
  EXPECT_EQ(CountHistory(w, History::SUSPENDED), 1);
  EXPECT_EQ(CountHistory(w, History::RESUMED), 1);
}

TEST_F(WorkflowRunsTest, ResumeMovesAnOpenDeadlineByTheSuspendedBusinessTime) {
  PublishTemplate("campaign", Template());
  clock_.Advance(T("2026-11-19T10:00:00Z") - clock_.Now());  // Thursday
  v1::Workflow w;
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w).ok());
  CompleteStage(w.name(), "brief", member_);  // creative due Tue 10:00
  clock_.Advance(T("2026-11-20T10:00:00Z") - clock_.Now());  // Friday
  v1::SuspendWorkflowRequest suspend;
  suspend.set_name(w.name());
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::SuspendWorkflow, member_, suspend, &w)
          .ok());
  clock_.Advance(T("2026-11-24T10:00:00Z") - clock_.Now());  // Tuesday
  v1::ResumeWorkflowRequest resume;
  resume.set_name(w.name());
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::ResumeWorkflow, member_, resume, &w)
          .ok());
  // 2 business days were left: Wednesday, Thursday 10:00.
  EXPECT_EQ(FromProtoTime(Stage(w, "creative").due_time()),
            T("2026-11-26T10:00:00Z"));
  Settle();
  EXPECT_EQ(CountEvents("workflow.stage_overdue", w.name()), 0);
}

TEST_F(WorkflowRunsTest, CancelCancelsTheOpenTasksAndApprovalsItMade) {
  PublishTemplate("campaign", Template());
  v1::Workflow w;
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w).ok());
  CompleteStage(w.name(), "brief", member_);
  CompleteStage(w.name(), "creative", designer_);
  const std::string approval = Stage(Run(w.name()), "legal").approval();
  v1::CancelWorkflowRequest cancel;
  cancel.set_name(w.name());
  cancel.set_reason("campaign dropped");
  EXPECT_EQ(
      Call(workflows_.get(), &WfStub::CancelWorkflow, outsider_, cancel, &w)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::CancelWorkflow, member_, cancel, &w)
          .ok());
  EXPECT_EQ(w.state(), v1::Workflow::CANCELLED);
  EXPECT_EQ(Stage(w, "legal").state(), StageState::CANCELLED);
  EXPECT_EQ(Approval(approval).state(), v1::Approval::CANCELLED);
  EXPECT_EQ(Call(workflows_.get(), &WfStub::CancelWorkflow, member_, cancel, &w)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(WorkflowRunsTest, CancelCancelsOpenTasks) {
  PublishTemplate("campaign", Template());
  v1::Workflow w;
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w).ok());
  const std::string task = Stage(w, "brief").tasks(0);
  v1::CancelWorkflowRequest cancel;
  cancel.set_name(w.name());
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::CancelWorkflow, member_, cancel, &w)
          .ok());
  EXPECT_EQ(Task(task).state(), v1::Task::CANCELLED);
}

TEST_F(WorkflowRunsTest, StartChecksWhoVariablesAndVersions) {
  PublishTemplate("campaign", Template());
  v1::Workflow w;
  grpc::Status s =
      Start(outsider_, "workflowTemplates/campaign", kSmallBudget, &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto vars = kSmallBudget;
  vars["budget"] = "lots";
  s = Start(member_, "workflowTemplates/campaign", vars, &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "variables[budget]"))
      << s.error_message();
  vars = kSmallBudget;
  vars.erase("campaign");
  s = Start(member_, "workflowTemplates/campaign", vars, &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "campaign"))
      << s.error_message();
  s = Start(member_, "workflowTemplates/nope", kSmallBudget, &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::DeprecateWorkflowTemplateVersionRequest dep;
  dep.set_name("workflowTemplates/campaign/versions/1");
  v1::WorkflowTemplateVersion v;
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::DeprecateWorkflowTemplateVersion,
                   lead_, dep, &v)
                  .ok());
  s = Start(member_, "workflowTemplates/campaign", kSmallBudget, &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Nothing was made by the refused starts.
  v1::ListWorkflowsRequest list;
  v1::ListWorkflowsResponse all;
  ASSERT_TRUE(
      Call(workflows_.get(), &WfStub::ListWorkflows, member_, list, &all).ok());
  EXPECT_EQ(all.workflows_size(), 0);
}

TEST_F(WorkflowRunsTest, PeopleAreCheckedAtStartAndLeftOutWhenTheyLeaveLater) {
  PublishTemplate("campaign", Template());
  auto vars = kSmallBudget;
  vars["designer"] = "users/nobody";
  v1::Workflow w;
  grpc::Status s = Start(member_, "workflowTemplates/campaign", vars, &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "variables[designer]"))
      << s.error_message();

  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", kSmallBudget, &w).ok());
  v1::DeactivateUserRequest off;
  off.set_name("users/des");
  v1::User u;
  ASSERT_TRUE(Call(identity_.get(), &v1::IdentityService::Stub::DeactivateUser,
                   admin_token_, off, &u)
                  .ok());
  // Completing the brief still works; the creative task is unassigned.
  CompleteStage(w.name(), "brief", member_);
  w = Run(w.name());
  ASSERT_EQ(Stage(w, "creative").state(), StageState::ACTIVE);
  EXPECT_EQ(Task(Stage(w, "creative").tasks(0)).assignee(), "");
  bool noted = false;
  for (const History& h : w.history()) {
    noted = noted || (h.stage() == "creative" &&
                      absl::StrContains(h.outcome(), "users/des is gone"));
  }
  EXPECT_TRUE(noted);
}

TEST_F(WorkflowRunsTest, ListFiltersOnStateStageAndRisk) {
  PublishTemplate("campaign", Template());
  v1::Workflow soon, later;
  auto vars = kSmallBudget;
  vars["launch_date"] = "2026-11-19";  // tomorrow: cannot make it
  ASSERT_TRUE(
      Start(member_, "workflowTemplates/campaign", vars, &soon, "soon").ok());
  ASSERT_TRUE(Start(member_, "workflowTemplates/campaign", kSmallBudget, &later,
                    "later")
                  .ok());
  CompleteStage(later.name(), "brief", member_);
  auto names = [&](const std::string& filter) {
    v1::ListWorkflowsRequest req;
    req.set_filter(filter);
    v1::ListWorkflowsResponse resp;
    grpc::Status s =
        Call(workflows_.get(), &WfStub::ListWorkflows, member_, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> out;
    for (const v1::Workflow& w : resp.workflows()) {
      EXPECT_EQ(w.history_size(), 0);
      out.push_back(w.name());
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("at_risk = true"), V{"workflows/soon"});
  EXPECT_EQ(names("at_risk = false"), V{"workflows/later"});
  EXPECT_EQ(names("stage = creative"), V{"workflows/later"});
  EXPECT_EQ(names("state = RUNNING AND project = launch").size(), 2u);
  EXPECT_EQ(names("template = campaign").size(), 2u);
  v1::Workflow got = Run("workflows/soon");
  EXPECT_TRUE(got.at_risk());
  EXPECT_TRUE(got.has_projected_end_time());
  EXPECT_GT(got.history_size(), 0);
  v1::ListWorkflowsRequest bad;
  bad.set_filter("colour = red");
  v1::ListWorkflowsResponse resp;
  EXPECT_EQ(Call(workflows_.get(), &WfStub::ListWorkflows, member_, bad, &resp)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace mops::testing

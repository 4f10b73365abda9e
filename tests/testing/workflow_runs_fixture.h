// Workflow runs over the real server with a fake clock: the template
// fixture plus a project, legal and finance people, a designer, and
// helpers to start runs, complete their tasks and decide their approvals.
#ifndef MOPS_TESTS_TESTING_WORKFLOW_RUNS_FIXTURE_H_
#define MOPS_TESTS_TESTING_WORKFLOW_RUNS_FIXTURE_H_

#include <map>
#include <string>
#include <vector>

#include "mops/v1/approvals.grpc.pb.h"
#include "tests/testing/approvals_fixture.h"
#include "tests/testing/workflows_fixture.h"

namespace mops::testing {

using History = v1::WorkflowHistoryEntry;
using StageState = v1::WorkflowStageState;

class WorkflowRunsTest : public WorkflowsTest {
 protected:
  void SetUp() override {
    WorkflowsTest::SetUp();
    designer_ = CreateUserWithToken("des");
    legal_ = CreateUserWithToken("leg");
    finance_ = CreateUserWithToken("fin");
    AddMember("marketing", "des", v1::Membership::MEMBER);
    AddMember("legal", "leg", v1::Membership::MEMBER);
    // finance is one of a new folder's teams.
    AddMember("finance", "fin", v1::Membership::MEMBER);
    v1::CreateProjectRequest project;
    project.set_project_id("launch");
    project.mutable_project()->set_title("Spring launch");
    project.mutable_project()->set_team("teams/marketing");
    project.mutable_project()->set_owner("users/lea");
    v1::Project pr;
    grpc::Status s =
        Call(projects_.get(), &v1::ProjectService::Stub::CreateProject,
             admin_token_, project, &pr);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Creates and publishes template `id` (kCampaign by default).
  void PublishTemplate(const std::string& id, const v1::WorkflowTemplate& t) {
    grpc::Status s = CreateTemplate(lead_, id, t);
    ASSERT_TRUE(s.ok()) << s.error_message();
    s = WorkflowsTest::Publish(lead_, id);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status Start(const std::string& token, const std::string& tmpl,
                     std::map<std::string, std::string> vars, v1::Workflow* out,
                     const std::string& id = "") {
    v1::StartWorkflowRequest req;
    req.set_workflow_id(id);
    req.set_template_(tmpl);
    req.set_project("projects/launch");
    for (auto& [k, v] : vars) (*req.mutable_variables())[k] = v;
    return Call(workflows_.get(), &WfStub::StartWorkflow, token, req, out);
  }

  v1::Workflow Run(const std::string& name) {
    v1::GetWorkflowRequest req;
    req.set_name(name);
    v1::Workflow w;
    grpc::Status s =
        Call(workflows_.get(), &WfStub::GetWorkflow, member_, req, &w);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return w;
  }

  static const StageState& Stage(const v1::Workflow& w, const std::string& id) {
    for (const StageState& s : w.stages()) {
      if (s.id() == id) return s;
    }
    ADD_FAILURE() << "no stage " << id;
    static const StageState none;
    return none;
  }

  // Completes every open task of the stage as `token`.
  void CompleteStage(const std::string& run, const std::string& stage,
                     const std::string& token = "") {
    const StageState s = Stage(Run(run), stage);
    ASSERT_EQ(s.state(), StageState::ACTIVE) << stage;
    ASSERT_FALSE(s.tasks().empty()) << stage;
    for (const std::string& task : s.tasks()) {
      v1::TaskActionRequest req;
      req.set_name(task);
      v1::Task t;
      grpc::Status st = Call(tasks_.get(), &v1::TaskService::Stub::CompleteTask,
                             token.empty() ? admin_token_ : token, req, &t);
      ASSERT_TRUE(st.ok()) << task << ": " << st.error_message();
    }
  }

  grpc::Status Decide(const std::string& token, const std::string& approval,
                      v1::Decision::Outcome outcome) {
    v1::DecideApprovalRequest req;
    req.set_name(approval);
    req.set_outcome(outcome);
    if (outcome != v1::Decision::APPROVE) req.set_comment("see notes");
    v1::Approval a;
    return Call(approvals_.get(), &v1::ApprovalService::Stub::DecideApproval,
                token, req, &a);
  }

  v1::Approval Approval(const std::string& name) {
    v1::GetApprovalRequest req;
    req.set_name(name);
    v1::Approval a;
    EXPECT_TRUE(Call(approvals_.get(), &v1::ApprovalService::Stub::GetApproval,
                     admin_token_, req, &a)
                    .ok());
    return a;
  }

  v1::Task Task(const std::string& name) {
    v1::GetTaskRequest req;
    req.set_name(name);
    v1::Task t;
    EXPECT_TRUE(Call(tasks_.get(), &v1::TaskService::Stub::GetTask,
                     admin_token_, req, &t)
                    .ok());
    return t;
  }

  int CountHistory(const v1::Workflow& w, History::Kind kind) {
    int n = 0;
    for (const History& h : w.history()) n += h.kind() == kind;
    return n;
  }

  // Runs due timers until an event of `type` about `subject` shows up.
  bool WaitForEvent(const std::string& type, const std::string& subject) {
    for (int i = 0; i < 300; ++i) {
      server_->engine()->WakeTimers();
      if (CountEvents(type, subject) > 0) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }
  void Settle() {
    server_->engine()->WakeTimers();
    absl::SleepFor(absl::Milliseconds(200));
  }

  std::string designer_, legal_, finance_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_WORKFLOW_RUNS_FIXTURE_H_

// Moving a running campaign to a newer version of its template.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/workflow_runs_fixture.h"

namespace mops::testing {
namespace {

const std::map<std::string, std::string> kVars = {{"campaign", "Spring"},
                                                  {"budget", "40000 EUR"},
                                                  {"launch_date", "2027-03-01"},
                                                  {"designer", "users/des"}};

v1::WorkflowStage* Find(v1::WorkflowTemplate* t, const std::string& id) {
  for (v1::WorkflowStage& s : *t->mutable_stages()) {
    if (s.id() == id) return &s;
  }
  return nullptr;
}

class WorkflowMigrationTest : public WorkflowRunsTest {
 protected:
  // Replaces the draft with `t` and publishes the next version.
  void PublishNext(const v1::WorkflowTemplate& t) {
    v1::UpdateWorkflowTemplateRequest edit;
    *edit.mutable_workflow_template() = t;
    edit.mutable_workflow_template()->set_name("workflowTemplates/campaign");
    edit.mutable_update_mask()->add_paths("stages");
    v1::WorkflowTemplate out;
    grpc::Status s = Call(workflows_.get(), &WfStub::UpdateWorkflowTemplate,
                          lead_, edit, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    s = WorkflowsTest::Publish(lead_, "campaign");
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status Migrate(const std::string& run, int64_t version,
                       std::map<std::string, std::string> mapping,
                       v1::Workflow* out,
                       v1::MigrateWorkflowRequest::Deadlines deadlines =
                           v1::MigrateWorkflowRequest::KEEP) {
    v1::MigrateWorkflowRequest req;
    req.set_name(run);
    req.set_target_version(version);
    for (auto& [k, v] : mapping) (*req.mutable_stage_mapping())[k] = v;
    req.set_deadlines(deadlines);
    return Call(workflows_.get(), &WfStub::MigrateWorkflow, member_, req, out);
  }
};

TEST_F(WorkflowMigrationTest, ARunMovesToANewVersionKeepingWhatWasDecided) {
  PublishTemplate("campaign", Template());
  v1::Workflow w;
  ASSERT_TRUE(Start(member_, "workflowTemplates/campaign", kVars, &w).ok());
  CompleteStage(w.name(), "brief", member_);
  w = Run(w.name());
  const StageState creative = Stage(w, "creative");
  ASSERT_EQ(creative.state(), StageState::ACTIVE);

  // Version 2: legal is renamed, and a copy-edit stage comes before
  // creative (which this run has passed).
  v1::WorkflowTemplate v2 = Template();
  Find(&v2, "legal")->set_id("legal_review");
  Find(&v2, "budget_check")->set_after(0, "legal_review");
  v1::WorkflowStage copy;
  copy.set_id("copy");
  copy.add_after("brief");
  copy.mutable_task()->add_tasks()->set_title("Copy for {{campaign}}");
  *v2.add_stages() = copy;
  Find(&v2, "creative")->set_after(0, "copy");
  PublishNext(v2);

  grpc::Status s = Migrate(w.name(), 2, {{"legal", "legal_review"}}, &w);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(w.template_version(), 2);
  EXPECT_EQ(Stage(w, "brief").state(), StageState::DONE);
  // The active stage keeps its task, round and deadline.
  EXPECT_EQ(Stage(w, "creative").state(), StageState::ACTIVE);
  EXPECT_EQ(Stage(w, "creative").tasks(0), creative.tasks(0));
  EXPECT_EQ(Stage(w, "creative").due_time().seconds(),
            creative.due_time().seconds());
  EXPECT_EQ(Stage(w, "copy").state(), StageState::SKIPPED);
  EXPECT_EQ(CountEvents("workflow.migrated", w.name()), 1);

  // The run goes on on version 2.
  CompleteStage(w.name(), "creative", designer_);
  w = Run(w.name());
  ASSERT_EQ(Stage(w, "legal_review").state(), StageState::ACTIVE);
  EXPECT_FALSE(Stage(w, "legal_review").approval().empty());
  // A second run started now runs version 2 from the start.
  v1::Workflow fresh;
  ASSERT_TRUE(Start(member_, "workflowTemplates/campaign", kVars, &fresh).ok());
  EXPECT_EQ(fresh.template_version(), 2);
}

TEST_F(WorkflowMigrationTest,
       RefusedNamingTheStageWhenAnActiveStageHasNoPlace) {
  PublishTemplate("campaign", Template());
  v1::Workflow w;
  ASSERT_TRUE(Start(member_, "workflowTemplates/campaign", kVars, &w).ok());
  CompleteStage(w.name(), "brief", member_);  // creative is active
  v1::WorkflowTemplate v2 = Template();
  Find(&v2, "creative")->set_id("design");
  Find(&v2, "legal")->set_after(0, "design");
  Find(&v2, "legal")->mutable_approval()->set_on_changes_requested("design");
  PublishNext(v2);

  v1::Workflow out;
  grpc::Status s = Migrate(w.name(), 2, {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "stages[creative]"))
      << s.error_message();
  s = Migrate(w.name(), 2, {{"creative", "legal"}}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "stage_mapping[creative]"))
      << s.error_message();
  s = Migrate(w.name(), 2, {{"creative", "nope"}}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = Migrate(w.name(), 1, {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Nothing moved.
  EXPECT_EQ(Run(w.name()).template_version(), 1);

  ASSERT_TRUE(Migrate(w.name(), 2, {{"creative", "design"}}, &out,
                      v1::MigrateWorkflowRequest::RESTART)
                  .ok());
  EXPECT_EQ(Stage(out, "design").state(), StageState::ACTIVE);
  EXPECT_EQ(Stage(out, "design").round(), 1);
  // The renamed stage's task still finishes it.
  CompleteStage(w.name(), "design", designer_);
  EXPECT_EQ(Stage(Run(w.name()), "legal").state(), StageState::ACTIVE);
}

}  // namespace
}  // namespace mops::testing

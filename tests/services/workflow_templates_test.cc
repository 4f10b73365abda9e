// Workflow templates through the real server: drafts, publishing frozen
// versions, apply semantics, who may, and bad templates named by stage and
// field.
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/workflows_fixture.h"

namespace mops::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(WorkflowsTest, PublishingFreezesVersionsTheDraftMovesOn) {
  v1::WorkflowTemplate draft;
  ASSERT_TRUE(CreateTemplate(lead_, "campaign", Template(), &draft).ok());
  EXPECT_EQ(draft.name(), "workflowTemplates/campaign");
  EXPECT_EQ(draft.latest_version(), 0);
  EXPECT_TRUE(draft.draft_changed());

  v1::WorkflowTemplateVersion v1;
  grpc::Status s = Publish(lead_, "campaign", &v1);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(v1.name(), "workflowTemplates/campaign/versions/1");
  EXPECT_EQ(v1.publisher(), "users/lea");
  EXPECT_EQ(v1.template_().stages_size(), 7);

  // Publishing the same draft again makes no version.
  s = Publish(lead_, "campaign");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("the same as version 1"));

  // Edit the draft: version 1 does not change.
  v1::UpdateWorkflowTemplateRequest edit;
  edit.mutable_workflow_template()->set_name("workflowTemplates/campaign");
  edit.mutable_workflow_template()->set_display_name("Campaign launch");
  edit.mutable_update_mask()->add_paths("display_name");
  v1::WorkflowTemplate edited;
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::UpdateWorkflowTemplate, lead_,
                   edit, &edited)
                  .ok());
  EXPECT_EQ(edited.latest_version(), 1);
  EXPECT_TRUE(edited.draft_changed());
  v1::WorkflowTemplateVersion v2;
  ASSERT_TRUE(Publish(lead_, "campaign", &v2).ok());
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.template_().display_name(), "Campaign launch");

  v1::GetWorkflowTemplateVersionRequest get;
  get.set_name("workflowTemplates/campaign/versions/1");
  v1::WorkflowTemplateVersion got;
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::GetWorkflowTemplateVersion,
                   outsider_, get, &got)
                  .ok());
  EXPECT_EQ(got.template_().display_name(), "");
  get.set_name("workflowTemplates/campaign/versions/latest");
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::GetWorkflowTemplateVersion,
                   outsider_, get, &got)
                  .ok());
  EXPECT_EQ(got.version(), 2);

  v1::ListWorkflowTemplateVersionsRequest list;
  list.set_parent("workflowTemplates/campaign");
  v1::ListWorkflowTemplateVersionsResponse versions;
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::ListWorkflowTemplateVersions,
                   member_, list, &versions)
                  .ok());
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).version(), 2);  // newest first

  v1::GetWorkflowTemplateRequest get_draft;
  get_draft.set_name("workflowTemplates/campaign");
  v1::WorkflowTemplate now;
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::GetWorkflowTemplate, member_,
                   get_draft, &now)
                  .ok());
  EXPECT_FALSE(now.draft_changed());

  // Each step is an event.
  std::vector<std::string> types;
  for (const v1::Event& e : AllEvents()) {
    if (absl::StartsWith(e.type(), "workflow.template_")) {
      types.push_back(e.type());
    }
  }
  EXPECT_THAT(types, ::testing::ElementsAre("workflow.template_created",
                                            "workflow.template_published",
                                            "workflow.template_updated",
                                            "workflow.template_published"));
}

TEST_F(WorkflowsTest, OnlyAdminsAndTheTeamsLeadsChangeTemplates) {
  grpc::Status s = CreateTemplate(member_, "campaign", Template());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("leads of teams/marketing"));
  ASSERT_TRUE(CreateTemplate(lead_, "campaign", Template()).ok());
  EXPECT_EQ(Publish(member_, "campaign").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Publish(outsider_, "campaign").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Publish(admin_token_, "campaign").ok());

  // A lead of marketing cannot hand the template to legal.
  v1::UpdateWorkflowTemplateRequest move;
  move.mutable_workflow_template()->set_name("workflowTemplates/campaign");
  move.mutable_workflow_template()->set_team("teams/legal");
  move.mutable_update_mask()->add_paths("team");
  v1::WorkflowTemplate out;
  s = Call(workflows_.get(), &WfStub::UpdateWorkflowTemplate, lead_, move,
           &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("teams/legal"));
}

TEST_F(WorkflowsTest, ABadTemplateIsRefusedNamingTheStageAndField) {
  v1::WorkflowTemplate t = Template();
  // legal's rework goes to a later stage.
  for (v1::WorkflowStage& stage : *t.mutable_stages()) {
    if (stage.id() == "legal") {
      stage.mutable_approval()->set_on_changes_requested("launch");
    }
  }
  ASSERT_TRUE(CreateTemplate(lead_, "campaign", t).ok());  // drafts are free
  grpc::Status s = Publish(lead_, "campaign");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("stages[legal].approval.on_changes_requested"));

  // A team that does not exist is NOT_FOUND, named.
  v1::WorkflowTemplate ghost = Template();
  ghost.mutable_stages(1)->mutable_task()->mutable_tasks(0)->set_team(
      "teams/ghosts");
  ASSERT_TRUE(CreateTemplate(lead_, "ghostly", ghost).ok());
  s = Publish(lead_, "ghostly");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(),
              HasSubstr("stages[creative].task.tasks[0].team"));

  // A draft needs its team.
  v1::WorkflowTemplate orphan = Template();
  orphan.clear_team();
  s = CreateTemplate(lead_, "orphan", orphan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("workflow_template.team"));
}

TEST_F(WorkflowsTest, ApplyCreatesOrUpdatesAndValidateOnlyWritesNothing) {
  v1::UpdateWorkflowTemplateRequest apply;
  *apply.mutable_workflow_template() = Template();
  apply.mutable_workflow_template()->set_name("workflowTemplates/webinar");
  apply.set_allow_missing(true);
  apply.set_validate_only(true);
  v1::WorkflowTemplate out;
  grpc::Status s = Call(workflows_.get(), &WfStub::UpdateWorkflowTemplate,
                        lead_, apply, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::GetWorkflowTemplateRequest get;
  get.set_name("workflowTemplates/webinar");
  v1::WorkflowTemplate got;
  EXPECT_EQ(
      Call(workflows_.get(), &WfStub::GetWorkflowTemplate, lead_, get, &got)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);

  // validate_only checks as a publish would.
  apply.mutable_workflow_template()->mutable_stages(0)->add_after("nowhere");
  s = Call(workflows_.get(), &WfStub::UpdateWorkflowTemplate, lead_, apply,
           &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("stages[brief].after[0]"));

  // Without validate_only: created, then updated in place.
  apply.set_validate_only(false);
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::UpdateWorkflowTemplate, lead_,
                   apply, &out)
                  .ok());
  EXPECT_EQ(out.name(), "workflowTemplates/webinar");
  apply.mutable_workflow_template()->mutable_stages(0)->clear_after();
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::UpdateWorkflowTemplate, lead_,
                   apply, &out)
                  .ok());
  EXPECT_EQ(out.stages(0).after_size(), 0);
  EXPECT_TRUE(Publish(lead_, "webinar").ok());
}

TEST_F(WorkflowsTest, DeprecateAndDelete) {
  ASSERT_TRUE(CreateTemplate(lead_, "campaign", Template()).ok());
  ASSERT_TRUE(Publish(lead_, "campaign").ok());
  v1::DeprecateWorkflowTemplateVersionRequest dep;
  dep.set_name("workflowTemplates/campaign/versions/1");
  v1::WorkflowTemplateVersion v;
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::DeprecateWorkflowTemplateVersion,
                   lead_, dep, &v)
                  .ok());
  EXPECT_TRUE(v.deprecated());
  EXPECT_TRUE(v.has_deprecate_time());
  dep.set_name("workflowTemplates/campaign/versions/one");
  grpc::Status s =
      Call(workflows_.get(), &WfStub::DeprecateWorkflowTemplateVersion, lead_,
           dep, &v);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("name:"));

  v1::DeleteWorkflowTemplateRequest del;
  del.set_name("workflowTemplates/campaign");
  v1::DeleteWorkflowTemplateResponse deleted;
  EXPECT_EQ(Call(workflows_.get(), &WfStub::DeleteWorkflowTemplate, member_,
                 del, &deleted)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::DeleteWorkflowTemplate, lead_,
                   del, &deleted)
                  .ok());
  v1::GetWorkflowTemplateVersionRequest get;
  get.set_name("workflowTemplates/campaign/versions/1");
  EXPECT_EQ(Call(workflows_.get(), &WfStub::GetWorkflowTemplateVersion, lead_,
                 get, &v)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The id is free again.
  EXPECT_TRUE(CreateTemplate(lead_, "campaign", Template()).ok());
}

TEST_F(WorkflowsTest, ListFiltersByTeam) {
  ASSERT_TRUE(CreateTemplate(lead_, "campaign", Template()).ok());
  v1::WorkflowTemplate legal = Template();
  legal.set_team("teams/legal");
  ASSERT_TRUE(CreateTemplate(admin_token_, "contract", legal).ok());
  v1::ListWorkflowTemplatesRequest req;
  req.set_filter("team = legal");
  v1::ListWorkflowTemplatesResponse resp;
  ASSERT_TRUE(Call(workflows_.get(), &WfStub::ListWorkflowTemplates, outsider_,
                   req, &resp)
                  .ok());
  ASSERT_EQ(resp.workflow_templates_size(), 1);
  EXPECT_EQ(resp.workflow_templates(0).name(), "workflowTemplates/contract");
  req.set_filter("colour = red");
  EXPECT_EQ(Call(workflows_.get(), &WfStub::ListWorkflowTemplates, outsider_,
                 req, &resp)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace mops::testing

// The workflow service test fixture: the real server, a lead and a member
// of marketing, an outsider, a legal team, and the WorkflowService stub.
#ifndef MOPS_TESTS_TESTING_WORKFLOWS_FIXTURE_H_
#define MOPS_TESTS_TESTING_WORKFLOWS_FIXTURE_H_

#include <memory>
#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "mops/v1/workflows.grpc.pb.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/workflow_templates.h"

namespace mops::testing {

using WfStub = v1::WorkflowService::Stub;

class WorkflowsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    workflows_ = v1::WorkflowService::NewStub(channel_);
    lead_ = CreateUserWithToken("lea");
    member_ = CreateUserWithToken("mem");
    outsider_ = CreateUserWithToken("out");
    AddMember("marketing", "lea", v1::Membership::LEAD);
    AddMember("marketing", "mem", v1::Membership::MEMBER);
    v1::CreateTeamRequest team;
    team.set_team_id("legal");
    team.mutable_team()->set_display_name("Legal");
    v1::Team t;
    ASSERT_TRUE(Call(identity_.get(), &v1::IdentityService::Stub::CreateTeam,
                     admin_token_, team, &t)
                    .ok());
  }

  void AddMember(const std::string& team, const std::string& user,
                 v1::Membership::Role role) {
    v1::AddTeamMemberRequest req;
    req.set_team("teams/" + team);
    req.set_user("users/" + user);
    req.set_role(role);
    v1::Membership m;
    grpc::Status s =
        Call(identity_.get(), &v1::IdentityService::Stub::AddTeamMember,
             admin_token_, req, &m);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static v1::WorkflowTemplate Template(const std::string& text = kCampaign) {
    v1::WorkflowTemplate t;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &t));
    return t;
  }

  grpc::Status CreateTemplate(const std::string& token, const std::string& id,
                              const v1::WorkflowTemplate& t,
                              v1::WorkflowTemplate* out = nullptr) {
    v1::CreateWorkflowTemplateRequest req;
    req.set_workflow_template_id(id);
    *req.mutable_workflow_template() = t;
    v1::WorkflowTemplate ignored;
    return Call(workflows_.get(), &WfStub::CreateWorkflowTemplate, token, req,
                out ? out : &ignored);
  }

  grpc::Status Publish(const std::string& token, const std::string& id,
                       v1::WorkflowTemplateVersion* out = nullptr) {
    v1::PublishWorkflowTemplateRequest req;
    req.set_name("workflowTemplates/" + id);
    v1::WorkflowTemplateVersion ignored;
    return Call(workflows_.get(), &WfStub::PublishWorkflowTemplate, token, req,
                out ? out : &ignored);
  }

  std::unique_ptr<WfStub> workflows_;
  std::string lead_, member_, outsider_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_WORKFLOWS_FIXTURE_H_

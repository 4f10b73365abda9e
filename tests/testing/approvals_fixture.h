// The approvals service test fixture: users in teams (finance, legal,
// marketing), a manager, a project to decide on, and helpers to request,
// decide, delegate and read inboxes and events.
#ifndef MOPS_TESTS_TESTING_APPROVALS_FIXTURE_H_
#define MOPS_TESTS_TESTING_APPROVALS_FIXTURE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/service_fixture.h"

namespace mops::testing {

using AStub = v1::ApprovalService::Stub;

inline absl::Time T(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

class ApprovalsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    for (const char* u : {"req", "boss", "fin1", "fin2", "fin3", "leg1", "leg2",
                          "sub", "sub2", "other"}) {
      tokens_[u] = CreateUserWithToken(u);
    }
    Must(AddMember("marketing", "req"));
    Must(AddMember("finance", "fin1"));
    Must(AddMember("finance", "fin2"));
    Must(AddMember("finance", "fin3", v1::Membership::LEAD));
    Must(AddMember("finance", "req"));  // the requester is in finance too
    ASSERT_TRUE(CreateTeam("legal").ok());
    Must(AddMember("legal", "leg1", v1::Membership::LEAD));
    Must(AddMember("legal", "leg2"));
    v1::UpdateUserRequest manager;
    manager.mutable_user()->set_name("users/req");
    manager.mutable_user()->set_manager("users/boss");
    manager.mutable_update_mask()->add_paths("manager");
    v1::User u;
    ASSERT_TRUE(Call(identity_.get(), &v1::IdentityService::Stub::UpdateUser,
                     admin_token_, manager, &u)
                    .ok());
    v1::CreateProjectRequest project;
    project.set_project_id("launch");
    project.mutable_project()->set_title("Launch");
    project.mutable_project()->set_team("teams/marketing");
    v1::Project pr;
    ASSERT_TRUE(Call(projects_.get(), &v1::ProjectService::Stub::CreateProject,
                     admin_token_, project, &pr)
                    .ok());
  }

  static void Must(const grpc::Status& s) {
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status CreateTeam(const std::string& id) {
    v1::CreateTeamRequest req;
    req.set_team_id(id);
    v1::Team t;
    return Call(identity_.get(), &v1::IdentityService::Stub::CreateTeam,
                admin_token_, req, &t);
  }

  grpc::Status AddMember(const std::string& team, const std::string& user,
                         v1::Membership::Role role = v1::Membership::MEMBER) {
    v1::AddTeamMemberRequest req;
    req.set_team("teams/" + team);
    req.set_user("users/" + user);
    req.set_role(role);
    v1::Membership m;
    return Call(identity_.get(), &v1::IdentityService::Stub::AddTeamMember,
                admin_token_, req, &m);
  }

  static v1::ApproverGroup Team(const std::string& team, int required,
                                bool veto = true) {
    v1::ApproverGroup g;
    g.set_team("teams/" + team);
    g.set_required(required);
    g.set_reject_does_not_veto(!veto);
    return g;
  }
  static v1::ApproverGroup Users(std::vector<std::string> users,
                                 int required = 1) {
    v1::ApproverGroup g;
    for (const auto& u : users) g.add_users("users/" + u);
    g.set_required(required);
    return g;
  }

  grpc::Status Request(const std::string& requester,
                       std::vector<v1::ApproverGroup> groups, v1::Approval* out,
                       const std::string& due = "",
                       v1::Approval::DeadlineAction action =
                           v1::Approval::DEADLINE_ACTION_UNSPECIFIED,
                       const std::string& request_id = "") {
    v1::CreateApprovalRequest req;
    req.mutable_approval()->set_subject("projects/launch");
    req.mutable_approval()->set_title("Launch budget");
    for (auto& g : groups) *req.mutable_approval()->add_groups() = g;
    req.mutable_approval()->set_due(due);
    req.mutable_approval()->set_deadline_action(action);
    req.set_request_id(request_id);
    return Call(approvals_.get(), &AStub::CreateApproval, tokens_[requester],
                req, out);
  }

  grpc::Status Decide(const std::string& who, const v1::Approval& a,
                      v1::Decision::Outcome outcome,
                      v1::Approval* out = nullptr,
                      const std::string& comment = "",
                      const std::string& request_id = "",
                      const std::string& on_behalf_of = "") {
    v1::DecideApprovalRequest req;
    req.set_name(a.name());
    req.set_outcome(outcome);
    req.set_comment(comment);
    req.set_request_id(request_id);
    req.set_on_behalf_of(on_behalf_of);
    v1::Approval scratch;
    return Call(approvals_.get(), &AStub::DecideApproval, tokens_[who], req,
                out ? out : &scratch);
  }

  grpc::Status Delegate(const std::string& from, const std::string& to,
                        absl::Time start, absl::Time end,
                        std::vector<std::string> teams = {},
                        v1::Delegation* out = nullptr) {
    v1::CreateDelegationRequest req;
    req.set_parent("users/me");
    req.mutable_delegation()->set_delegate("users/" + to);
    *req.mutable_delegation()->mutable_start_time() =
        services::ToProtoTime(start);
    *req.mutable_delegation()->mutable_end_time() = services::ToProtoTime(end);
    for (const auto& t : teams)
      req.mutable_delegation()->add_teams("teams/" + t);
    v1::Delegation scratch;
    return Call(approvals_.get(), &AStub::CreateDelegation, tokens_[from], req,
                out ? out : &scratch);
  }

  std::vector<std::string> Inbox(const std::string& who) {
    v1::ListApprovalsRequest req;
    req.set_filter("pending_for = \"me\"");
    v1::ListApprovalsResponse resp;
    grpc::Status s =
        Call(approvals_.get(), &AStub::ListApprovals, tokens_[who], req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> names;
    for (const auto& a : resp.approvals()) names.push_back(a.name());
    return names;
  }

  v1::Approval Get(const std::string& name) {
    v1::GetApprovalRequest req;
    req.set_name(name);
    v1::Approval a;
    EXPECT_TRUE(
        Call(approvals_.get(), &AStub::GetApproval, admin_token_, req, &a)
            .ok());
    return a;
  }

  // Runs due timers until the event shows up (bounded).
  bool WaitForEvent(const std::string& type, const std::string& subject,
                    int count = 1) {
    for (int i = 0; i < 300; ++i) {
      server_->engine()->WakeTimers();
      if (CountEvents(type, subject) >= count) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }
  void Settle() {
    server_->engine()->WakeTimers();
    absl::SleepFor(absl::Milliseconds(100));
  }

  // The last event of `type` about `subject` (empty when none).
  v1::Event LastEvent(const std::string& type, const std::string& subject) {
    v1::Event last;
    for (const auto& e : AllEvents()) {
      if (e.type() == type && e.subject() == subject) last = e;
    }
    return last;
  }

  std::map<std::string, std::string> tokens_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_APPROVALS_FIXTURE_H_

// The projects and tasks tests' fixture: the real server, two members
// (mia in marketing, sam in sales) and helpers for projects and tasks.
#ifndef MOPS_TESTS_TESTING_PROJECTS_FIXTURE_H_
#define MOPS_TESTS_TESTING_PROJECTS_FIXTURE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/service_fixture.h"

namespace mops::testing {

using PStub = v1::ProjectService::Stub;
using TStub = v1::TaskService::Stub;

class ProjectsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    mia_ = CreateUserWithToken("mia");  // marketing member
    sam_ = CreateUserWithToken("sam");  // sales member, not marketing
    AddMember("marketing", "mia");
    AddMember("sales", "sam");
  }

  void AddMember(const std::string& team, const std::string& user) {
    v1::AddTeamMemberRequest req;
    req.set_team("teams/" + team);
    req.set_user("users/" + user);
    v1::Membership m;
    ASSERT_TRUE(Call(identity_.get(), &v1::IdentityService::Stub::AddTeamMember,
                     admin_token_, req, &m)
                    .ok());
  }

  grpc::Status CreateProject(const std::string& token, const std::string& id,
                             v1::Project* out = nullptr,
                             const std::string& team = "teams/marketing") {
    v1::CreateProjectRequest req;
    req.set_project_id(id);
    req.mutable_project()->set_title("Project " + id);
    req.mutable_project()->set_team(team);
    v1::Project scratch;
    return Call(projects_.get(), &PStub::CreateProject, token, req,
                out ? out : &scratch);
  }

  v1::Task MustCreateTask(const std::string& project, const std::string& id,
                          std::function<void(v1::Task*)> edit = nullptr) {
    v1::CreateTaskRequest req;
    req.set_parent("projects/" + project);
    req.set_task_id(id);
    req.mutable_task()->set_title("Task " + id);
    if (edit) edit(req.mutable_task());
    v1::Task t;
    grpc::Status s =
        Call(tasks_.get(), &TStub::CreateTask, admin_token_, req, &t);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return t;
  }

  grpc::Status Act(grpc::Status (TStub::*method)(grpc::ClientContext*,
                                                 const v1::TaskActionRequest&,
                                                 v1::Task*),
                   const std::string& token, const std::string& name,
                   v1::Task* out = nullptr,
                   const std::string& request_id = "") {
    v1::TaskActionRequest req;
    req.set_name(name);
    req.set_request_id(request_id);
    v1::Task scratch;
    return Call(tasks_.get(), method, token, req, out ? out : &scratch);
  }

  std::vector<std::string> ListNames(const std::string& token,
                                     const std::string& parent,
                                     const std::string& filter,
                                     const std::string& order_by = "",
                                     grpc::Status* status = nullptr) {
    v1::ListTasksRequest req;
    req.set_parent(parent);
    req.set_filter(filter);
    req.set_order_by(order_by);
    req.set_page_size(1000);
    v1::ListTasksResponse resp;
    grpc::Status s = Call(tasks_.get(), &TStub::ListTasks, token, req, &resp);
    if (status) *status = s;
    if (!status) {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    std::vector<std::string> names;
    for (const auto& t : resp.tasks())
      names.push_back(t.name().substr(t.name().rfind('/') + 1));
    return names;
  }

  static std::string Rfc3339(absl::Time t) {
    return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
  }

  std::string mia_;
  std::string sam_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_PROJECTS_FIXTURE_H_

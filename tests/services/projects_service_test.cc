// Projects over a real channel: lifecycle, bad input, permissions, delete,
// lists.
#include <future>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/projects_fixture.h"

namespace mops {
namespace {

using services::ToProtoTime;
using ::testing::HasSubstr;
using testing::ProjectsTest;
using testing::PStub;
using testing::TStub;

// ---------------------------------------------------------------- projects

TEST_F(ProjectsTest, ProjectLifecycle) {
  v1::CreateProjectRequest req;
  req.set_project_id("q4-launch");
  v1::Project* in = req.mutable_project();
  in->set_title("Q4 launch");
  in->set_team("teams/marketing");
  in->set_objective("Grow pipeline 20%");
  in->add_kpis("pipeline");
  in->set_start_date("2026-10-01");
  in->set_end_date("2026-12-31");
  in->mutable_budget()->set_currency_code("EUR");
  in->mutable_budget()->set_amount_minor(5000000);
  in->add_labels("launch");
  in->add_labels("launch");
  req.set_request_id("create-q4");
  v1::Project project;
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::CreateProject, mia_, req, &project).ok());
  EXPECT_EQ(project.name(), "projects/q4-launch");
  EXPECT_EQ(project.owner(), "users/mia");
  EXPECT_EQ(project.state(), v1::Project::PLANNED);
  EXPECT_EQ(project.labels_size(), 1);
  EXPECT_FALSE(project.etag().empty());

  // A retry with the request_id returns the first answer.
  clock_.Advance(absl::Minutes(1));
  v1::Project again;
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::CreateProject, mia_, req, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), project.SerializeAsString());
  EXPECT_EQ(CountEvents("project.created", "projects/q4-launch"), 1);
  EXPECT_EQ(CreateProject(mia_, "q4-launch").error_code(),
            grpc::ALREADY_EXISTS);

  // No id: the server picks one.
  v1::Project generated;
  ASSERT_TRUE(CreateProject(mia_, "", &generated).ok());
  EXPECT_THAT(generated.name(), HasSubstr("projects/p"));

  v1::UpdateProjectRequest update;
  *update.mutable_project() = project;
  update.mutable_project()->set_state(v1::Project::ACTIVE);
  update.mutable_update_mask()->add_paths("state");
  v1::Project updated;
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::UpdateProject, mia_, update, &updated)
          .ok());
  EXPECT_EQ(updated.state(), v1::Project::ACTIVE);
  EXPECT_EQ(updated.title(), "Q4 launch");
  EXPECT_EQ(CountEvents("project.state_changed", "projects/q4-launch"), 1);
  // The same etag again is stale.
  grpc::Status s =
      Call(projects_.get(), &PStub::UpdateProject, mia_, update, &updated);
  EXPECT_EQ(s.error_code(), grpc::ABORTED);

  // No mask: the fields the request sets change, the others stay (AIP-134).
  v1::UpdateProjectRequest implied;
  implied.mutable_project()->set_name("projects/q4-launch");
  implied.mutable_project()->set_objective("Grow pipeline 25%");
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::UpdateProject, mia_, implied, &updated)
          .ok());
  EXPECT_EQ(updated.objective(), "Grow pipeline 25%");
  EXPECT_EQ(updated.state(), v1::Project::ACTIVE);
  EXPECT_EQ(updated.kpis_size(), 1);
  // No mask and nothing set: nothing to change, which names update_mask.
  implied.mutable_project()->clear_objective();
  s = Call(projects_.get(), &PStub::UpdateProject, mia_, implied, &updated);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("update_mask"));
  // "*" replaces every updatable field: what the request leaves unset is
  // cleared, so a full replacement must send the whole project.
  v1::UpdateProjectRequest full;
  *full.mutable_project() = updated;
  full.mutable_project()->clear_kpis();
  full.mutable_update_mask()->add_paths("*");
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::UpdateProject, mia_, full, &updated).ok());
  EXPECT_EQ(updated.kpis_size(), 0);
  EXPECT_EQ(updated.objective(), "Grow pipeline 25%");
  full.mutable_project()->clear_etag();
  full.mutable_project()->clear_state();
  s = Call(projects_.get(), &PStub::UpdateProject, mia_, full, &updated);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("project.state"));

  v1::GetProjectRequest get;
  get.set_name("projects/q4-launch");
  v1::Project got;
  ASSERT_TRUE(Call(projects_.get(), &PStub::GetProject, sam_, get, &got).ok());
  EXPECT_EQ(got.state(), v1::Project::ACTIVE);
}

TEST_F(ProjectsTest, ProjectBadInputNamesTheField) {
  struct Case {
    std::function<void(v1::Project*)> edit;
    std::string field;
    grpc::StatusCode code = grpc::INVALID_ARGUMENT;
  };
  std::vector<Case> cases = {
      {[](v1::Project* p) { p->clear_title(); }, "project.title"},
      {[](v1::Project* p) { p->set_title(std::string(201, 'x')); },
       "project.title"},
      {[](v1::Project* p) { p->clear_team(); }, "project.team"},
      {[](v1::Project* p) { p->set_team("teams/nope"); }, "teams/nope",
       grpc::NOT_FOUND},
      {[](v1::Project* p) { p->set_team("marketing"); }, "project.team"},
      {[](v1::Project* p) { p->set_start_date("2026-13-01"); },
       "project.start_date"},
      {[](v1::Project* p) {
         p->set_start_date("2026-12-01");
         p->set_end_date("2026-11-01");
       },
       "project.end_date"},
      {[](v1::Project* p) { p->mutable_budget()->set_currency_code("eur"); },
       "project.budget.currency_code"},
      {[](v1::Project* p) {
         p->mutable_budget()->set_currency_code("EUR");
         p->mutable_budget()->set_amount_minor(-1);
       },
       "project.budget.amount_minor"},
      {[](v1::Project* p) { p->add_labels("Not A Label"); }, "project.labels"},
      {[](v1::Project* p) { p->set_owner("users/ghost"); }, "users/ghost",
       grpc::NOT_FOUND},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::CreateProjectRequest req;
    req.set_project_id(absl::StrCat("p", i));
    req.mutable_project()->set_title("ok");
    req.mutable_project()->set_team("teams/marketing");
    cases[i].edit(req.mutable_project());
    v1::Project p;
    grpc::Status s =
        Call(projects_.get(), &PStub::CreateProject, admin_token_, req, &p);
    EXPECT_EQ(s.error_code(), cases[i].code) << i << " " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(cases[i].field)) << i;
  }
  v1::CreateProjectRequest bad_id;
  bad_id.set_project_id("Bad_Id");
  bad_id.mutable_project()->set_title("x");
  bad_id.mutable_project()->set_team("teams/marketing");
  v1::Project p;
  grpc::Status s =
      Call(projects_.get(), &PStub::CreateProject, admin_token_, bad_id, &p);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("project_id"));
}

TEST_F(ProjectsTest, OnlyAdminsAndOwningTeamMembersWriteProjects) {
  grpc::Status s = CreateProject(sam_, "brand");
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("members of teams/marketing"));
  ASSERT_TRUE(CreateProject(mia_, "brand").ok());
  v1::UpdateProjectRequest update;
  update.mutable_project()->set_name("projects/brand");
  update.mutable_project()->set_title("Hijacked");
  update.mutable_update_mask()->add_paths("title");
  v1::Project p;
  EXPECT_EQ(Call(projects_.get(), &PStub::UpdateProject, sam_, update, &p)
                .error_code(),
            grpc::PERMISSION_DENIED);
  // Moving a project needs membership of the new team too.
  update.mutable_project()->set_team("teams/sales");
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("team");
  EXPECT_EQ(Call(projects_.get(), &PStub::UpdateProject, mia_, update, &p)
                .error_code(),
            grpc::PERMISSION_DENIED);
  v1::DeleteProjectRequest del;
  del.set_name("projects/brand");
  v1::DeleteProjectResponse deleted;
  EXPECT_EQ(Call(projects_.get(), &PStub::DeleteProject, sam_, del, &deleted)
                .error_code(),
            grpc::PERMISSION_DENIED);
}

TEST_F(ProjectsTest, DeleteIsRefusedWhileTasksAreOpenUnlessForced) {
  ASSERT_TRUE(CreateProject(mia_, "old").ok());
  ASSERT_TRUE(CreateProject(mia_, "other").ok());
  MustCreateTask("old", "a");
  MustCreateTask("old", "b");
  // A task elsewhere depends on one of them.
  MustCreateTask("other", "x", [](v1::Task* t) {
    t->add_dependencies("projects/old/tasks/a");
  });

  v1::DeleteProjectRequest del;
  del.set_name("projects/old");
  v1::DeleteProjectResponse resp;
  grpc::Status s =
      Call(projects_.get(), &PStub::DeleteProject, mia_, del, &resp);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("2 open tasks"));
  EXPECT_THAT(s.error_message(), HasSubstr("force"));

  del.set_force(true);
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::DeleteProject, mia_, del, &resp).ok());
  EXPECT_EQ(resp.deleted_tasks(), 2);
  v1::GetTaskRequest get;
  get.set_name("projects/old/tasks/a");
  v1::Task t;
  EXPECT_EQ(Call(tasks_.get(), &TStub::GetTask, mia_, get, &t).error_code(),
            grpc::NOT_FOUND);
  // The dependent no longer waits for a task that is gone.
  get.set_name("projects/other/tasks/x");
  ASSERT_TRUE(Call(tasks_.get(), &TStub::GetTask, mia_, get, &t).ok());
  EXPECT_EQ(t.dependencies_size(), 0);
  EXPECT_TRUE(Act(&TStub::StartTask, mia_, "projects/other/tasks/x").ok());

  // Only closed tasks: no force needed.
  MustCreateTask("other", "y");
  ASSERT_TRUE(Act(&TStub::CancelTask, mia_, "projects/other/tasks/y").ok());
  ASSERT_TRUE(Act(&TStub::CompleteTask, mia_, "projects/other/tasks/x").ok());
  del.set_name("projects/other");
  del.set_force(false);
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::DeleteProject, mia_, del, &resp).ok());
  EXPECT_EQ(resp.deleted_tasks(), 2);
}

TEST_F(ProjectsTest, ListProjectsFiltersOrdersAndPages) {
  for (const char* id : {"delta", "alpha", "charlie", "bravo"}) {
    ASSERT_TRUE(CreateProject(admin_token_, id).ok());
    clock_.Advance(absl::Seconds(1));
  }
  ASSERT_TRUE(CreateProject(admin_token_, "echo", nullptr, "teams/sales").ok());
  v1::ListProjectsRequest req;
  req.set_filter("team = marketing");
  req.set_order_by("title desc");
  req.set_page_size(3);
  std::vector<std::string> names;
  while (true) {
    v1::ListProjectsResponse resp;
    ASSERT_TRUE(
        Call(projects_.get(), &PStub::ListProjects, sam_, req, &resp).ok());
    for (const auto& p : resp.projects()) names.push_back(p.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"projects/delta", "projects/charlie",
                                      "projects/bravo", "projects/alpha"}));
  req.Clear();
  req.set_filter("state = ACTIVE OR team = teams/sales");
  v1::ListProjectsResponse resp;
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::ListProjects, sam_, req, &resp).ok());
  ASSERT_EQ(resp.projects_size(), 1);
  EXPECT_EQ(resp.projects(0).name(), "projects/echo");
  req.set_filter("state = SHIPPED");
  grpc::Status s =
      Call(projects_.get(), &PStub::ListProjects, sam_, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("\"SHIPPED\" is not a project state"));
  EXPECT_THAT(s.error_message(), HasSubstr("position 9"));
}

}  // namespace
}  // namespace mops

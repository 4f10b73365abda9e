// Projects and tasks over a real channel: every method and rule.
#include <future>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/service_fixture.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using PStub = v1::ProjectService::Stub;
using TStub = v1::TaskService::Stub;
using services::ToProtoTime;

class ProjectsTest : public testing::ServiceTest {
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

// ---------------------------------------------------------------- tasks

// Server-chosen ids sort by creation time (new rows land together at the
// end of their key range) and are valid ids.
TEST_F(ProjectsTest, ServerChosenTaskIdsSortByCreation) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) absl::SleepFor(absl::Milliseconds(2));
    v1::CreateTaskRequest req;
    req.set_parent("projects/web");
    req.mutable_task()->set_title(absl::StrCat("task ", i));
    v1::Task t;
    ASSERT_TRUE(Call(tasks_.get(), &TStub::CreateTask, mia_, req, &t).ok());
    ids.push_back(t.name().substr(t.name().rfind('/') + 1));
    EXPECT_THAT(ids.back(), ::testing::MatchesRegex("t[0-9a-f]{15}"));
  }
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
}

TEST_F(ProjectsTest, TaskDefaultsFieldsAndUpdates) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  v1::CreateTaskRequest req;
  req.set_parent("projects/web");
  req.set_task_id("copy");
  v1::Task* in = req.mutable_task();
  in->set_title("Write copy");
  in->set_assignee("users/mia");
  in->add_labels("launch");
  (*in->mutable_custom_fields())["channel"] = "email";
  *in->mutable_due_time() = ToProtoTime(testing::kTestStart + absl::Hours(48));
  in->mutable_estimate()->set_seconds(3600);
  in->set_state(v1::Task::DONE);  // output only: ignored
  v1::Task t;
  ASSERT_TRUE(Call(tasks_.get(), &TStub::CreateTask, mia_, req, &t).ok());
  EXPECT_EQ(t.name(), "projects/web/tasks/copy");
  EXPECT_EQ(t.state(), v1::Task::TODO);
  EXPECT_EQ(t.priority(), v1::Task::P2);
  EXPECT_EQ(t.team(), "teams/marketing");
  EXPECT_EQ(t.custom_fields().at("channel"), "email");

  v1::UpdateTaskRequest update;
  *update.mutable_task() = t;
  update.mutable_task()->set_priority(v1::Task::P0);
  update.mutable_task()->set_title("Write launch copy");
  update.mutable_update_mask()->add_paths("priority");
  update.mutable_update_mask()->add_paths("title");
  v1::Task updated;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::UpdateTask, mia_, update, &updated).ok());
  EXPECT_EQ(updated.priority(), v1::Task::P0);
  EXPECT_EQ(updated.title(), "Write launch copy");
  EXPECT_EQ(Call(tasks_.get(), &TStub::UpdateTask, mia_, update, &updated)
                .error_code(),
            grpc::ABORTED);
  update.mutable_task()->clear_etag();
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("state");
  grpc::Status s =
      Call(tasks_.get(), &TStub::UpdateTask, mia_, update, &updated);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("own methods"));

  // Bad input.
  req.set_task_id("bad");
  req.mutable_task()->set_title("");
  s = Call(tasks_.get(), &TStub::CreateTask, mia_, req, &t);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("task.title"));
  req.mutable_task()->set_title("ok");
  req.mutable_task()->set_assignee("users/ghost");
  s = Call(tasks_.get(), &TStub::CreateTask, mia_, req, &t);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("users/ghost"));
  req.mutable_task()->clear_assignee();
  *req.mutable_task()->mutable_start_time() =
      ToProtoTime(testing::kTestStart + absl::Hours(72));
  s = Call(tasks_.get(), &TStub::CreateTask, mia_, req, &t);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("task.due_time is before task.start_time"));
  req.mutable_task()->clear_start_time();
  req.set_parent("projects/nope");
  s = Call(tasks_.get(), &TStub::CreateTask, mia_, req, &t);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("projects/nope"));
}

TEST_F(ProjectsTest, DependenciesGateStartAndCompleteAndCyclesAreRejected) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  ASSERT_TRUE(CreateProject(mia_, "legal-review").ok());
  MustCreateTask("legal-review", "approve");
  MustCreateTask("web", "brief");
  MustCreateTask("web", "launch", [](v1::Task* t) {
    t->add_dependencies("projects/web/tasks/brief");
    t->add_dependencies("projects/legal-review/tasks/approve");
    t->set_assignee("users/mia");
  });

  grpc::Status s = Act(&TStub::StartTask, mia_, "projects/web/tasks/launch");
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("projects/web/tasks/brief"));
  EXPECT_THAT(s.error_message(),
              HasSubstr("projects/legal-review/tasks/approve"));
  s = Act(&TStub::CompleteTask, mia_, "projects/web/tasks/launch");
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);

  ASSERT_TRUE(Act(&TStub::CompleteTask, mia_, "projects/web/tasks/brief").ok());
  EXPECT_EQ(CountEvents("task.unblocked", "projects/web/tasks/launch"), 0);
  s = Act(&TStub::StartTask, mia_, "projects/web/tasks/launch");
  EXPECT_THAT(s.error_message(), HasSubstr("approve"));
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("brief")));
  ASSERT_TRUE(
      Act(&TStub::CompleteTask, mia_, "projects/legal-review/tasks/approve")
          .ok());
  EXPECT_EQ(CountEvents("task.unblocked", "projects/web/tasks/launch"), 1);
  EXPECT_TRUE(Act(&TStub::StartTask, mia_, "projects/web/tasks/launch").ok());

  // Cycles: brief -> launch -> brief.
  v1::UpdateTaskRequest update;
  update.mutable_task()->set_name("projects/web/tasks/brief");
  update.mutable_task()->add_dependencies("projects/web/tasks/launch");
  update.mutable_update_mask()->add_paths("dependencies");
  v1::Task t;
  s = Call(tasks_.get(), &TStub::UpdateTask, mia_, update, &t);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(
      s.error_message(),
      HasSubstr(
          "cycle: projects/web/tasks/brief -> projects/web/tasks/launch -> "
          "projects/web/tasks/brief"));
  update.mutable_task()->set_dependencies(0, "projects/web/tasks/brief");
  s = Call(tasks_.get(), &TStub::UpdateTask, mia_, update, &t);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("itself"));
  update.mutable_task()->set_dependencies(0, "projects/web/tasks/ghost");
  s = Call(tasks_.get(), &TStub::UpdateTask, mia_, update, &t);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("projects/web/tasks/ghost"));
}

TEST_F(ProjectsTest, StateMachineAndReplay) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  MustCreateTask("web", "t");
  const std::string name = "projects/web/tasks/t";
  v1::BlockTaskRequest block;
  block.set_name(name);
  v1::Task t;
  grpc::Status s = Call(tasks_.get(), &TStub::BlockTask, mia_, block, &t);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("reason"));
  block.set_reason("waiting for assets");
  ASSERT_TRUE(Call(tasks_.get(), &TStub::BlockTask, mia_, block, &t).ok());
  EXPECT_EQ(t.state(), v1::Task::BLOCKED);
  EXPECT_EQ(t.blocked_reason(), "waiting for assets");
  ASSERT_TRUE(Act(&TStub::StartTask, mia_, name, &t).ok());
  EXPECT_EQ(t.state(), v1::Task::IN_PROGRESS);
  EXPECT_TRUE(t.blocked_reason().empty());
  EXPECT_EQ(Act(&TStub::StartTask, mia_, name).error_code(),
            grpc::FAILED_PRECONDITION);

  v1::Task done;
  ASSERT_TRUE(Act(&TStub::CompleteTask, mia_, name, &done, "complete-1").ok());
  EXPECT_EQ(done.state(), v1::Task::DONE);
  EXPECT_TRUE(done.has_complete_time());
  clock_.Advance(absl::Minutes(3));
  v1::Task replay;
  ASSERT_TRUE(
      Act(&TStub::CompleteTask, mia_, name, &replay, "complete-1").ok());
  EXPECT_EQ(replay.SerializeAsString(), done.SerializeAsString());
  s = Act(&TStub::CompleteTask, mia_, name);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("DONE"));
  EXPECT_EQ(Act(&TStub::StartTask, mia_, name).error_code(),
            grpc::FAILED_PRECONDITION);

  ASSERT_TRUE(Act(&TStub::ReopenTask, mia_, name, &t).ok());
  EXPECT_EQ(t.state(), v1::Task::TODO);
  EXPECT_FALSE(t.has_complete_time());
  ASSERT_TRUE(Act(&TStub::CancelTask, mia_, name, &t).ok());
  EXPECT_EQ(t.state(), v1::Task::CANCELLED);

  int changes = 0;
  for (const auto& e : AllEvents()) {
    if (e.type() == "task.state_changed" && e.subject() == name) ++changes;
  }
  EXPECT_EQ(changes, 5);  // block, start, complete, reopen, cancel

  v1::CommentTaskRequest comment;
  comment.set_name(name);
  comment.set_text("Cancelled: budget moved to Q1");
  ASSERT_TRUE(Call(tasks_.get(), &TStub::CommentTask, mia_, comment, &t).ok());
  ASSERT_EQ(t.comments_size(), 1);
  EXPECT_EQ(t.comments(0).author(), "users/mia");
  EXPECT_EQ(CountEvents("task.commented", name), 1);
  comment.set_text("");
  EXPECT_EQ(
      Call(tasks_.get(), &TStub::CommentTask, mia_, comment, &t).error_code(),
      grpc::INVALID_ARGUMENT);
}

TEST_F(ProjectsTest, AssigneeChangesStateButOnlyTeamMembersEdit) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  MustCreateTask("web", "mine",
                 [](v1::Task* t) { t->set_assignee("users/sam"); });
  MustCreateTask("web", "theirs");
  EXPECT_TRUE(Act(&TStub::StartTask, sam_, "projects/web/tasks/mine").ok());
  grpc::Status s = Act(&TStub::StartTask, sam_, "projects/web/tasks/theirs");
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("assignee"));
  v1::UpdateTaskRequest update;
  update.mutable_task()->set_name("projects/web/tasks/mine");
  update.mutable_task()->set_title("changed");
  update.mutable_update_mask()->add_paths("title");
  v1::Task t;
  EXPECT_EQ(
      Call(tasks_.get(), &TStub::UpdateTask, sam_, update, &t).error_code(),
      grpc::PERMISSION_DENIED);
  // A task given to sales lets sales members edit it.
  update.mutable_task()->set_team("teams/sales");
  update.mutable_update_mask()->add_paths("team");
  ASSERT_TRUE(Call(tasks_.get(), &TStub::UpdateTask, mia_, update, &t).ok());
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("title");
  EXPECT_TRUE(Call(tasks_.get(), &TStub::UpdateTask, sam_, update, &t).ok());
  // Everyone reads.
  EXPECT_EQ(ListNames(sam_, "projects/web", "").size(), 2u);
  v1::DeleteTaskRequest del;
  del.set_name("projects/web/tasks/theirs");
  v1::DeleteTaskResponse deleted;
  EXPECT_EQ(
      Call(tasks_.get(), &TStub::DeleteTask, sam_, del, &deleted).error_code(),
      grpc::PERMISSION_DENIED);
  EXPECT_TRUE(Call(tasks_.get(), &TStub::DeleteTask, mia_, del, &deleted).ok());
}

TEST_F(ProjectsTest, ListTasksFiltersAndOrders) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  ASSERT_TRUE(CreateProject(admin_token_, "crm", nullptr, "teams/sales").ok());
  const absl::Time t0 = testing::kTestStart;
  MustCreateTask("web", "a", [&](v1::Task* t) {
    t->set_assignee("users/mia");
    t->set_priority(v1::Task::P1);
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(30));
    t->add_labels("launch");
  });
  clock_.Advance(absl::Seconds(1));
  MustCreateTask("web", "b", [&](v1::Task* t) {
    t->set_assignee("users/mia");
    t->set_priority(v1::Task::P0);
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(10));
  });
  clock_.Advance(absl::Seconds(1));
  MustCreateTask("web", "c", [&](v1::Task* t) {
    t->set_assignee("users/sam");
    t->set_priority(v1::Task::P3);
    t->add_labels("launch");
  });
  clock_.Advance(absl::Seconds(1));
  MustCreateTask("crm", "d", [&](v1::Task* t) {
    t->set_assignee("users/mia");
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(200));
  });
  ASSERT_TRUE(
      Act(&TStub::CompleteTask, admin_token_, "projects/web/tasks/a").ok());

  using V = std::vector<std::string>;
  EXPECT_EQ(ListNames(mia_, "projects/-", "assignee = me"), (V{"b", "a", "d"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "assignee = me AND state != DONE"),
            (V{"b", "d"}));
  EXPECT_EQ(ListNames(mia_, "projects/web", "assignee = me"), (V{"b", "a"}));
  // "My open tasks" is answered from the assignee index's rows as stored:
  // the same tasks, whole, as GetTask returns.
  const std::string open =
      "assignee = me AND state != DONE AND state != CANCELLED";
  EXPECT_EQ(ListNames(mia_, "projects/-", open), (V{"b", "d"}));
  EXPECT_EQ(ListNames(mia_, "projects/crm", open), (V{"d"}));
  {
    v1::ListTasksRequest req;
    req.set_parent("projects/-");
    req.set_filter(open);
    v1::ListTasksResponse resp;
    ASSERT_TRUE(Call(tasks_.get(), &TStub::ListTasks, mia_, req, &resp).ok());
    ASSERT_EQ(resp.tasks_size(), 2);
    for (const v1::Task& listed : resp.tasks()) {
      v1::GetTaskRequest get;
      get.set_name(listed.name());
      v1::Task got;
      ASSERT_TRUE(Call(tasks_.get(), &TStub::GetTask, mia_, get, &got).ok());
      EXPECT_TRUE(
          google::protobuf::util::MessageDifferencer::Equals(listed, got))
          << listed.DebugString() << " vs " << got.DebugString();
      EXPECT_FALSE(listed.title().empty());
      EXPECT_FALSE(listed.etag().empty());
    }
  }
  EXPECT_EQ(ListNames(mia_, "projects/-", "team = sales"), (V{"d"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "project = crm"), (V{"d"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "labels:launch"), (V{"a", "c"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "priority <= P1", "priority"),
            (V{"b", "a"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "NOT labels:launch AND state = TODO"),
            (V{"b", "d"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "assignee = sam OR priority = P0"),
            (V{"b", "c"}));
  EXPECT_EQ(
      ListNames(mia_, "projects/-",
                absl::StrCat("due_time >= \"", Rfc3339(t0 + absl::Hours(20)),
                             "\" AND due_time < \"",
                             Rfc3339(t0 + absl::Hours(300)), "\"")),
      (V{"a", "d"}));
  // Tasks without a due time come last.
  EXPECT_EQ(ListNames(mia_, "projects/-", ""), (V{"b", "a", "d", "c"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "", "due_time desc"),
            (V{"d", "a", "b", "c"}));
  EXPECT_EQ(ListNames(mia_, "projects/-", "", "create_time desc"),
            (V{"d", "c", "b", "a"}));
  EXPECT_EQ(ListNames(mia_, "projects/web", "", "priority"),
            (V{"b", "a", "c"}));

  grpc::Status s;
  ListNames(mia_, "projects/-", "assignee = me AND (state = TODO", "", &s);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("expected \")\" at position 32"));
  ListNames(mia_, "projects/-", "due_time > tomorrow", "", &s);
  EXPECT_THAT(s.error_message(), HasSubstr("RFC 3339"));
  ListNames(mia_, "projects/-", "priority = P9", "", &s);
  EXPECT_THAT(s.error_message(), HasSubstr("not a priority"));
  ListNames(mia_, "projects/-", "", "title", &s);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("order_by"));
  ListNames(mia_, "projects/nope", "", "", &s);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
}

// GetTask and ListTasks parse their own requests (they are served in wire
// form): bytes that are not a request are refused, not a crash.
TEST_F(ProjectsTest, WireMethodsRefuseBytesThatAreNotARequest) {
  grpc::GenericStub generic(channel_);
  for (const char* method :
       {"/mops.v1.TaskService/GetTask", "/mops.v1.TaskService/ListTasks"}) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + mia_);
    // Field 1, length-delimited, with a length past the end.
    grpc::Slice slice(std::string("\x0a\x7f\x01", 3));
    grpc::ByteBuffer req(&slice, 1);
    grpc::ByteBuffer resp;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, method, grpc::StubOptions(), &req, &resp,
                      [&](grpc::Status s) { done.set_value(s); });
    grpc::Status s = done.get_future().get();
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << method;
    EXPECT_THAT(s.error_message(), HasSubstr("not a valid")) << method;
  }
  // The server still answers.
  v1::GetTaskRequest get;
  get.set_name("projects/none/tasks/none");
  v1::Task t;
  grpc::Status s = Call(tasks_.get(), &TStub::GetTask, mia_, get, &t);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("projects/none/tasks/none"));
}

// Found from outside: 8 KB of nested parentheses on a list's filter killed
// the server with SIGSEGV. Now each list refuses it and the server goes on.
TEST_F(ProjectsTest, DeeplyNestedFiltersAreRefusedAndTheServerStaysUp) {
  for (const std::string& open : {std::string("("), std::string("NOT (")}) {
    std::string filter;
    while (filter.size() < 8000) filter += open;
    filter += "state = TODO" + std::string(8000 / open.size() + 1, ')');
    v1::ListTasksRequest tasks;
    tasks.set_parent("projects/-");
    tasks.set_filter(filter);
    v1::ListTasksResponse tasks_resp;
    grpc::Status s =
        Call(tasks_.get(), &TStub::ListTasks, mia_, tasks, &tasks_resp);
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("filter"));

    std::string shallow;  // under the length bound, over the depth bound
    for (int i = 0; i < 40; ++i) shallow += open;
    shallow += "state = ACTIVE" + std::string(40, ')');
    v1::ListProjectsRequest projects;
    projects.set_filter(shallow);
    v1::ListProjectsResponse projects_resp;
    s = Call(projects_.get(), &PStub::ListProjects, mia_, projects,
             &projects_resp);
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("nest deeper than 32"));

    v1::ListApprovalsRequest approvals;
    approvals.set_filter(filter);
    v1::ListApprovalsResponse approvals_resp;
    s = Call(approvals_.get(), &v1::ApprovalService::Stub::ListApprovals, mia_,
             approvals, &approvals_resp);
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  }
  v1::Project p;
  EXPECT_TRUE(CreateProject(mia_, "alive", &p).ok());
}

// Found from outside: the README said descriptions hold 2000 bytes while
// projects, tasks and approvals took 10,000. Every description-like field
// now holds the README's 10,000 bytes and refuses one more, naming itself.
TEST_F(ProjectsTest, DescriptionsHoldTheDocumentedTenThousandBytes) {
  const std::string fits(10000, 'x');
  const std::string over(10001, 'x');
  auto team = [&](const std::string& text, const std::string& id) {
    v1::CreateTeamRequest req;
    req.set_team_id(id);
    req.mutable_team()->set_description(text);
    v1::Team t;
    return Call(identity_.get(), &v1::IdentityService::Stub::CreateTeam,
                admin_token_, req, &t);
  };
  auto project = [&](const std::string& text, const std::string& id) {
    v1::CreateProjectRequest req;
    req.set_project_id(id);
    req.mutable_project()->set_title("P");
    req.mutable_project()->set_team("teams/marketing");
    req.mutable_project()->set_description(text);
    v1::Project p;
    return Call(projects_.get(), &PStub::CreateProject, mia_, req, &p);
  };
  auto task = [&](const std::string& text, const std::string& id) {
    v1::CreateTaskRequest req;
    req.set_parent("projects/desc");
    req.set_task_id(id);
    req.mutable_task()->set_title("T");
    req.mutable_task()->set_description(text);
    v1::Task t;
    return Call(tasks_.get(), &TStub::CreateTask, mia_, req, &t);
  };
  auto approval = [&](const std::string& text, const std::string&) {
    v1::CreateApprovalRequest req;
    req.mutable_approval()->set_subject("projects/desc");
    req.mutable_approval()->set_title("A");
    req.mutable_approval()->set_details(text);
    req.mutable_approval()->add_groups()->add_users("users/sam");
    v1::Approval a;
    return Call(approvals_.get(), &v1::ApprovalService::Stub::CreateApproval,
                mia_, req, &a);
  };
  struct Case {
    std::string field;
    std::function<grpc::Status(const std::string&, const std::string&)> call;
  };
  ASSERT_TRUE(project("", "desc").ok());
  for (const Case& c : std::vector<Case>{{"team.description", team},
                                         {"project.description", project},
                                         {"task.description", task},
                                         {"approval.details", approval}}) {
    grpc::Status s = c.call(fits, "fits");
    EXPECT_TRUE(s.ok()) << c.field << ": " << s.error_message();
    s = c.call(over, "over");
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(s.error_message(), HasSubstr(c.field));
    EXPECT_THAT(s.error_message(), HasSubstr("10001 bytes; at most 10000"));
  }
}

TEST_F(ProjectsTest, PagesHaveNoDuplicatesOrGapsWhileOthersWrite) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  for (int i = 0; i < 40; ++i) {
    MustCreateTask("web", absl::StrCat("t", 100 + i), [&](v1::Task* t) {
      t->set_assignee("users/mia");
      *t->mutable_due_time() =
          ToProtoTime(testing::kTestStart + absl::Hours(i + 1));
    });
  }
  for (const std::string& filter :
       {std::string("assignee = me AND state = TODO"),
        std::string("assignee = me AND state != DONE AND state != CANCELLED"),
        std::string(""), std::string("labels:none OR assignee = mia")}) {
    for (const std::string& order :
         {std::string(""), std::string("create_time desc")}) {
      v1::ListTasksRequest req;
      req.set_parent("projects/-");
      req.set_filter(filter);
      req.set_order_by(order);
      req.set_page_size(7);
      std::set<std::string> seen;
      int page = 0;
      while (true) {
        v1::ListTasksResponse resp;
        grpc::Status s =
            Call(tasks_.get(), &TStub::ListTasks, mia_, req, &resp);
        ASSERT_TRUE(s.ok()) << s.error_message();
        for (const auto& t : resp.tasks()) {
          EXPECT_TRUE(seen.insert(t.name()).second) << "duplicate " << t.name();
        }
        // Others add tasks due before and after every page.
        MustCreateTask(
            "web", absl::StrCat("x", filter.size(), order.size(), "-", page),
            [&](v1::Task* t) {
              t->set_assignee("users/mia");
              *t->mutable_due_time() = ToProtoTime(
                  testing::kTestStart + absl::Minutes(page % 2 ? 1 : 100000));
            });
        ++page;
        if (resp.next_page_token().empty()) break;
        req.set_page_token(resp.next_page_token());
      }
      for (int i = 0; i < 40; ++i) {
        EXPECT_TRUE(seen.count(absl::StrCat("projects/web/tasks/t", 100 + i)))
            << "gap at t" << 100 + i << " with filter \"" << filter
            << "\" order \"" << order << "\"";
      }
    }
  }
  // A token is bound to its query.
  v1::ListTasksRequest req;
  req.set_parent("projects/-");
  req.set_page_size(1);
  v1::ListTasksResponse resp;
  ASSERT_TRUE(Call(tasks_.get(), &TStub::ListTasks, mia_, req, &resp).ok());
  req.set_page_token(resp.next_page_token());
  req.set_filter("assignee = me");
  grpc::Status s = Call(tasks_.get(), &TStub::ListTasks, mia_, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

TEST_F(ProjectsTest, OverdueTimerFiresOnceForOpenTasksAtTheCurrentDueTime) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  const absl::Time t0 = testing::kTestStart;
  MustCreateTask("web", "late", [&](v1::Task* t) {
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(1));
    t->set_assignee("users/mia");
  });
  MustCreateTask("web", "done-in-time", [&](v1::Task* t) {
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(1));
  });
  MustCreateTask("web", "moved", [&](v1::Task* t) {
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(1));
  });
  ASSERT_TRUE(
      Act(&TStub::CompleteTask, mia_, "projects/web/tasks/done-in-time").ok());
  v1::UpdateTaskRequest move;
  move.mutable_task()->set_name("projects/web/tasks/moved");
  *move.mutable_task()->mutable_due_time() = ToProtoTime(t0 + absl::Hours(5));
  move.mutable_update_mask()->add_paths("due_time");
  v1::Task t;
  ASSERT_TRUE(Call(tasks_.get(), &TStub::UpdateTask, mia_, move, &t).ok());

  auto wait_for = [&](const std::string& subject) {
    for (int i = 0; i < 300; ++i) {
      server_->engine()->WakeTimers();
      if (CountEvents("task.overdue", subject) > 0) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  };
  clock_.Advance(absl::Minutes(59));
  server_->engine()->WakeTimers();
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(CountEvents("task.overdue", "projects/web/tasks/late"), 0);

  clock_.Advance(absl::Minutes(2));
  EXPECT_TRUE(wait_for("projects/web/tasks/late"));
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(CountEvents("task.overdue", "projects/web/tasks/late"), 1);
  EXPECT_EQ(CountEvents("task.overdue", "projects/web/tasks/done-in-time"), 0);
  EXPECT_EQ(CountEvents("task.overdue", "projects/web/tasks/moved"), 0);
  for (const auto& e : AllEvents()) {
    if (e.type() == "task.overdue") {
      EXPECT_EQ(e.task_overdue().task().assignee(), "users/mia");
      EXPECT_EQ(e.actor(), "system");
    }
  }

  // The moved task fires at its new time, across a restart.
  server_.reset();
  clock_.Advance(absl::Hours(5));
  StartServer(dir_.Sub("data"));
  EXPECT_TRUE(wait_for("projects/web/tasks/moved"));
}

}  // namespace
}  // namespace mops

namespace mops {
namespace {

TEST_F(ProjectsTest, BatchCreateIsAllOrNothingAndReplays) {
  ASSERT_TRUE(CreateProject(mia_, "web").ok());
  v1::BatchCreateTasksRequest req;
  req.set_parent("projects/web");
  req.set_request_id("batch-1");
  for (int i = 0; i < 3; ++i) {
    auto* one = req.add_requests();
    one->set_task_id(absl::StrCat("b", i));
    one->mutable_task()->set_title(absl::StrCat("Batch ", i));
    one->mutable_task()->set_assignee("users/mia");
  }
  v1::BatchCreateTasksResponse resp;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::BatchCreateTasks, mia_, req, &resp).ok());
  ASSERT_EQ(resp.tasks_size(), 3);
  EXPECT_EQ(resp.tasks(2).name(), "projects/web/tasks/b2");
  v1::BatchCreateTasksResponse again;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::BatchCreateTasks, mia_, req, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), resp.SerializeAsString());
  EXPECT_EQ(ListNames(mia_, "projects/web", "").size(), 3u);

  // One bad entry: nothing is created, and the message says which.
  req.set_request_id("");
  for (int i = 0; i < 3; ++i)
    req.mutable_requests(i)->set_task_id(absl::StrCat("c", i));
  req.mutable_requests(1)->mutable_task()->set_assignee("users/ghost");
  grpc::Status s =
      Call(tasks_.get(), &TStub::BatchCreateTasks, mia_, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("requests[1]"));
  EXPECT_EQ(ListNames(mia_, "projects/web", "").size(), 3u);
  req.mutable_requests(1)->mutable_task()->set_title("");
  s = Call(tasks_.get(), &TStub::BatchCreateTasks, mia_, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("requests[1]: task.title"));
  // Strangers cannot batch into the project either.
  req.mutable_requests(1)->mutable_task()->set_title("ok");
  req.mutable_requests(1)->mutable_task()->clear_assignee();
  EXPECT_EQ(Call(tasks_.get(), &TStub::BatchCreateTasks, sam_, req, &resp)
                .error_code(),
            grpc::PERMISSION_DENIED);
  v1::BatchCreateTasksRequest empty;
  empty.set_parent("projects/web");
  EXPECT_EQ(Call(tasks_.get(), &TStub::BatchCreateTasks, mia_, empty, &resp)
                .error_code(),
            grpc::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace mops

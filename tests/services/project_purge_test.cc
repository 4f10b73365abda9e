// A forced DeleteProject of a project with more tasks than one chunk: the
// tasks are gone for readers at once, go in chunks in the background (also
// across a restart), and the id is free again after the last chunk.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/projects/projects.h"
#include "tests/testing/service_fixture.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using PStub = v1::ProjectService::Stub;
using TStub = v1::TaskService::Stub;

constexpr int kTasks = 2 * services::projects::kPurgeChunk + 500;

class ProjectPurgeTest : public testing::ServiceTest {
 protected:
  grpc::Status CreateProject(const std::string& id) {
    v1::CreateProjectRequest req;
    req.set_project_id(id);
    req.mutable_project()->set_title("Project " + id);
    req.mutable_project()->set_team("teams/marketing");
    v1::Project out;
    return Call(projects_.get(), &PStub::CreateProject, admin_token_, req,
                &out);
  }
  // Tasks t0..t{n-1} of `project`, every one assigned to the admin.
  void CreateTasks(const std::string& project, int n) {
    for (int start = 0; start < n; start += 1000) {
      v1::BatchCreateTasksRequest req;
      req.set_parent("projects/" + project);
      for (int i = start; i < std::min(n, start + 1000); ++i) {
        v1::CreateTaskRequest* one = req.add_requests();
        one->set_task_id(absl::StrCat("t", i));
        one->mutable_task()->set_title(absl::StrCat("Task ", i));
        one->mutable_task()->set_assignee("users/admin");
      }
      v1::BatchCreateTasksResponse resp;
      ASSERT_TRUE(
          Call(tasks_.get(), &TStub::BatchCreateTasks, admin_token_, req, &resp)
              .ok());
    }
  }
  std::vector<std::string> MyTaskNames() {
    v1::ListTasksRequest req;
    req.set_parent("projects/-");
    req.set_filter("assignee = \"me\"");
    req.set_page_size(1000);
    v1::ListTasksResponse resp;
    grpc::Status s =
        Call(tasks_.get(), &TStub::ListTasks, admin_token_, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> names;
    for (const auto& t : resp.tasks()) names.push_back(t.name());
    return names;
  }
  // A forced DeleteProject; returns how many tasks it deletes.
  int ForceDelete(const std::string& id) {
    v1::DeleteProjectRequest del;
    del.set_name("projects/" + id);
    del.set_force(true);
    v1::DeleteProjectResponse deleted;
    grpc::Status s = Call(projects_.get(), &PStub::DeleteProject, admin_token_,
                          del, &deleted);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return deleted.deleted_tasks();
  }
  // Runs due timers until the id can be used again (bounded).
  bool WaitUntilIdIsFree(const std::string& id) {
    for (int i = 0; i < 500; ++i) {
      clock_.Advance(services::projects::kPurgePause);
      server_->engine()->WakeTimers();
      if (CreateProject(id).ok()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }
};

TEST_F(ProjectPurgeTest, TasksGoAtOnceForReadersAndInChunksOnDisk) {
  ASSERT_TRUE(CreateProject("doomed").ok());
  ASSERT_TRUE(CreateProject("kept").ok());
  CreateTasks("doomed", kTasks);
  // A task elsewhere that depends on one of the doomed ones.
  v1::CreateTaskRequest dep;
  dep.set_parent("projects/kept");
  dep.set_task_id("waits");
  dep.mutable_task()->set_title("Waits");
  dep.mutable_task()->set_assignee("users/admin");
  dep.mutable_task()->add_dependencies("projects/doomed/tasks/t7");
  v1::Task waits;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::CreateTask, admin_token_, dep, &waits).ok());

  v1::DeleteProjectRequest del;
  del.set_name("projects/doomed");
  v1::DeleteProjectResponse deleted;
  grpc::Status refused =
      Call(projects_.get(), &PStub::DeleteProject, admin_token_, del, &deleted);
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);  // open tasks
  del.set_force(true);
  ASSERT_TRUE(
      Call(projects_.get(), &PStub::DeleteProject, admin_token_, del, &deleted)
          .ok());
  EXPECT_EQ(deleted.deleted_tasks(), kTasks);

  // Gone for readers before the chunks have run.
  v1::GetTaskRequest get;
  get.set_name("projects/doomed/tasks/t1999");
  v1::Task t;
  EXPECT_EQ(
      Call(tasks_.get(), &TStub::GetTask, admin_token_, get, &t).error_code(),
      grpc::NOT_FOUND);
  EXPECT_THAT(MyTaskNames(),
              ::testing::ElementsAre("projects/kept/tasks/waits"));
  grpc::Status reused = CreateProject("doomed");
  EXPECT_EQ(reused.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(reused.error_message(), HasSubstr("still being removed"));

  ASSERT_TRUE(WaitUntilIdIsFree("doomed"));
  EXPECT_EQ(CountEvents("project.deleted", "projects/doomed"), 1);
  int task_deleted = 0;
  for (const auto& e : AllEvents()) {
    if (e.type() == "task.deleted" &&
        e.subject().rfind("projects/doomed/", 0) == 0) {
      ++task_deleted;
      EXPECT_EQ(e.actor(), "users/admin");
    }
  }
  EXPECT_EQ(task_deleted, kTasks);
  // The dependent lost its dependency, with an event saying so.
  get.set_name(waits.name());
  ASSERT_TRUE(Call(tasks_.get(), &TStub::GetTask, admin_token_, get, &t).ok());
  EXPECT_TRUE(t.dependencies().empty());
  // The new project of the same id has none of the old tasks.
  v1::ListTasksRequest list;
  list.set_parent("projects/doomed");
  v1::ListTasksResponse resp;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::ListTasks, admin_token_, list, &resp).ok());
  EXPECT_EQ(resp.tasks_size(), 0);
}

TEST_F(ProjectPurgeTest, APurgeGoesOnAfterARestart) {
  ASSERT_TRUE(CreateProject("doomed").ok());
  CreateTasks("doomed", kTasks);
  ForceDelete("doomed");
  server_.reset();
  StartServer(dir_.Sub("data"));
  EXPECT_TRUE(MyTaskNames().empty());
  ASSERT_TRUE(WaitUntilIdIsFree("doomed"));
  v1::ListTasksRequest list;
  list.set_parent("projects/doomed");
  v1::ListTasksResponse resp;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::ListTasks, admin_token_, list, &resp).ok());
  EXPECT_EQ(resp.tasks_size(), 0);
}

// A task elsewhere that a doomed task waits on can still be completed while
// the doomed one waits for its chunk.
TEST_F(ProjectPurgeTest, CompletingADependencyOfAGoingTaskWorks) {
  ASSERT_TRUE(CreateProject("doomed").ok());
  ASSERT_TRUE(CreateProject("kept").ok());
  v1::CreateTaskRequest dep;
  dep.set_parent("projects/kept");
  dep.set_task_id("first");
  dep.mutable_task()->set_title("First");
  v1::Task first;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::CreateTask, admin_token_, dep, &first).ok());
  CreateTasks("doomed", kTasks);
  // The last doomed task (in the last chunk) waits on kept/first.
  v1::UpdateTaskRequest wait;
  wait.mutable_task()->set_name(
      absl::StrCat("projects/doomed/tasks/t", kTasks - 1));
  wait.mutable_task()->add_dependencies(first.name());
  wait.mutable_update_mask()->add_paths("dependencies");
  v1::Task t;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::UpdateTask, admin_token_, wait, &t).ok());
  ForceDelete("doomed");
  v1::TaskActionRequest complete;
  complete.set_name(first.name());
  grpc::Status s =
      Call(tasks_.get(), &TStub::CompleteTask, admin_token_, complete, &t);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(t.state(), v1::Task::DONE);
}

// Two purges at once: each project's tasks are hidden until its own last
// chunk, and both ids come free.
TEST_F(ProjectPurgeTest, TwoPurgesAtOnceKeepEachOther) {
  for (const std::string id : {"one", "two"}) {
    ASSERT_TRUE(CreateProject(id).ok());
    CreateTasks(id, kTasks);
  }
  for (const std::string id : {"one", "two"}) ForceDelete(id);
  EXPECT_TRUE(MyTaskNames().empty());
  EXPECT_TRUE(WaitUntilIdIsFree("one"));
  EXPECT_TRUE(WaitUntilIdIsFree("two"));
  EXPECT_TRUE(MyTaskNames().empty());
}

// A small project still goes at once, and its id is free right away.
TEST_F(ProjectPurgeTest, ASmallProjectIsDeletedInOneGo) {
  ASSERT_TRUE(CreateProject("small").ok());
  CreateTasks("small", 10);
  EXPECT_EQ(ForceDelete("small"), 10);
  EXPECT_TRUE(CreateProject("small").ok());
}

}  // namespace
}  // namespace mops

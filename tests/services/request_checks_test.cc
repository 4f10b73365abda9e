// Out-of-range values never reach the store: every request is checked
// against its descriptor before Validate (timestamps, durations, enums).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/message_checks.h"
#include "tests/testing/service_fixture.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using TStub = v1::TaskService::Stub;
using PStub = v1::ProjectService::Stub;

class RequestChecksTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    v1::CreateProjectRequest req;
    req.set_project_id("web");
    req.mutable_project()->set_title("Web");
    req.mutable_project()->set_team("teams/marketing");
    v1::Project project;
    ASSERT_TRUE(Call(projects_.get(), &PStub::CreateProject, admin_token_, req,
                     &project)
                    .ok());
  }

  grpc::Status CreateTask(const v1::Task& task, v1::Task* out) {
    v1::CreateTaskRequest req;
    req.set_parent("projects/web");
    *req.mutable_task() = task;
    return Call(tasks_.get(), &TStub::CreateTask, admin_token_, req, out);
  }
};

TEST_F(RequestChecksTest, OutOfRangeValuesAreRefusedNamingTheField) {
  struct Case {
    const char* what;
    v1::Task task;
    const char* field;
  };
  std::vector<Case> cases;
  {
    Case c{"due after 9999", {}, "task.due_time"};
    c.task.set_title("t");
    c.task.mutable_due_time()->set_seconds(services::kMaxTimestampSeconds + 1);
    cases.push_back(c);
  }
  {
    Case c{"start before year 1", {}, "task.start_time"};
    c.task.set_title("t");
    c.task.mutable_start_time()->set_seconds(services::kMinTimestampSeconds -
                                             1);
    cases.push_back(c);
  }
  {
    Case c{"negative estimate", {}, "task.estimate"};
    c.task.set_title("t");
    c.task.mutable_estimate()->set_seconds(-60);
    cases.push_back(c);
  }
  {
    Case c{"estimate of a century", {}, "task.estimate"};
    c.task.set_title("t");
    c.task.mutable_estimate()->set_seconds(services::kMaxDurationSeconds + 1);
    cases.push_back(c);
  }
  {
    Case c{"priority 99", {}, "task.priority"};
    c.task.set_title("t");
    c.task.set_priority(static_cast<v1::Task::Priority>(99));
    cases.push_back(c);
  }
  for (const Case& c : cases) {
    v1::Task out;
    grpc::Status s = CreateTask(c.task, &out);
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << c.what;
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << c.what;
  }
  // Nothing was stored.
  v1::ListTasksRequest list;
  list.set_parent("projects/web");
  v1::ListTasksResponse tasks;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::ListTasks, admin_token_, list, &tasks).ok());
  EXPECT_EQ(tasks.tasks_size(), 0);
}

TEST_F(RequestChecksTest, TheLastRepresentableSecondIsAcceptedAndReadBack) {
  v1::Task task;
  task.set_title("far away");
  task.mutable_due_time()->set_seconds(services::kMaxTimestampSeconds);
  v1::Task created;
  ASSERT_TRUE(CreateTask(task, &created).ok());
  v1::GetTaskRequest get;
  get.set_name(created.name());
  v1::Task read;
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::GetTask, admin_token_, get, &read).ok());
  EXPECT_EQ(read.due_time().seconds(), services::kMaxTimestampSeconds);

  // An update that would move it out of range is refused and changes nothing.
  v1::UpdateTaskRequest update;
  *update.mutable_task() = read;
  update.mutable_task()->mutable_due_time()->set_seconds(
      services::kMaxTimestampSeconds + 86400);
  update.mutable_update_mask()->add_paths("due_time");
  v1::Task updated;
  grpc::Status s =
      Call(tasks_.get(), &TStub::UpdateTask, admin_token_, update, &updated);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("task.due_time"));
  ASSERT_TRUE(
      Call(tasks_.get(), &TStub::GetTask, admin_token_, get, &read).ok());
  EXPECT_EQ(read.due_time().seconds(), services::kMaxTimestampSeconds);
}

}  // namespace
}  // namespace mops

// Tasks over a real channel: ids, fields, dependencies, the state machine,
// assignees, lists and filters.
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
}  // namespace
}  // namespace mops

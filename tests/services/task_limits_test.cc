// Tasks at their limits: bad bytes, deep filters, long descriptions, pages
// under concurrent writes, overdue timers, batches.
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
    // Nanoseconds, as some clients send them: the timer still matches.
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(1));
    t->mutable_due_time()->set_nanos(123456789);
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
  // Moved by less than a microsecond: the same due time for the timer.
  MustCreateTask("web", "nudged", [&](v1::Task* t) {
    *t->mutable_due_time() = ToProtoTime(t0 + absl::Hours(1));
    t->set_assignee("users/mia");
  });
  v1::UpdateTaskRequest nudge;
  nudge.mutable_task()->set_name("projects/web/tasks/nudged");
  *nudge.mutable_task()->mutable_due_time() = ToProtoTime(t0 + absl::Hours(1));
  nudge.mutable_task()->mutable_due_time()->set_nanos(300);
  nudge.mutable_update_mask()->add_paths("due_time");
  ASSERT_TRUE(Call(tasks_.get(), &TStub::UpdateTask, mia_, nudge, &t).ok());

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
  EXPECT_TRUE(wait_for("projects/web/tasks/nudged"));
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

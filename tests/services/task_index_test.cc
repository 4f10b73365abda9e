// Selective task Lists read an index, not the table: with 100,000 other
// tasks stored, the rows read stay near the page (or the match count).
#include <limits>
#include <set>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/calendars/keys.h"
#include "services/common/keys.h"
#include "services/common/time_util.h"
#include "services/identity/commands/commands.h"
#include "services/identity/identity.h"
#include "services/identity/keys.h"
#include "services/projects/commands/commands.h"
#include "services/projects/keys.h"
#include "services/projects/projects.h"
#include "storage/checked_reader.h"
#include "storage/engine.h"
#include "storage/status_macros.h"
#include "tests/testing/temp_dir.h"

namespace mops::services::projects {
namespace {

// Returns early from a command when a StatusOr failed.
#define RETURN_IF_ERROR_OR(expr) RETURN_IF_ERROR((expr).status())

// Runs a command's Apply directly, as the binder does after Validate.
template <typename C>
absl::Status Apply(storage::Txn& txn, const Principal& p,
                   const typename C::Request& req) {
  typename C::Response out;
  return C().Apply(txn, p, req, &out);
}

const absl::Time kStart = absl::FromUnixSeconds(1795000000);

class TaskIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    clock_ = new storage::FakeClock(kStart);
    storage::EngineOptions options;
    options.path = dir_->Sub("db");
    options.clock = clock_;
    services::keys::RegisterKeySpaces(options.key_spaces);
    calendars::keys::RegisterKeySpaces(options.key_spaces);
    identity::keys::RegisterKeySpaces(options.key_spaces);
    keys::RegisterKeySpaces(options.key_spaces);
    engine_ = storage::Engine::Open(options)->release();
    engine_->Start();
    Principal admin = Principal::System();
    Must([&](storage::Txn& txn) {
      RETURN_IF_ERROR_OR(
          identity::Bootstrap(txn, identity::TokenCredential::Generate()));
      for (int i = 0; i < 20; ++i) CreateUser(txn, absl::StrCat("u", i));
      CreateUser(txn, "ann");
      v1::CreateTeamRequest team;
      team.set_team_id("legal");
      RETURN_IF_ERROR(Apply<identity::commands::CreateTeam>(txn, admin, team));
      v1::CreateProjectRequest project;
      project.set_project_id("big");
      project.mutable_project()->set_title("Big");
      project.mutable_project()->set_team("teams/marketing");
      return Apply<commands::CreateProject>(txn, admin, project);
    });
    // 100,000 tasks of other people and teams, due over a year.
    const char* teams[] = {"marketing", "sales", "it", "finance"};
    absl::BitGen rng;
    for (int batch = 0; batch < 100; ++batch) {
      Must([&](storage::Txn& txn) {
        for (int i = 0; i < 1000; ++i) {
          v1::CreateTaskRequest req;
          req.set_parent("projects/big");
          req.set_task_id(absl::StrCat("o", batch, "-", i));
          req.mutable_task()->set_title("other");
          req.mutable_task()->set_assignee(
              absl::StrCat("users/u", absl::Uniform(rng, 0, 20)));
          req.mutable_task()->set_team(
              absl::StrCat("teams/", teams[absl::Uniform(rng, 0, 4)]));
          *req.mutable_task()->mutable_due_time() = ToProtoTime(
              kStart + absl::Minutes(absl::Uniform(rng, 0, 525600)));
          RETURN_IF_ERROR(Apply<commands::CreateTask>(txn, admin, req));
        }
        return absl::OkStatus();
      });
    }
    // Ann: 120 open and 300 done tasks. Legal: 100 tasks a week for 50 weeks.
    Must([&](storage::Txn& txn) {
      for (int i = 0; i < 420; ++i) {
        v1::CreateTaskRequest req;
        req.set_parent("projects/big");
        req.set_task_id(absl::StrCat("ann", i));
        req.mutable_task()->set_title("ann's");
        req.mutable_task()->set_assignee("users/ann");
        *req.mutable_task()->mutable_due_time() =
            ToProtoTime(kStart + absl::Hours(i));
        RETURN_IF_ERROR(Apply<commands::CreateTask>(txn, admin, req));
        if (i >= 120) {
          v1::TaskActionRequest done;
          done.set_name(absl::StrCat("projects/big/tasks/ann", i));
          RETURN_IF_ERROR(Apply<commands::CompleteTask>(txn, admin, done));
        }
      }
      for (int i = 0; i < 5000; ++i) {
        v1::CreateTaskRequest req;
        req.set_parent("projects/big");
        req.set_task_id(absl::StrCat("legal", i));
        req.mutable_task()->set_title("legal review");
        req.mutable_task()->set_team("teams/legal");
        *req.mutable_task()->mutable_due_time() = ToProtoTime(
            kStart + absl::Hours(7 * 24 * (i / 100)) + absl::Minutes(i % 100));
        RETURN_IF_ERROR(Apply<commands::CreateTask>(txn, admin, req));
      }
      return absl::OkStatus();
    });
  }

  static void TearDownTestSuite() {
    delete engine_;
    delete clock_;
    delete dir_;
  }

  static void Must(const storage::Engine::Command& command) {
    absl::Status s = engine_->Execute(command);
    ASSERT_TRUE(s.ok()) << s;
  }

  static void CreateUser(storage::Txn& txn, const std::string& id) {
    v1::CreateUserRequest req;
    req.set_user_id(id);
    absl::Status s =
        Apply<identity::commands::CreateUser>(txn, Principal::System(), req);
    EXPECT_TRUE(s.ok()) << s;
  }

  static Principal Ann() {
    Principal p;
    p.user_id = "ann";
    return p;
  }

  static testing::TempDir* dir_;
  static storage::FakeClock* clock_;
  static storage::Engine* engine_;
};

testing::TempDir* TaskIndexTest::dir_ = nullptr;
storage::FakeClock* TaskIndexTest::clock_ = nullptr;
storage::Engine* TaskIndexTest::engine_ = nullptr;

TEST_F(TaskIndexTest, MyOpenTasksReadAboutOnePage) {
  v1::ListTasksRequest req;
  req.set_parent("projects/-");
  req.set_filter(
      "assignee = \"me\" AND (state = TODO OR state = IN_PROGRESS OR state = "
      "BLOCKED)");
  req.set_page_size(50);
  std::set<std::string> seen;
  int pages = 0;
  int64_t last_due = 0;
  while (true) {
    ListStats stats;
    auto resp = ListTasks(*engine_, Ann(), req, &stats);
    ASSERT_TRUE(resp.ok()) << resp.status();
    ++pages;
    EXPECT_LE(stats.records_read, 51) << "page " << pages;
    EXPECT_LE(stats.index_rows, 51) << "page " << pages;
    for (const auto& t : resp->tasks()) {
      EXPECT_EQ(t.assignee(), "users/ann");
      EXPECT_EQ(t.state(), v1::Task::TODO);
      int64_t due = absl::ToUnixMicros(FromProtoTime(t.due_time()));
      EXPECT_GE(due, last_due) << "not in due order";
      last_due = due;
      EXPECT_TRUE(seen.insert(t.name()).second) << "duplicate " << t.name();
    }
    if (resp->next_page_token().empty()) break;
    req.set_page_token(resp->next_page_token());
  }
  EXPECT_EQ(seen.size(), 120u);
  EXPECT_EQ(pages, 3);
}

TEST_F(TaskIndexTest, OneTeamsTasksDueThisWeekReadOnlyThatWeek) {
  const absl::Time week = kStart + absl::Hours(7 * 24 * 10);
  v1::ListTasksRequest req;
  req.set_parent("projects/big");
  req.set_filter(absl::StrCat(
      "team = legal AND due_time >= \"",
      absl::FormatTime(absl::RFC3339_full, week, absl::UTCTimeZone()),
      "\" AND due_time < \"",
      absl::FormatTime(absl::RFC3339_full, week + absl::Hours(7 * 24),
                       absl::UTCTimeZone()),
      "\""));
  req.set_page_size(1000);
  ListStats stats;
  auto resp = ListTasks(*engine_, Ann(), req, &stats);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->tasks_size(), 100);
  for (const auto& t : resp->tasks()) EXPECT_EQ(t.team(), "teams/legal");
  EXPECT_LE(stats.records_read, 100);
  EXPECT_LE(stats.index_rows, 100);
}

TEST_F(TaskIndexTest, PagesInAnOrderNoIndexHasReturnEveryMatchOnceInOrder) {
  // Newest due first is not the index's order: each page is picked from
  // all of legal's 5,000 tasks.
  v1::ListTasksRequest req;
  req.set_parent("projects/big");
  req.set_filter("team = \"teams/legal\"");
  req.set_order_by("due_time desc");
  req.set_page_size(700);
  std::set<std::string> seen;
  int64_t previous_due = std::numeric_limits<int64_t>::max();
  for (int pages = 0; pages < 20; ++pages) {
    ListStats stats;
    auto resp = ListTasks(*engine_, Ann(), req, &stats);
    ASSERT_TRUE(resp.ok()) << resp.status();
    for (const v1::Task& t : resp->tasks()) {
      EXPECT_TRUE(seen.insert(t.name()).second) << t.name() << " twice";
      const int64_t due = absl::ToUnixMicros(FromProtoTime(t.due_time()));
      EXPECT_LT(due, previous_due) << t.name() << " out of order";
      previous_due = due;
    }
    if (resp->next_page_token().empty()) break;
    EXPECT_EQ(resp->tasks_size(), 700);
    req.set_page_token(resp->next_page_token());
  }
  EXPECT_EQ(seen.size(), 5000u);
}

TEST_F(TaskIndexTest, AnUnselectiveFilterReadsEverything) {
  // The counter is real: a label filter has no index and reads every task.
  v1::ListTasksRequest req;
  req.set_parent("projects/-");
  req.set_filter("labels:nothing-has-this");
  ListStats stats;
  auto resp = ListTasks(*engine_, Ann(), req, &stats);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->tasks_size(), 0);
  EXPECT_GE(stats.records_read, 100000);
}

TEST_F(TaskIndexTest, AListThatWouldReadEveryTaskStopsWhenItsCallIsOver) {
  // What the server does once a client's deadline passes mid-list: the
  // reader's check fails and the list ends with its error instead of
  // reading the other 100,000 tasks.
  v1::ListTasksRequest unfiltered;
  unfiltered.set_parent("projects/-");
  unfiltered.set_filter("labels:nothing-has-this");
  v1::ListTasksRequest sorted;
  sorted.set_parent("projects/big");
  sorted.set_order_by("priority");
  for (const v1::ListTasksRequest& req : {unfiltered, sorted}) {
    int checks = 0;
    storage::CheckedReader reader(*engine_, [&](uint64_t rows) {
      if (++checks <= 4) return absl::OkStatus();
      return absl::DeadlineExceededError(absl::StrCat("over at ", rows));
    });
    ListStats stats;
    auto resp = ListTasks(reader, Ann(), req, &stats);
    EXPECT_EQ(resp.status().code(), absl::StatusCode::kDeadlineExceeded)
        << req.ShortDebugString() << ": " << resp.status();
    EXPECT_LE(stats.records_read, 4 * 256) << req.ShortDebugString();
    EXPECT_EQ(checks, 5) << req.ShortDebugString();
  }
}

}  // namespace
}  // namespace mops::services::projects

// Reactions run in their cause's Txn: they commit with it or not at all,
// breadth-first, with a depth limit that names the chain.
#include "services/common/reactions.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/events.h"
#include "storage/clock.h"
#include "storage/engine.h"
#include "tests/testing/temp_dir.h"

namespace mops::services {
namespace {

using ::testing::HasSubstr;

v1::Event Created(const std::string& task) {
  v1::Event e;
  e.mutable_task_created()->mutable_task()->set_name(task);
  return e;
}

class ReactionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.path = dir_.Sub("db");
    options.clock = &clock_;
    options.after_command = reactions_.Hook();
    auto engine = storage::Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
  }

  std::vector<v1::Event> Feed() {
    auto events = engine_->ReadEvents(0, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<v1::Event>{};
  }

  testing::TempDir dir_;
  storage::FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  Reactions reactions_;
  std::unique_ptr<storage::Engine> engine_;
};

TEST_F(ReactionsTest, EffectsCommitWithTheirCauseBreadthFirst) {
  // task.created -> task.updated (twice, two handlers) -> task.overdue.
  reactions_.On(
      "task.created", "first", [](storage::Txn& txn, const v1::Event& cause) {
        v1::Event e;
        *e.mutable_task_updated()->mutable_task() = cause.task_created().task();
        e.mutable_task_updated()->add_fields("first");
        EmitReaction(txn, cause, cause.subject(), std::move(e));
        return absl::OkStatus();
      });
  reactions_.On(
      "task.created", "second", [](storage::Txn& txn, const v1::Event& cause) {
        v1::Event e;
        *e.mutable_task_updated()->mutable_task() = cause.task_created().task();
        e.mutable_task_updated()->add_fields("second");
        EmitReaction(txn, cause, cause.subject(), std::move(e));
        return absl::OkStatus();
      });
  reactions_.On(
      "task.updated", "third", [](storage::Txn& txn, const v1::Event& cause) {
        if (cause.task_updated().fields(0) != "first") return absl::OkStatus();
        v1::Event e;
        *e.mutable_task_overdue()->mutable_task() = cause.task_updated().task();
        EmitReaction(txn, cause, cause.subject(), std::move(e));
        return absl::OkStatus();
      });
  ASSERT_TRUE(reactions_.Check().ok());
  engine_->Start();
  ASSERT_TRUE(engine_
                  ->Execute([](storage::Txn& txn) {
                    Emit(txn, Principal::System(), "projects/p/tasks/t",
                         Created("projects/p/tasks/t"));
                    return absl::OkStatus();
                  })
                  .ok());
  std::vector<v1::Event> feed = Feed();
  ASSERT_EQ(feed.size(), 4u);
  EXPECT_EQ(feed[0].type(), "task.created");
  EXPECT_FALSE(feed[0].has_cause_index());
  EXPECT_EQ(feed[1].type(), "task.updated");
  EXPECT_EQ(feed[1].cause_index(), 0u);
  EXPECT_EQ(feed[2].type(), "task.updated");
  EXPECT_EQ(feed[2].cause_index(), 0u);
  EXPECT_EQ(feed[3].type(), "task.overdue");
  EXPECT_EQ(feed[3].cause_index(), 1u);
  for (const v1::Event& e : feed) {
    EXPECT_EQ(e.revision(), feed[0].revision());
    EXPECT_EQ(e.actor(), "system");
  }
}

TEST_F(ReactionsTest, AFailingReactionFailsItsCause) {
  reactions_.On("task.created", "refuse", [](storage::Txn&, const v1::Event&) {
    return absl::FailedPreconditionError("no tasks today");
  });
  engine_->Start();
  absl::Status s = engine_->Execute([](storage::Txn& txn) {
    txn.Put(storage::Cf::kMeta, "test-row", "x");
    Emit(txn, Principal::System(), "projects/p/tasks/t",
         Created("projects/p/tasks/t"));
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("reaction refuse to task.created"));
  EXPECT_THAT(s.message(), HasSubstr("no tasks today"));
  EXPECT_TRUE(Feed().empty());
  auto row = engine_->Get(storage::Cf::kMeta, "test-row");
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->has_value()) << "the cause's own write was kept";
  EXPECT_EQ(engine_->committed_revision(), 0u);
}

TEST_F(ReactionsTest, ALoopStopsAtTheDepthLimitAndNamesTheChain) {
  // task.updated -> task.overdue -> task.updated -> ...
  reactions_.On("task.updated", "ping",
                [](storage::Txn& txn, const v1::Event& cause) {
                  v1::Event e;
                  e.mutable_task_overdue();
                  EmitReaction(txn, cause, cause.subject(), std::move(e));
                  return absl::OkStatus();
                });
  reactions_.On("task.overdue", "pong",
                [](storage::Txn& txn, const v1::Event& cause) {
                  v1::Event e;
                  e.mutable_task_updated();
                  EmitReaction(txn, cause, cause.subject(), std::move(e));
                  return absl::OkStatus();
                });
  engine_->Start();
  absl::Status s = engine_->Execute([](storage::Txn& txn) {
    v1::Event e;
    e.mutable_task_updated();
    Emit(txn, Principal::System(), "projects/p/tasks/t", std::move(e));
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr(absl::StrCat(
                               "more than ", Reactions::kMaxDepth, " rounds")));
  EXPECT_THAT(s.message(),
              HasSubstr("task.updated -> task.overdue -> task.updated"));
  EXPECT_TRUE(Feed().empty());
}

TEST_F(ReactionsTest, AHandlerForATypeTheCatalogLacksIsRefusedAtStart) {
  reactions_.On("task.finished", "typo", [](storage::Txn&, const v1::Event&) {
    return absl::OkStatus();
  });
  absl::Status s = reactions_.Check();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("typo (on \"task.finished\")"));
}

TEST(EventCatalogTest, EveryPayloadNamesAType) {
  std::vector<std::string> catalog = EventCatalog();
  EXPECT_THAT(catalog, ::testing::Contains("task.state_changed"));
  EXPECT_THAT(catalog, ::testing::Contains("team.member_added"));
  EXPECT_THAT(catalog, ::testing::Not(::testing::Contains("legacy")));
  v1::Event e;
  e.mutable_approval_decided();
  EXPECT_EQ(EventTypeOf(e), "approval.decided");
  for (const std::string& type : catalog) {
    EXPECT_EQ(std::count(type.begin(), type.end(), '.'), 1) << type;
  }
}

}  // namespace
}  // namespace mops::services

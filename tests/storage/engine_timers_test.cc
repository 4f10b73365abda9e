// The engine: timers, checkpoints and a full disk.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/file_system.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/status_macros.h"
#include "tests/testing/engine_fixture.h"

namespace mops::storage {
namespace {

using ::testing::HasSubstr;

TEST_F(EngineTest, TimerFiresOnlyWhenDue) {
  auto engine = OpenEngine();
  std::string timer_key;
  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    TimerRecord t;
                    t.set_kind("test.fire");
                    t.set_target("job-1");
                    timer_key = txn.SetTimer(txn.Now() + absl::Hours(1), t);
                    return absl::OkStatus();
                  })
                  .ok());
  clock_.Advance(absl::Minutes(59));
  engine->WakeTimers();
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_FALSE(HasEvent(*engine, "test.fired", "job-1"));

  clock_.Advance(absl::Minutes(2));
  EXPECT_TRUE(WaitForEvent(*engine, "test.fired", "job-1"));
  // The timer's row is gone: it fires once.
  auto row = engine->Get(Cf::kTimers, timer_key);
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->has_value());
  EXPECT_EQ(engine->stats().timers_fired, 1u);
}

TEST_F(EngineTest, TimerRowThatDoesNotParseIsDroppedAndOthersFire) {
  auto engine = OpenEngine();
  std::string bad_key, good_key;
  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    TimerRecord t;
                    t.set_kind("test.fire");
                    t.set_target("job-after-bad");
                    good_key = txn.SetTimer(txn.Now() + absl::Minutes(2), t);
                    // Not a TimerRecord: a field with wire type 7.
                    bad_key = keys::Timer(txn.Now() + absl::Minutes(1), 1, 99);
                    txn.Put(Cf::kTimers, bad_key, "\xff\xff\xff");
                    return absl::OkStatus();
                  })
                  .ok());
  clock_.Advance(absl::Minutes(3));
  EXPECT_TRUE(WaitForEvent(*engine, "test.fired", "job-after-bad"));
  for (const std::string& key : {bad_key, good_key}) {
    auto row = engine->Get(Cf::kTimers, key);
    ASSERT_TRUE(row.ok());
    EXPECT_FALSE(row->has_value()) << "timer row left behind";
  }
}

TEST_F(EngineTest, TimersSurviveRestart) {
  {
    auto engine = OpenEngine();
    ASSERT_TRUE(engine
                    ->Execute([&](Txn& txn) {
                      TimerRecord t;
                      t.set_kind("test.fire");
                      t.set_target("after-restart");
                      txn.SetTimer(txn.Now() + absl::Hours(24), t);
                      return absl::OkStatus();
                    })
                    .ok());
  }
  clock_.Advance(absl::Hours(25));
  auto engine = OpenEngine();
  EXPECT_TRUE(WaitForEvent(*engine, "test.fired", "after-restart"));
}

TEST_F(EngineTest, CancelledTimerDoesNotFire) {
  auto engine = OpenEngine();
  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    TimerRecord t;
                    t.set_kind("test.fire");
                    t.set_target("cancelled");
                    std::string key =
                        txn.SetTimer(txn.Now() + absl::Minutes(5), t);
                    txn.CancelTimer(key);
                    t.set_target("kept");
                    txn.SetTimer(txn.Now() + absl::Minutes(6), t);
                    return absl::OkStatus();
                  })
                  .ok());
  clock_.Advance(absl::Minutes(10));
  EXPECT_TRUE(WaitForEvent(*engine, "test.fired", "kept"));
  EXPECT_FALSE(HasEvent(*engine, "test.fired", "cancelled"));
}

TEST_F(EngineTest, FailingTimerIsRolledBackAndRetriedLater) {
  flaky_failures_left_ = 1;
  auto engine = OpenEngine();
  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    TimerRecord t;
                    t.set_kind("test.flaky");
                    t.set_target("flaky");
                    txn.SetTimer(txn.Now() + absl::Minutes(1), t);
                    return absl::OkStatus();
                  })
                  .ok());
  clock_.Advance(absl::Minutes(2));
  // The first run fails; wait until it has been rescheduled.
  for (int i = 0; i < 500 && flaky_failures_left_ > 0; ++i) {
    engine->WakeTimers();
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(flaky_failures_left_, 0);
  absl::SleepFor(absl::Milliseconds(50));  // let the failed batch commit
  EXPECT_EQ(Read(*engine, "written-by-failing-handler"), std::nullopt);
  EXPECT_FALSE(HasEvent(*engine, "test.fired", "flaky"));
  clock_.Advance(absl::Minutes(2));  // past the one-minute retry
  EXPECT_TRUE(WaitForEvent(*engine, "test.fired", "flaky"));
}

TEST_F(EngineTest, CheckpointIsAConsistentCopy) {
  auto engine = OpenEngine();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(engine->Execute(PutCommand(absl::StrCat("k", i), "v")).ok());
  }
  auto revision = engine->Checkpoint(dir_.Sub("backup"));
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_EQ(*revision, 20u);
  ASSERT_TRUE(engine->Execute(PutCommand("after-backup", "v")).ok());

  auto again = engine->Checkpoint(dir_.Sub("backup"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  auto relative = engine->Checkpoint("relative/dir");
  EXPECT_EQ(relative.status().code(), absl::StatusCode::kInvalidArgument);
  auto no_parent = engine->Checkpoint(dir_.Sub("missing/backup"));
  EXPECT_EQ(no_parent.status().code(), absl::StatusCode::kFailedPrecondition);

  EngineOptions options;
  options.path = dir_.Sub("backup");
  auto copy = Engine::Open(options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*copy)->committed_revision(), 20u);
  EXPECT_EQ(Read(**copy, "k19"), "v");
  EXPECT_EQ(Read(**copy, "after-backup"), std::nullopt);
}

// A disk that fills up on demand: every append to any file fails with
// ENOSPC while `full` is set, as on a real full disk.
class FillableFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FillableFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FillableFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& fname, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s =
        target()->NewWritableFile(fname, options, result, dbg);
    if (s.ok()) *result = std::make_unique<File>(std::move(*result), &full);
    return s;
  }

  std::atomic<bool> full{false};

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> target,
         const std::atomic<bool>* full)
        : FSWritableFileOwnerWrapper(std::move(target)), full_(full) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (*full_) return rocksdb::IOStatus::NoSpace("injected: disk full");
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (*full_) return rocksdb::IOStatus::NoSpace("injected: disk full");
      return target()->Append(data, options, info, dbg);
    }

   private:
    const std::atomic<bool>* full_;
  };
};

TEST_F(EngineTest, FullDiskFailsWritesLosesNothingAndRecovers) {
  auto disk = std::make_shared<FillableFileSystem>();
  EngineOptions options;
  options.path = dir_.Sub("db");
  options.clock = &clock_;
  options.file_system = disk;
  {
    auto opened = Engine::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    Engine& engine = **opened;
    engine.Start();
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(engine.Execute(PutCommand(absl::StrCat("k", i), "v")).ok());
    }

    disk->full = true;
    absl::Status failed = engine.Execute(PutCommand("lost", "v"));
    EXPECT_EQ(failed.code(), absl::StatusCode::kResourceExhausted) << failed;
    EXPECT_THAT(failed.message(), HasSubstr("disk is full")) << failed;
    absl::Status again = engine.Execute(PutCommand("lost-too", "v"));
    EXPECT_EQ(again.code(), absl::StatusCode::kResourceExhausted) << again;
    // Reads go on while writes fail.
    EXPECT_EQ(Read(engine, "k9"), "v");
    EXPECT_EQ(Read(engine, "lost"), std::nullopt);
    EXPECT_EQ(engine.committed_revision(), 10u);
    EXPECT_EQ(engine.stats().failed_commits, 2u);

    // Space freed: RocksDB's own recovery (it checks again in the
    // background) lets writes through again without a restart.
    disk->full = false;
    absl::Status after;
    for (int i = 0; i < 300; ++i) {
      after = engine.Execute(PutCommand("after", "v"));
      if (after.ok()) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_TRUE(after.ok()) << after;
    EXPECT_EQ(Read(engine, "after"), "v");
    EXPECT_EQ(engine.committed_revision(), 11u);
  }
  options.file_system = nullptr;
  auto reopened = Engine::Open(options);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->committed_revision(), 11u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Read(**reopened, absl::StrCat("k", i)), "v");
  }
  EXPECT_EQ(Read(**reopened, "after"), "v");
  EXPECT_EQ(Read(**reopened, "lost"), std::nullopt);
  EXPECT_EQ(Read(**reopened, "lost-too"), std::nullopt);
}

}  // namespace
}  // namespace mops::storage

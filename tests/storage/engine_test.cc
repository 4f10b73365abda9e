#include "storage/engine.h"

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/file_system.h"
#include "storage/keys.h"
#include "storage/status_macros.h"
#include "tests/testing/temp_dir.h"

namespace mops::storage {
namespace {

using mops::internal::v1::TimerRecord;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1795000000);

class EngineTest : public ::testing::Test {
 protected:
  std::unique_ptr<Engine> OpenEngine(bool start = true) {
    EngineOptions options;
    options.path = dir_.Sub("db");
    options.clock = &clock_;
    auto engine = Engine::Open(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    if (!engine.ok()) return nullptr;
    (*engine)->RegisterTimerHandler("test.fire",
                                    [](Txn& txn, const TimerRecord& timer) {
                                      mops::v1::Event e;
                                      e.set_type("test.fired");
                                      e.set_subject(timer.target());
                                      txn.Emit(e);
                                      return absl::OkStatus();
                                    });
    (*engine)->RegisterTimerHandler(
        "test.flaky", [this](Txn& txn, const TimerRecord& timer) {
          if (flaky_failures_left_-- > 0) {
            txn.Put(Cf::kRecords, "written-by-failing-handler", "x");
            return absl::UnavailableError("not yet");
          }
          mops::v1::Event e;
          e.set_type("test.fired");
          e.set_subject(timer.target());
          txn.Emit(e);
          return absl::OkStatus();
        });
    if (start) (*engine)->Start();
    return std::move(*engine);
  }

  static Engine::Command PutCommand(std::string key, std::string value) {
    return [key, value](Txn& txn) {
      txn.Put(Cf::kRecords, key, value);
      mops::v1::Event e;
      e.set_type("test.put");
      e.set_subject(key);
      txn.Emit(e);
      return absl::OkStatus();
    };
  }

  static std::optional<std::string> Read(const Reader& reader,
                                         const std::string& key) {
    auto v = reader.Get(Cf::kRecords, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  // Waits (bounded) until the feed holds an event of `type` for `subject`.
  static bool WaitForEvent(Engine& engine, const std::string& type,
                           const std::string& subject) {
    for (int i = 0; i < 500; ++i) {
      engine.WakeTimers();
      auto events = engine.ReadEvents(0, 100000);
      if (events.ok()) {
        for (const auto& e : *events) {
          if (e.type() == type && e.subject() == subject) return true;
        }
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  static bool HasEvent(Engine& engine, const std::string& type,
                       const std::string& subject) {
    auto events = engine.ReadEvents(0, 100000);
    for (const auto& e : *events) {
      if (e.type() == type && e.subject() == subject) return true;
    }
    return false;
  }

  mops::testing::TempDir dir_;
  FakeClock clock_{kStart};
  std::atomic<int> flaky_failures_left_{0};
};

TEST_F(EngineTest, AcknowledgedWritesSurviveReopen) {
  {
    auto engine = OpenEngine();
    ASSERT_TRUE(engine->Execute(PutCommand("k1", "v1")).ok());
    EXPECT_EQ(Read(*engine, "k1"), "v1");
    EXPECT_EQ(engine->committed_revision(), 1u);
  }
  auto engine = OpenEngine();
  EXPECT_EQ(Read(*engine, "k1"), "v1");
  EXPECT_EQ(engine->committed_revision(), 1u);
}

TEST_F(EngineTest, QueuedCommandsCommitAsOneBatchAndFailuresRollBack) {
  auto engine = OpenEngine(/*start=*/false);
  std::vector<absl::Status> results(4);
  std::atomic<int> done{0};
  auto record = [&](int i) {
    return [&, i](absl::Status s) {
      results[i] = s;
      ++done;
    };
  };
  engine->Submit(PutCommand("a", "1"), record(0));
  engine->Submit(
      [](Txn& txn) {
        txn.Put(Cf::kRecords, "b", "2");
        mops::v1::Event e;
        e.set_type("test.put");
        txn.Emit(e);
        return absl::FailedPreconditionError("b refuses");
      },
      record(1));
  // Reads inside a batch see the earlier commands' writes, not the rolled
  // back ones.
  engine->Submit(
      [](Txn& txn) -> absl::Status {
        auto a = txn.Get(Cf::kRecords, "a");
        auto b = txn.Get(Cf::kRecords, "b");
        if (!a.ok() || !*a || **a != "1") return absl::InternalError("no a");
        if (!b.ok() || *b) return absl::InternalError("b leaked");
        txn.Put(Cf::kRecords, "c", "3");
        return absl::OkStatus();
      },
      record(2));
  engine->Submit(PutCommand("d", "4"), record(3));
  engine->Start();
  while (done < 4) absl::SleepFor(absl::Milliseconds(1));

  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(results[2].ok()) << results[2];
  EXPECT_TRUE(results[3].ok());
  EXPECT_EQ(Read(*engine, "a"), "1");
  EXPECT_EQ(Read(*engine, "b"), std::nullopt);
  EXPECT_EQ(Read(*engine, "c"), "3");
  EXPECT_EQ(Read(*engine, "d"), "4");

  EngineStats stats = engine->stats();
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.largest_batch, 4u);
  EXPECT_EQ(stats.failed_commits, 0u);
  EXPECT_GT(stats.memtable_bytes, 0u);  // the rows are not flushed yet
  // Three commands wrote: three revisions, the failed one took none.
  EXPECT_EQ(engine->committed_revision(), 3u);
  auto events = engine->ReadEvents(0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].subject(), "a");
  EXPECT_EQ((*events)[0].revision(), 1u);
  EXPECT_EQ((*events)[1].subject(), "d");
  EXPECT_EQ((*events)[1].revision(), 3u);
}

// A batch is written in key order (Engine::Commit); the last write of a key
// within the batch still decides its value, across commands and after a
// reopen.
TEST_F(EngineTest, LastWriteOfAKeyInABatchWins) {
  {
    auto engine = OpenEngine(/*start=*/false);
    std::atomic<int> done{0};
    auto count = [&](absl::Status s) {
      EXPECT_TRUE(s.ok()) << s;
      ++done;
    };
    engine->Submit(
        [](Txn& txn) {
          txn.Put(Cf::kRecords, "z", "first");
          txn.Put(Cf::kRecords, "gone", "x");
          txn.Put(Cf::kIndex, "back", "x");
          return absl::OkStatus();
        },
        count);
    engine->Submit(
        [](Txn& txn) {
          txn.Put(Cf::kRecords, "z", "second");
          txn.Delete(Cf::kRecords, "gone");
          txn.Delete(Cf::kIndex, "back");
          txn.Put(Cf::kRecords, "a", "1");
          return absl::OkStatus();
        },
        count);
    engine->Submit(
        [](Txn& txn) {
          txn.Put(Cf::kIndex, "back", "again");
          txn.Put(Cf::kRecords, "z", "last");
          return absl::OkStatus();
        },
        count);
    engine->Start();
    while (done < 3) absl::SleepFor(absl::Milliseconds(1));
    EXPECT_EQ(engine->stats().batches, 1u);
  }
  auto engine = OpenEngine();
  EXPECT_EQ(Read(*engine, "z"), "last");
  EXPECT_EQ(Read(*engine, "gone"), std::nullopt);
  EXPECT_EQ(Read(*engine, "a"), "1");
  auto back = engine->Get(Cf::kIndex, "back");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "again");
  EXPECT_EQ(engine->committed_revision(), 3u);
}

// GetHot serves committed rows from memory; it must still see the batch's
// own writes, never a rolled-back one, and every later commit.
TEST_F(EngineTest, HotReadsSeeEveryCommittedAndOwnWrite) {
  auto engine = OpenEngine();
  ASSERT_TRUE(engine->Execute(PutCommand("p", "v1")).ok());
  auto hot = [&](Txn& txn) -> std::string {
    auto v = txn.GetHot(Cf::kRecords, "p");
    if (!v.ok()) return "error";
    return v->value_or("absent");
  };
  std::string seen;
  auto read = [&](Txn& txn) {
    seen = hot(txn);
    return absl::OkStatus();
  };
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "v1");
  ASSERT_TRUE(engine->Execute(read).ok());  // now from memory
  EXPECT_EQ(seen, "v1");

  ASSERT_TRUE(engine->Execute(PutCommand("p", "v2")).ok());
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "v2");

  // Within a command: its own write, then (after a failed command rolled
  // back its write) the committed value again.
  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    txn.Put(Cf::kRecords, "p", "v3");
                    seen = hot(txn);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(seen, "v3");
  EXPECT_FALSE(engine
                   ->Execute([&](Txn& txn) {
                     txn.Put(Cf::kRecords, "p", "never");
                     return absl::AbortedError("rolled back");
                   })
                   .ok());
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "v3");

  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    txn.Delete(Cf::kRecords, "p");
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "absent");
}

// GetShared keeps parsed rows between commands; like GetHot it must see the
// batch's own writes and every commit, and a kept message must not change
// under a command that holds it.
TEST_F(EngineTest, SharedReadsSeeEveryCommittedAndOwnWrite) {
  auto engine = OpenEngine();
  auto put_event = [&](const std::string& subject) {
    return [subject](Txn& txn) {
      mops::v1::Event e;
      e.set_subject(subject);
      txn.PutProto(Cf::kRecords, "e", e);
      return absl::OkStatus();
    };
  };
  std::shared_ptr<const mops::v1::Event> held;
  std::string seen;
  auto read = [&](Txn& txn) {
    auto v = txn.GetShared<mops::v1::Event>(Cf::kRecords, "e");
    if (!v.ok()) return v.status();
    held = *v;
    seen = held == nullptr ? "absent" : held->subject();
    return absl::OkStatus();
  };
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "absent");
  ASSERT_TRUE(engine->Execute(put_event("v1")).ok());
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "v1");
  std::shared_ptr<const mops::v1::Event> first = held;
  ASSERT_TRUE(engine->Execute(read).ok());  // the kept message
  EXPECT_EQ(held, first);

  ASSERT_TRUE(engine->Execute(put_event("v2")).ok());
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "v2");
  EXPECT_EQ(first->subject(), "v1");  // what an earlier reader holds

  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    RETURN_IF_ERROR(put_event("v3")(txn));
                    return read(txn);
                  })
                  .ok());
  EXPECT_EQ(seen, "v3");
  EXPECT_FALSE(engine
                   ->Execute([&](Txn& txn) {
                     RETURN_IF_ERROR(put_event("never")(txn));
                     return absl::AbortedError("rolled back");
                   })
                   .ok());
  ASSERT_TRUE(engine->Execute(read).ok());
  EXPECT_EQ(seen, "v3");

  // A row that does not parse as the asked type is an error, not a guess.
  ASSERT_TRUE(engine->Execute(PutCommand("e", "\xff\xff\xff")).ok());
  EXPECT_EQ(engine->Execute(read).code(), absl::StatusCode::kDataLoss);
}

// A command's scan sees the committed rows merged with the batch's writes
// so far: overwritten values, deleted rows hidden, new rows in key order,
// range ends respected; a failed command's writes (even to a key an earlier
// command of the batch wrote) are gone for the next one.
TEST_F(EngineTest, ScansInABatchMergeItsWritesWithCommittedRows) {
  {
    auto engine = OpenEngine();
    ASSERT_TRUE(engine
                    ->Execute([](Txn& txn) {
                      for (const char* k : {"b", "d", "f", "h"}) {
                        txn.Put(Cf::kRecords, k, absl::StrCat("old-", k));
                      }
                      txn.Put(Cf::kRecords, "z", "outside");
                      return absl::OkStatus();
                    })
                    .ok());
  }
  // Not started: the next commands queue up and run as one batch.
  auto engine = OpenEngine(/*start=*/false);
  auto scan = [](const Txn& txn, absl::string_view start,
                 absl::string_view end) {
    std::vector<std::string> seen;
    absl::Status s =
        txn.ScanRange(Cf::kRecords, start, end,
                      [&](absl::string_view k, absl::string_view v) {
                        seen.push_back(absl::StrCat(k, "=", v));
                        return true;
                      });
    EXPECT_TRUE(s.ok()) << s;
    return seen;
  };

  std::vector<std::string> first, second, third;
  std::atomic<int> done{0};
  auto count = [&](absl::Status) { ++done; };
  engine->Submit(
      [&](Txn& txn) {
        txn.Put(Cf::kRecords, "a", "new-a");
        txn.Put(Cf::kRecords, "d", "new-d");
        txn.Delete(Cf::kRecords, "f");
        txn.Put(Cf::kRecords, "g", "new-g");
        first = scan(txn, "", "i");
        return absl::OkStatus();
      },
      count);
  engine->Submit(
      [&](Txn& txn) {
        txn.Put(Cf::kRecords, "d", "failed-d");
        txn.Put(Cf::kRecords, "f", "failed-f");
        txn.Delete(Cf::kRecords, "b");
        txn.Put(Cf::kRecords, "c", "failed-c");
        return absl::AbortedError("rolled back");
      },
      count);
  engine->Submit(
      [&](Txn& txn) {
        second = scan(txn, "", "i");
        third = scan(txn, "c", "g");  // g itself is excluded
        return absl::OkStatus();
      },
      count);
  engine->Start();
  while (done < 3) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_THAT(first, ::testing::ElementsAre("a=new-a", "b=old-b", "d=new-d",
                                            "g=new-g", "h=old-h"));
  EXPECT_EQ(second, first);
  EXPECT_THAT(third, ::testing::ElementsAre("d=new-d"));
  EXPECT_EQ(engine->stats().largest_batch, 3u);
}

// A scan whose callback writes (here: rewrites each row it sees and adds a
// row ahead of itself) still visits every row once, in order.
TEST_F(EngineTest, ScanSurvivesWritesFromItsCallback) {
  auto engine = OpenEngine();
  ASSERT_TRUE(engine
                  ->Execute([](Txn& txn) {
                    for (const char* k : {"k1", "k3", "k5"}) {
                      txn.Put(Cf::kRecords, k, "v");
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(engine
                  ->Execute([&](Txn& txn) {
                    txn.Put(Cf::kRecords, "k2", "v");
                    return txn.ScanRange(
                        Cf::kRecords, "k", "l",
                        [&](absl::string_view k, absl::string_view) {
                          seen.emplace_back(k);
                          txn.Put(Cf::kRecords, k, "seen");
                          if (k == "k3") txn.Put(Cf::kRecords, "k4", "v");
                          return seen.size() < 20;  // bounded if it loops
                        });
                  })
                  .ok());
  EXPECT_THAT(seen, ::testing::ElementsAre("k1", "k2", "k3", "k4", "k5"));
  for (const char* k : {"k1", "k2", "k3", "k4", "k5"}) {
    EXPECT_EQ(Read(*engine, k), "seen") << k;
  }
}

TEST_F(EngineTest, CommandWithoutWritesTakesNoRevision) {
  auto engine = OpenEngine();
  ASSERT_TRUE(engine->Execute([](Txn&) { return absl::OkStatus(); }).ok());
  EXPECT_EQ(engine->committed_revision(), 0u);
  EXPECT_EQ(engine->stats().batches, 0u);
}

TEST_F(EngineTest, ConcurrentWritersGetGapFreeRevisions) {
  auto engine = OpenEngine();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> ok_count{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = absl::StrCat("t", t, "-", i);
        bool fail = i % 7 == 3;
        absl::Status s = engine->Execute([key, fail](Txn& txn) {
          txn.Put(Cf::kRecords, key, "v");
          mops::v1::Event e;
          e.set_type("test.put");
          e.set_subject(key);
          txn.Emit(e);
          txn.Emit(e);  // two events under one revision
          return fail ? absl::AbortedError("planned") : absl::OkStatus();
        });
        if (s.ok()) ++ok_count;
        EXPECT_EQ(s.ok(), !fail);
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(engine->committed_revision(), static_cast<uint64_t>(ok_count));
  auto events = engine->ReadEvents(0, 1000000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u * ok_count);
  std::set<std::string> subjects;
  for (size_t i = 0; i < events->size(); ++i) {
    EXPECT_EQ((*events)[i].revision(), i / 2 + 1);
    EXPECT_EQ((*events)[i].index(), i % 2);
    subjects.insert((*events)[i].subject());
  }
  EXPECT_EQ(subjects.size(), static_cast<size_t>(ok_count));
  // Group commit: fewer synced writes than commands.
  EXPECT_LT(engine->stats().batches, static_cast<uint64_t>(ok_count));

  // Reading from the middle of the feed.
  auto tail = engine->ReadEvents(10, 3);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 3u);
  EXPECT_EQ((*tail)[0].revision(), 11u);
  EXPECT_EQ((*tail)[0].index(), 0u);
  EXPECT_EQ((*tail)[2].revision(), 12u);
}

TEST_F(EngineTest, CloseRunsQueuedCommandsAndRefusesLaterOnes) {
  auto engine = OpenEngine();
  std::atomic<int> ok{0};
  for (int i = 0; i < 100; ++i) {
    engine->Submit(PutCommand(absl::StrCat("k", i), "v"), [&](absl::Status s) {
      if (s.ok()) ++ok;
    });
  }
  engine->Close();
  EXPECT_EQ(ok, 100);
  absl::Status late;
  engine->Submit(PutCommand("late", "v"), [&](absl::Status s) { late = s; });
  EXPECT_EQ(late.code(), absl::StatusCode::kUnavailable);
  engine.reset();
  engine = OpenEngine();
  EXPECT_EQ(Read(*engine, "k99"), "v");
  EXPECT_EQ(engine->committed_revision(), 100u);
}

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

// The engine: durability, group commit, reads within a batch, revisions.
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
#include "tests/testing/engine_fixture.h"

namespace mops::storage {
namespace {

using ::testing::HasSubstr;

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

}  // namespace
}  // namespace mops::storage

// The feed's retention: by age and by count, never the head, kept across a
// restart, and readers see only what is kept.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/engine.h"
#include "tests/testing/engine_fixture.h"

namespace mops::storage {
namespace {

class RetentionTest : public EngineTest {
 protected:
  // Revisions 1..n, an hour apart, two events each.
  void Write(Engine& engine, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(engine
                      .Execute([i](Txn& txn) {
                        for (int k = 0; k < 2; ++k) {
                          mops::v1::Event e;
                          e.set_type("test.put");
                          e.set_subject(absl::StrCat("r", i));
                          txn.Emit(e);
                        }
                        return absl::OkStatus();
                      })
                      .ok());
      clock_.Advance(absl::Hours(1));
    }
  }
  static std::vector<uint64_t> Revisions(const Engine& engine) {
    std::vector<uint64_t> out;
    auto events = engine.ReadEvents(0, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    for (const auto& e : *events) {
      if (out.empty() || out.back() != e.revision())
        out.push_back(e.revision());
    }
    return out;
  }
};

TEST_F(RetentionTest, TrimsByAgeAndByCountButNeverTheHead) {
  auto engine = OpenEngine();
  Write(*engine, 10);  // revisions 1..10 at kStart + 0h .. 9h
  EXPECT_EQ(engine->first_event_revision(), 1u);
  auto first = engine->TrimEvents(kStart + absl::Hours(5), 1000);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 6u);
  EXPECT_EQ(Revisions(*engine), (std::vector<uint64_t>{6, 7, 8, 9, 10}));
  first = engine->TrimEvents(absl::InfinitePast(), 2);
  EXPECT_EQ(*first, 9u);
  EXPECT_EQ(Revisions(*engine), (std::vector<uint64_t>{9, 10}));
  // Everything is old: the head's events stay.
  first = engine->TrimEvents(absl::InfiniteFuture(), 1000);
  EXPECT_EQ(*first, 10u);
  EXPECT_EQ(Revisions(*engine), (std::vector<uint64_t>{10}));
  // Nothing more to trim: the same answer, nothing changes.
  first = engine->TrimEvents(absl::InfiniteFuture(), 1000);
  EXPECT_EQ(*first, 10u);
}

TEST_F(RetentionTest, TheFirstKeptRevisionSurvivesARestart) {
  {
    auto engine = OpenEngine();
    Write(*engine, 4);
    ASSERT_TRUE(engine->TrimEvents(absl::InfinitePast(), 2).ok());
  }
  auto engine = OpenEngine();
  EXPECT_EQ(engine->first_event_revision(), 3u);
  EXPECT_EQ(Revisions(*engine), (std::vector<uint64_t>{3, 4}));
  Write(*engine, 1);
  EXPECT_EQ(Revisions(*engine), (std::vector<uint64_t>{3, 4, 5}));
}

// The age cut reads at most max_scanned events per trim; the rest goes on
// the next one.
TEST_F(RetentionTest, AnAgeCutIsBoundedPerTrim) {
  auto engine = OpenEngine();
  Write(*engine, 10);
  auto first = engine->TrimEvents(absl::InfiniteFuture(), 1000, 4);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 3u);  // four events: revisions 1 and 2
  first = engine->TrimEvents(absl::InfiniteFuture(), 1000, 4);
  EXPECT_EQ(*first, 5u);
}

}  // namespace
}  // namespace mops::storage

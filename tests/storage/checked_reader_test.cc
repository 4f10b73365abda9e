#include "storage/checked_reader.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace mops::storage {
namespace {

constexpr int kRows = 10000;

class CheckedReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.path = dir_.Sub("db");
    options.clock = &clock_;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    engine_->Start();
    ASSERT_TRUE(engine_
                    ->Execute([](Txn& txn) {
                      for (int i = 0; i < kRows; ++i) {
                        txn.Put(Cf::kRecords, Key(i), absl::StrCat(i));
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }

  static std::string Key(int i) { return absl::StrFormat("row/%05d", i); }

  // A check that passes `passes` times and then fails, recording the row
  // counts it was asked at.
  std::function<absl::Status(uint64_t)> FailAfter(int passes) {
    return [this, passes](uint64_t rows) {
      asked_.push_back(rows);
      if (static_cast<int>(asked_.size()) <= passes) return absl::OkStatus();
      return absl::DeadlineExceededError(
          absl::StrCat("over after ", rows, " rows"));
    };
  }

  mops::testing::TempDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  std::unique_ptr<Engine> engine_;
  std::vector<uint64_t> asked_;
};

TEST_F(CheckedReaderTest, AScanStopsAtTheFirstFailedCheckWithItsError) {
  CheckedReader reader(*engine_, FailAfter(3));
  int seen = 0;
  absl::Status s = reader.Scan(Cf::kRecords, "row/", "",
                               [&](absl::string_view key, absl::string_view) {
                                 EXPECT_EQ(key, Key(seen));
                                 ++seen;
                                 return true;
                               });
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(s.message(), "over after 768 rows");
  // Three checks passed, each letting 256 rows through; the fourth failed
  // before its row was handed on.
  EXPECT_EQ(seen, 3 * 256);
  EXPECT_EQ(asked_, (std::vector<uint64_t>{0, 256, 512, 768}));
}

TEST_F(CheckedReaderTest, WhileChecksPassEveryRowIsReadAsWithoutIt) {
  CheckedReader reader(*engine_, FailAfter(1000));
  int seen = 0;
  ASSERT_TRUE(reader
                  .Scan(Cf::kRecords, "row/", "",
                        [&](absl::string_view, absl::string_view value) {
                          EXPECT_EQ(value, absl::StrCat(seen));
                          ++seen;
                          return true;
                        })
                  .ok());
  EXPECT_EQ(seen, kRows);
  auto value = reader.Get(Cf::kRecords, Key(42));
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->value_or(""), "42");
  // One check per 256 rows, point reads counted with scanned rows.
  EXPECT_EQ(asked_.size(), (kRows + 255) / 256);
  EXPECT_EQ(reader.rows(), kRows + 1u);

  // A scan the caller stops is not an error.
  int taken = 0;
  EXPECT_TRUE(reader
                  .Scan(Cf::kRecords, "row/", "",
                        [&](absl::string_view, absl::string_view) {
                          return ++taken < 10;
                        })
                  .ok());
  EXPECT_EQ(taken, 10);
}

TEST_F(CheckedReaderTest, ACallThatIsAlreadyOverReadsNothing) {
  CheckedReader reader(*engine_, FailAfter(0));
  auto value = reader.Get(Cf::kRecords, Key(1));
  EXPECT_EQ(value.status().code(), absl::StatusCode::kDeadlineExceeded);

  CheckedReader scanner(*engine_, FailAfter(0));
  int seen = 0;
  absl::Status s = scanner.Scan(Cf::kRecords, "row/", "",
                                [&](absl::string_view, absl::string_view) {
                                  ++seen;
                                  return true;
                                });
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(seen, 0);
}

}  // namespace
}  // namespace mops::storage

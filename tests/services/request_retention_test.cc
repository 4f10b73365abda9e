// request_id records expire after the retention, a bounded number read per
// call, the calls going round the whole key space; undated ones get a date.
#include "services/common/request_retention.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "mops/internal/v1/records.pb.h"
#include "services/common/keys.h"
#include "services/common/time_util.h"
#include "storage/clock.h"
#include "storage/engine.h"
#include "tests/testing/temp_dir.h"

namespace mops::services {
namespace {

using mops::internal::v1::RequestRecord;
using storage::Cf;

const absl::Time kT0 = absl::FromUnixSeconds(1795000000);

class RequestRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.path = dir_.Sub("db");
    options.clock = &clock_;
    keys::RegisterKeySpaces(options.key_spaces);
    auto engine = storage::Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    engine_->Start();
  }
  // Record `i`, answered at `at` (undated when `at` is InfinitePast).
  void Put(int i, absl::Time at) {
    ASSERT_TRUE(engine_
                    ->Execute([&](storage::Txn& txn) {
                      RequestRecord r;
                      if (at != absl::InfinitePast()) {
                        *r.mutable_create_time() = ToProtoTime(at);
                      }
                      txn.PutProto(Cf::kRecords, Key(i), r);
                      return absl::OkStatus();
                    })
                    .ok());
  }
  static std::string Key(int i) {
    return keys::Request("u", "M", absl::StrCat("id", i));
  }
  bool Has(int i) {
    auto row = engine_->Get(Cf::kRecords, Key(i));
    return row.ok() && row->has_value();
  }

  testing::TempDir dir_;
  storage::FakeClock clock_{kT0};
  std::unique_ptr<storage::Engine> engine_;
};

TEST_F(RequestRetentionTest, CallsGoRoundAndKeepWhatIsYoung) {
  for (int i = 0; i < 5; ++i) Put(i, kT0 - absl::Hours(i % 2 == 0 ? 30 : 1));
  std::string cursor;
  int64_t deleted = 0;
  for (int call = 0; call < 3; ++call) {
    auto n = ExpireRequests(*engine_, kT0 - absl::Hours(24), &cursor, 2);
    ASSERT_TRUE(n.ok()) << n.status();
    deleted += *n;
  }
  EXPECT_EQ(deleted, 3);
  EXPECT_TRUE(cursor.empty());  // went round: the next call starts over
  EXPECT_FALSE(Has(0));
  EXPECT_TRUE(Has(1));
  EXPECT_FALSE(Has(2));
  EXPECT_TRUE(Has(3));
  EXPECT_FALSE(Has(4));
}

TEST_F(RequestRetentionTest, AnUndatedRecordIsDatedAndGoesARetentionLater) {
  Put(7, absl::InfinitePast());
  std::string cursor;
  ASSERT_EQ(*ExpireRequests(*engine_, kT0, &cursor), 0);
  ASSERT_TRUE(Has(7));
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(*ExpireRequests(*engine_, clock_.Now() - absl::Hours(24), &cursor),
            1);
  EXPECT_FALSE(Has(7));
}

}  // namespace
}  // namespace mops::services

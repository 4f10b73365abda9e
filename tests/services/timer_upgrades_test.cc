// Data format 2 -> 3: each domain's timer upgrade turns the text payload
// format 2 wrote into the typed one its handler reads.
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/approvals/approvals.h"
#include "services/common/time_util.h"
#include "services/projects/projects.h"

namespace mops::services {
namespace {

using mops::internal::v1::TimerRecord;

TEST(TimerUpgradesTest, TaskOverdueKeepsTheDueTime) {
  TimerRecord t;
  t.set_format2_payload("1795000000123456");
  ASSERT_TRUE(projects::UpgradeOverdueTimer(&t).ok());
  mops::internal::v1::TaskOverdueTimer payload;
  ASSERT_TRUE(t.payload().UnpackTo(&payload));
  EXPECT_EQ(FromProtoTime(payload.due_time()),
            absl::FromUnixMicros(1795000000123456));
  t.set_format2_payload("soon");
  EXPECT_EQ(projects::UpgradeOverdueTimer(&t).code(),
            absl::StatusCode::kDataLoss);
}

TEST(TimerUpgradesTest, ApprovalTimersKeepRoundAndPercent) {
  TimerRecord t;
  t.set_format2_payload("3:90");
  ASSERT_TRUE(approvals::UpgradeReminderTimer(&t).ok());
  mops::internal::v1::ApprovalReminderTimer reminder;
  ASSERT_TRUE(t.payload().UnpackTo(&reminder));
  EXPECT_EQ(reminder.round(), 3);
  EXPECT_EQ(reminder.percent(), 90);

  t.set_format2_payload("4");
  ASSERT_TRUE(approvals::UpgradeDeadlineTimer(&t).ok());
  mops::internal::v1::ApprovalDeadlineTimer deadline;
  ASSERT_TRUE(t.payload().UnpackTo(&deadline));
  EXPECT_EQ(deadline.round(), 4);

  t.set_format2_payload("4");
  EXPECT_EQ(approvals::UpgradeReminderTimer(&t).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace mops::services

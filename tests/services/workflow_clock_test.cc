// Workflow clocks on a calendar of its own: deadlines and waits across a
// weekend, a holiday and the change to summer time, in the calendar's
// zone.
#include <string>

#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/workflow_runs_fixture.h"

namespace mops::testing {
namespace {

using services::FromProtoTime;

constexpr char kChain[] = R"pb(
  team: "teams/marketing"
  calendar: "calendars/berlin"
  variables { name: "day" type: TIME required: true }
  stages {
    id: "a"
    due: "1bd"
    task { tasks { title: "A" } }
  }
  stages {
    id: "pause"
    after: "a"
    wait { duration: "2bd" }
  }
  stages {
    id: "b"
    after: "pause"
    task { tasks { title: "B" } }
  }
  stages {
    id: "until"
    after: "b"
    wait { until_variable: "day" }
  }
  stages {
    id: "c"
    after: "until"
    task { tasks { title: "C" } }
  }
)pb";

class WorkflowClockTest : public WorkflowRunsTest {
 protected:
  void SetUp() override {
    WorkflowRunsTest::SetUp();
    // Berlin, Monday to Friday 09:00-17:00, Easter Monday off.
    v1::CreateCalendarRequest req;
    req.set_calendar_id("berlin");
    v1::Calendar* c = req.mutable_calendar();
    c->set_time_zone("Europe/Berlin");
    for (int day = 1; day <= 5; ++day) {
      v1::Calendar::WorkingHours* h = c->add_working_hours();
      h->set_weekday(day);
      h->set_start("09:00");
      h->set_end("17:00");
    }
    c->add_holidays("2027-03-29");
    v1::Calendar out;
    grpc::Status s =
        Call(calendars_.get(), &v1::CalendarService::Stub::CreateCalendar,
             admin_token_, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Runs due timers until the stage is in `state` (bounded).
  bool WaitForStage(const std::string& run, const std::string& id,
                    StageState::State state) {
    for (int i = 0; i < 300; ++i) {
      server_->engine()->WakeTimers();
      if (Stage(Run(run), id).state() == state) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }
};

TEST_F(WorkflowClockTest, DeadlinesAndWaitsKeepLocalTimeOverHolidayAndDst) {
  PublishTemplate("chain", Template(kChain));
  // Friday 2027-03-26 09:00 in Berlin (CET, UTC+1).
  clock_.Advance(T("2027-03-26T08:00:00Z") - clock_.Now());
  v1::Workflow w;
  grpc::Status s = Start(member_, "workflowTemplates/chain",
                         {{"day", "2027-03-26T12:00:00Z"}}, &w);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(w.calendar(), "calendars/berlin");
  // 1 business day: Monday is a holiday, so Tuesday 09:00, which is CEST
  // (UTC+2) by then.
  EXPECT_EQ(FromProtoTime(Stage(w, "a").due_time()), T("2027-03-30T07:00:00Z"));

  CompleteStage(w.name(), "a", member_);
  w = Run(w.name());
  // The wait: 2 business days from Friday 09:00 is Wednesday 09:00 CEST.
  ASSERT_EQ(Stage(w, "pause").state(), StageState::ACTIVE);
  EXPECT_EQ(FromProtoTime(Stage(w, "pause").due_time()),
            T("2027-03-31T07:00:00Z"));
  clock_.Advance(T("2027-03-31T06:59:00Z") - clock_.Now());
  Settle();
  EXPECT_EQ(Stage(Run(w.name()), "pause").state(), StageState::ACTIVE);
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(WaitForStage(w.name(), "b", StageState::ACTIVE));
  EXPECT_EQ(Stage(Run(w.name()), "pause").state(), StageState::DONE);

  // A wait until a moment already past ends at once.
  CompleteStage(w.name(), "b", member_);
  w = Run(w.name());
  EXPECT_EQ(Stage(w, "until").state(), StageState::DONE);
  EXPECT_EQ(Stage(w, "c").state(), StageState::ACTIVE);
  CompleteStage(w.name(), "c", member_);
  EXPECT_EQ(Run(w.name()).state(), v1::Workflow::COMPLETED);
}

}  // namespace
}  // namespace mops::testing

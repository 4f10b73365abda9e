// The projection (when a run ends if each stage takes its estimate, on the
// calendar) and the stage mapping of a migration, as pure functions.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/calendars/business_clock.h"
#include "services/calendars/calendar.h"
#include "services/common/time_util.h"
#include "services/workflows/graph.h"
#include "services/workflows/migration.h"
#include "services/workflows/projection.h"
#include "tests/testing/workflow_templates.h"

namespace mops::services::workflows {
namespace {

using ::testing::HasSubstr;
using StageState = v1::WorkflowStageState;

absl::Time T(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

v1::WorkflowTemplate Campaign() {
  v1::WorkflowTemplate t;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(testing::kCampaign, &t));
  return t;
}

// A run of `t` with every stage pending but those in `states`.
v1::Workflow RunOf(const v1::WorkflowTemplate& t,
                   const std::map<std::string, StageState::State>& states) {
  v1::Workflow w;
  for (const v1::WorkflowStage& s : t.stages()) {
    StageState* st = w.add_stages();
    st->set_id(s.id());
    st->set_kind(KindOf(s));
    auto it = states.find(s.id());
    st->set_state(it == states.end() ? StageState::PENDING : it->second);
  }
  (*w.mutable_variables())["launch_date"] = "2026-11-27";
  return w;
}

StageState* StageOf(v1::Workflow* w, const std::string& id) {
  for (StageState& s : *w->mutable_stages()) {
    if (s.id() == id) return &s;
  }
  return nullptr;
}

class ProjectionTest : public ::testing::Test {
 protected:
  absl::StatusOr<Projection> ProjectAt(const v1::Workflow& w, absl::Time now) {
    return Project(spec_, graph_, w.stages(), w, now,
                   [&](int) -> absl::StatusOr<const calendars::BusinessClock*> {
                     return &clock_;
                   });
  }
  v1::WorkflowTemplate spec_ = Campaign();
  StageGraph graph_ = *StageGraph::Build(spec_.stages());
  calendars::BusinessClock clock_ =
      *calendars::BusinessClock::FromProto(calendars::DefaultCalendar());
};

TEST_F(ProjectionTest, TheLongestRemainingPathOnTheCalendar) {
  // Thursday 10:00, brief active since then: brief 1bd (Fri 10:00),
  // creative 2bd (Tue 10:00), legal 2bd from its due (Thu 10:00), the
  // finance branch (undecided; its due 0: no estimate) and launch (4bh).
  v1::Workflow w = RunOf(spec_, {{"brief", StageState::ACTIVE}});
  *StageOf(&w, "brief")->mutable_start_time() =
      ToProtoTime(T("2026-11-19T10:00:00Z"));
  absl::StatusOr<Projection> p = ProjectAt(w, T("2026-11-19T10:00:00Z"));
  ASSERT_TRUE(p.ok()) << p.status();
  const int brief = graph_.Index("brief"), creative = graph_.Index("creative"),
            legal = graph_.Index("legal");
  EXPECT_EQ(*p->stage_end[brief], T("2026-11-20T10:00:00Z"));
  EXPECT_EQ(*p->stage_end[creative], T("2026-11-24T10:00:00Z"));
  EXPECT_EQ(*p->stage_end[legal], T("2026-11-26T10:00:00Z"));
  ASSERT_TRUE(p->end);
  EXPECT_EQ(*p->end, *p->stage_end[graph_.Index("done")]);
  EXPECT_GE(*p->end, *p->stage_end[legal]);
  // launch_date 2026-11-27 ends at midnight: the run makes it.
  EXPECT_LE(*p->end, *TargetOf(spec_, w, absl::UTCTimeZone()));
}

TEST_F(ProjectionTest, AnActiveStagePastItsEstimateEndsNoEarlierThanNow) {
  v1::Workflow w = RunOf(spec_, {{"brief", StageState::ACTIVE}});
  *StageOf(&w, "brief")->mutable_start_time() =
      ToProtoTime(T("2026-11-19T10:00:00Z"));
  const absl::Time now = T("2026-11-30T12:00:00Z");
  absl::StatusOr<Projection> p = ProjectAt(w, now);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->stage_end[graph_.Index("brief")], now);
  // Late now: past the end of the target date.
  EXPECT_GT(*p->end, *TargetOf(spec_, w, absl::UTCTimeZone()));
}

TEST_F(ProjectionTest, SkippedStagesAndFinishedRunsDoNotCount) {
  v1::Workflow w = RunOf(spec_, {{"brief", StageState::DONE},
                                 {"creative", StageState::DONE},
                                 {"legal", StageState::DONE},
                                 {"budget_check", StageState::DONE},
                                 {"finance", StageState::SKIPPED},
                                 {"launch", StageState::ACTIVE}});
  for (StageState& s : *w.mutable_stages()) {
    *s.mutable_end_time() = ToProtoTime(T("2026-11-23T09:00:00Z"));
    *s.mutable_start_time() = ToProtoTime(T("2026-11-23T09:00:00Z"));
  }
  StageOf(&w, "budget_check")->set_branch("false");
  spec_.mutable_stages(graph_.Index("launch"))->set_estimate("4bh");
  absl::StatusOr<Projection> p = ProjectAt(w, T("2026-11-23T09:00:00Z"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->stage_end[graph_.Index("finance")]);
  // launch: 4 business hours.
  EXPECT_EQ(*p->stage_end[graph_.Index("launch")], T("2026-11-23T13:00:00Z"));
}

TEST_F(ProjectionTest, MomentsOfDatesAndTimes) {
  const absl::TimeZone berlin = [] {
    absl::TimeZone tz;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &tz));
    return tz;
  }();
  // Midnight in the zone, also on the day clocks go back.
  EXPECT_EQ(*MomentOf("2026-10-25", berlin), T("2026-10-24T22:00:00Z"));
  EXPECT_EQ(*MomentOf("2026-10-26", berlin), T("2026-10-25T23:00:00Z"));
  EXPECT_EQ(*MomentOf("2026-11-19T10:00:00Z", berlin),
            T("2026-11-19T10:00:00Z"));
  EXPECT_FALSE(MomentOf("soon", berlin));
}

// ---- migration mapping

TEST(MapStagesTest, StartedStagesKeepTheirStateUnderTheirNewIds) {
  v1::WorkflowTemplate from = Campaign(), to = Campaign();
  to.mutable_stages(2)->set_id("legal_review");  // legal
  to.mutable_stages(3)->set_after(0, "legal_review");
  v1::Workflow w = RunOf(from, {{"brief", StageState::DONE},
                                {"creative", StageState::DONE},
                                {"legal", StageState::ACTIVE}});
  StageOf(&w, "legal")->set_approval("approvals/a1");
  StageOf(&w, "legal")->set_round(2);
  google::protobuf::Map<std::string, std::string> mapping;
  mapping["legal"] = "legal_review";
  auto out = MapStages(from, to, 2, w.stages(), mapping);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[2].id(), "legal_review");
  EXPECT_EQ((*out)[2].state(), StageState::ACTIVE);
  EXPECT_EQ((*out)[2].approval(), "approvals/a1");
  EXPECT_EQ((*out)[2].round(), 2);
  EXPECT_EQ((*out)[3].state(), StageState::PENDING);
}

TEST(MapStagesTest, RefusalsNameTheStage) {
  v1::WorkflowTemplate from = Campaign(), to = Campaign();
  to.mutable_stages(2)->set_id("legal_review");
  to.mutable_stages(3)->set_after(0, "legal_review");
  v1::Workflow w = RunOf(from, {{"brief", StageState::DONE},
                                {"creative", StageState::DONE},
                                {"legal", StageState::ACTIVE}});
  google::protobuf::Map<std::string, std::string> mapping;
  auto out = MapStages(from, to, 2, w.stages(), mapping);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("stages[legal]"));
  mapping["legal"] = "creative";  // a task stage
  out = MapStages(from, to, 2, w.stages(), mapping);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()),
              HasSubstr("stage_mapping[legal]"));
  mapping.clear();
  mapping["brief"] = "legal_review";
  mapping["legal"] = "legal_review";
  out = MapStages(from, to, 2, w.stages(), mapping);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  mapping.clear();
  mapping["nope"] = "brief";
  out = MapStages(from, to, 2, w.stages(), mapping);
  EXPECT_THAT(std::string(out.status().message()),
              HasSubstr("stage_mapping[nope]"));
}

TEST(MapStagesTest, ANewStageTheRunHasPassedIsSkipped) {
  v1::WorkflowTemplate from = Campaign(), to = Campaign();
  v1::WorkflowStage* copy = to.add_stages();
  copy->set_id("copy");
  copy->add_after("brief");
  copy->mutable_task()->add_tasks()->set_title("Copy");
  to.mutable_stages(1)->set_after(0, "copy");  // creative after copy
  v1::Workflow w = RunOf(
      from, {{"brief", StageState::DONE}, {"creative", StageState::ACTIVE}});
  StageOf(&w, "creative")->set_rework_for("legal");
  auto out = MapStages(from, to, 2, w.stages(),
                       google::protobuf::Map<std::string, std::string>());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->rbegin()->id(), "copy");
  EXPECT_EQ(out->rbegin()->state(), StageState::SKIPPED);
  EXPECT_EQ((*out)[1].rework_for(), "legal");
}

}  // namespace
}  // namespace mops::services::workflows

// mops workflow start|list|show, without a server: the stage graph's
// depths, the run as `show` prints it, and what start and list make of
// their arguments and flags.
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "clients/cli/client.h"
#include "clients/cli/template_file.h"
#include "clients/cli/workflow_run.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

// The graph of examples/workflows/campaign-launch.yaml: launch comes after
// both the condition and the finance stage behind it.
constexpr char kCampaignLaunch[] = R"(
name: campaign-launch
stages:
  - {id: brief, task: {}}
  - {id: creative, after: brief, task: {}}
  - {id: legal, after: creative, approval: {on_changes_requested: creative}}
  - {id: budget-check, after: legal, condition: {expression: "x"}}
  - {id: finance, after: budget-check, approval: {}}
  - {id: launch, after: [budget-check, finance], task: {}}
  - {id: done, after: launch, end: {}}
)";

api::WorkflowTemplate CampaignLaunch() {
  return ParseTemplateFile(kCampaignLaunch, "campaign-launch.yaml");
}

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

constexpr int64_t kNov23 = 1795416240;  // 2026-11-23 06:44 UTC

api::WorkflowStageState* AddStage(api::Workflow* run, const std::string& id,
                                  const std::string& kind,
                                  api::WorkflowStageState::State state) {
  api::WorkflowStageState* s = run->add_stages();
  s->set_id(id);
  s->set_kind(kind);
  s->set_state(state);
  s->set_round(1);
  return s;
}

// A run waiting for legal's second round, overdue, after a rework.
api::Workflow LegalRun() {
  using S = api::WorkflowStageState;
  api::Workflow run;
  run.set_name("workflows/w1");
  run.set_title("Spring launch");
  run.set_template_("workflowTemplates/campaign-launch");
  run.set_template_version(3);
  run.set_project("projects/q1");
  run.set_starter("users/ann");
  run.set_state(api::Workflow::RUNNING);
  (*run.mutable_variables())["budget"] = "60000.00 EUR";
  (*run.mutable_variables())["campaign"] = "Spring";
  *run.mutable_start_time() = At(kNov23);
  *run.mutable_projected_end_time() = At(kNov23 + 10 * 86400);
  run.set_at_risk(true);
  AddStage(&run, "brief", "task", S::DONE)->add_tasks("projects/q1/tasks/t1");
  S* creative = AddStage(&run, "creative", "task", S::DONE);
  creative->set_round(2);
  creative->set_rework_for("legal");
  creative->add_tasks("projects/q1/tasks/t2");
  creative->add_tasks("projects/q1/tasks/t3");
  S* legal = AddStage(&run, "legal", "approval", S::ACTIVE);
  legal->set_round(2);
  legal->set_approval("approvals/a9");
  *legal->mutable_due_time() = At(kNov23 + 86400);
  legal->set_overdue(true);
  AddStage(&run, "budget-check", "condition", S::PENDING);
  AddStage(&run, "finance", "approval", S::PENDING);
  AddStage(&run, "launch", "task", S::PENDING);
  AddStage(&run, "done", "end", S::PENDING);
  api::WorkflowHistoryEntry* started = run.add_history();
  *started->mutable_time() = At(kNov23);
  started->set_kind(api::WorkflowHistoryEntry::STARTED);
  started->set_actor("users/ann");
  api::WorkflowHistoryEntry* checked = run.add_history();
  *checked->mutable_time() = At(kNov23 + 3600);
  checked->set_kind(api::WorkflowHistoryEntry::STAGE_COMPLETED);
  checked->set_stage("budget-check");
  checked->set_round(1);
  checked->set_actor("system");
  checked->set_outcome("true");
  (*checked->mutable_values())["channel"] = "webinar";
  (*checked->mutable_values())["budget"] = "60000.00 EUR";
  return run;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line of `text` whose stage cell, after its indent and marker, is `id`.
std::string StageLine(const std::string& text, const std::string& id) {
  for (const std::string& line : Lines(text)) {
    const size_t space = line.find(' ', line.find_first_not_of(' '));
    if (space != std::string::npos &&
        line.compare(space + 1, id.size(), id) == 0 &&
        (line.size() == space + 1 + id.size() ||
         line[space + 1 + id.size()] == ' ')) {
      return line;
    }
  }
  return "";
}

std::string UsageError(const std::function<void()>& f) {
  try {
    f();
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code, kExitUsage);
    return e.message;
  }
  return "(no error)";
}

class WorkflowShowTest : public ::testing::Test {
 protected:
  // Tables are bold on a terminal; the expectations are plain text.
  void SetUp() override { ::setenv("NO_COLOR", "1", 1); }
};

TEST_F(WorkflowShowTest, DepthIsTheLongestPathFromARoot) {
  EXPECT_THAT(
      StageDepths(CampaignLaunch()),
      ElementsAre(Pair("brief", 0), Pair("budget-check", 3),
                  Pair("creative", 1), Pair("done", 6), Pair("finance", 4),
                  Pair("launch", 5), Pair("legal", 2)));
}

TEST_F(WorkflowShowTest, CyclesAndUnknownStagesDoNotLoopOrIndent) {
  api::WorkflowTemplate t;
  auto add = [&](const std::string& id, std::vector<std::string> after) {
    api::WorkflowStage* s = t.add_stages();
    s->set_id(id);
    for (const auto& a : after) s->add_after(a);
  };
  add("a", {"b"});
  add("b", {"a"});
  add("c", {"ghost"});
  add("d", {"c"});
  auto depths = StageDepths(t);
  EXPECT_EQ(depths["c"], 0);
  EXPECT_EQ(depths["d"], 1);
  EXPECT_LE(depths["a"], 1);
  EXPECT_LE(depths["b"], 1);
}

TEST_F(WorkflowShowTest, StagesAreIndentedByDepthWithTheirMarkers) {
  const std::string text = RenderWorkflow(LegalRun(), CampaignLaunch());
  EXPECT_THAT(StageLine(text, "brief"), StartsWith("✓ brief "));
  EXPECT_THAT(StageLine(text, "creative"),
              StartsWith("  ✓ creative (round 2, rework for legal) "));
  EXPECT_THAT(StageLine(text, "legal"), StartsWith("    ▶ legal (round 2) "));
  EXPECT_THAT(StageLine(text, "budget-check"),
              StartsWith("      · budget-check "));
  EXPECT_THAT(StageLine(text, "launch"), StartsWith("          · launch "));
  EXPECT_THAT(StageLine(text, "done"), StartsWith("            · done "));
  // Round 1 is not worth a note.
  EXPECT_THAT(StageLine(text, "brief"), Not(HasSubstr("round")));
}

TEST_F(WorkflowShowTest, AStageLineHasKindWorkDueAndOutcome) {
  api::Workflow run = LegalRun();
  run.mutable_stages(0)->set_outcome("done by ann");
  const std::string text = RenderWorkflow(run, CampaignLaunch());
  const std::string brief = StageLine(text, "brief");
  EXPECT_THAT(brief, HasSubstr("task"));
  EXPECT_THAT(brief, HasSubstr("tasks q1/t1"));
  EXPECT_THAT(brief, HasSubstr("done by ann"));
  EXPECT_THAT(StageLine(text, "creative"), HasSubstr("tasks q1/t2, q1/t3"));
  const std::string legal = StageLine(text, "legal");
  EXPECT_THAT(legal, HasSubstr("approval a9"));
  EXPECT_THAT(legal, HasSubstr("2026-11-24 06:44 UTC OVERDUE"));
  EXPECT_THAT(StageLine(text, "finance"), Not(HasSubstr("OVERDUE")));
}

TEST_F(WorkflowShowTest, EveryStateHasItsMarker) {
  using S = api::WorkflowStageState;
  api::Workflow run;
  AddStage(&run, "d", "task", S::DONE);
  AddStage(&run, "a", "task", S::ACTIVE);
  AddStage(&run, "p", "task", S::PENDING);
  AddStage(&run, "s", "task", S::SKIPPED);
  AddStage(&run, "f", "task", S::FAILED);
  AddStage(&run, "c", "task", S::CANCELLED);
  const std::string text = RenderWorkflow(run, api::WorkflowTemplate());
  EXPECT_THAT(StageLine(text, "d"), StartsWith("✓ d "));
  EXPECT_THAT(StageLine(text, "a"), StartsWith("▶ a "));
  EXPECT_THAT(StageLine(text, "p"), StartsWith("· p "));
  EXPECT_THAT(StageLine(text, "s"), StartsWith("↷ s "));
  EXPECT_THAT(StageLine(text, "f"), StartsWith("✗ f "));
  EXPECT_THAT(StageLine(text, "c"), StartsWith("⊘ c "));
}

TEST_F(WorkflowShowTest, WithoutTheVersionNothingIsIndented) {
  const std::string text = RenderWorkflow(LegalRun(), api::WorkflowTemplate());
  EXPECT_THAT(StageLine(text, "done"), StartsWith("· done "));
}

TEST_F(WorkflowShowTest, TheRunItselfFollowsTheStages) {
  const std::string text = RenderWorkflow(LegalRun(), CampaignLaunch());
  EXPECT_THAT(text,
              StartsWith("workflows/w1: Spring launch\n"
                         "template:  campaign-launch@3\n"
                         "project:   q1\n"
                         "started:   2026-11-23 06:44 UTC by ann\n"
                         "variables: budget=60000.00 EUR, campaign=Spring\n"));
  EXPECT_THAT(text, HasSubstr("\nstate:         running\n"
                              "projected end: 2026-12-03 06:44 UTC\n"
                              "at risk:       yes\n"));
  EXPECT_LT(text.find("· done"), text.find("state:"));
}

TEST_F(WorkflowShowTest, EndedRunsSayWhenAndWhy) {
  api::Workflow run = LegalRun();
  run.set_state(api::Workflow::FAILED);
  *run.mutable_end_time() = At(kNov23 + 7200);
  run.set_failure_reason("legal rejected");
  run.set_at_risk(false);
  const std::string text = RenderWorkflow(run, CampaignLaunch());
  EXPECT_THAT(text,
              HasSubstr("state:         failed at 2026-11-23 08:44 UTC: legal "
                        "rejected\n"));
  EXPECT_THAT(text, HasSubstr("at risk:       no\n"));
  run.set_state(api::Workflow::SUSPENDED);
  run.clear_end_time();
  run.clear_failure_reason();
  *run.mutable_suspend_time() = At(kNov23 + 7200);
  EXPECT_THAT(
      RenderWorkflow(run, CampaignLaunch()),
      HasSubstr("state:         suspended since 2026-11-23 08:44 UTC\n"));
}

TEST_F(WorkflowShowTest, HistoryHasOneRowPerEntryWithSortedValues) {
  const std::vector<std::string> lines =
      Lines(RenderWorkflow(LegalRun(), CampaignLaunch()));
  auto history = std::find(lines.begin(), lines.end(), "history:");
  ASSERT_NE(history, lines.end());
  ASSERT_EQ(lines.end() - history, 4);  // the title, header and two rows
  EXPECT_THAT(history[1], StartsWith("TIME "));
  EXPECT_THAT(history[1], HasSubstr("VALUES"));
  EXPECT_THAT(history[2], StartsWith("2026-11-23 06:44 UTC   started"));
  EXPECT_THAT(history[2], HasSubstr("ann"));
  EXPECT_THAT(history[3], HasSubstr("stage_completed"));
  EXPECT_THAT(history[3], HasSubstr("budget-check"));
  EXPECT_THAT(history[3], HasSubstr("system"));
  EXPECT_THAT(history[3],
              EndsWith("true      budget=60000.00 EUR, channel=webinar"));
}

TEST_F(WorkflowShowTest, NoHistoryNoHistorySection) {
  api::Workflow run = LegalRun();
  run.clear_history();
  EXPECT_THAT(RenderWorkflow(run, CampaignLaunch()),
              Not(HasSubstr("history:")));
}

TEST_F(WorkflowShowTest, ListTableShowsActiveStagesAndRisk) {
  google::protobuf::RepeatedPtrField<api::Workflow> runs;
  *runs.Add() = LegalRun();
  api::Workflow* other = runs.Add();
  other->set_name("workflows/w2");
  other->set_template_("workflowTemplates/webinar");
  other->set_template_version(1);
  other->set_project("projects/q2");
  other->set_state(api::Workflow::COMPLETED);
  const std::vector<std::string> lines = Lines(WorkflowsTable(runs).Render());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("NAME   TEMPLATE@VERSION "));
  EXPECT_THAT(lines[1],
              MatchesRegex("w1 +campaign-launch@3 +q1 +running +legal +"
                           "2026-12-03 06:44 UTC +yes"));
  EXPECT_THAT(lines[2], MatchesRegex("w2 +webinar@1 +q2 +completed +- +- +no"));
}

TEST(WorkflowStartTest, TemplateNames) {
  EXPECT_EQ(StartTemplateName("campaign-launch"),
            "workflowTemplates/campaign-launch");
  EXPECT_EQ(StartTemplateName("campaign-launch@3"),
            "workflowTemplates/campaign-launch/versions/3");
  EXPECT_EQ(StartTemplateName("workflowTemplates/x/versions/3"),
            "workflowTemplates/x/versions/3");
  EXPECT_EQ(StartTemplateName("x@03"), "workflowTemplates/x/versions/3");
  EXPECT_EQ(StartTemplateName("workflowTemplates/x@12"),
            "workflowTemplates/x/versions/12");
  for (const char* bad : {"x@", "@3", "x@0", "x@latest", "x@ 3", "x@+3",
                          "workflowTemplates/x/versions/2@3"}) {
    EXPECT_THAT(UsageError([&] { StartTemplateName(bad); }),
                HasSubstr("TEMPLATE: \"" + std::string(bad) + "\""))
        << bad;
  }
}

TEST(WorkflowStartTest, SetSplitsAtTheFirstEquals) {
  EXPECT_THAT(
      ParseAssignments("--set", {"budget=60000 EUR", "expr=a=b", "empty="}),
      ElementsAre(Pair("budget", "60000 EUR"), Pair("empty", ""),
                  Pair("expr", "a=b")));
  EXPECT_EQ(UsageError([] { ParseAssignments("--set", {"budget"}); }),
            "--set: \"budget\" is not NAME=VALUE");
  EXPECT_EQ(UsageError([] { ParseAssignments("--set", {"=1"}); }),
            "--set: \"=1\" is not NAME=VALUE");
  EXPECT_EQ(UsageError([] {
              ParseAssignments("--map", {"a=b", "a=c"});
            }),
            "--map: a is given twice");
}

TEST(WorkflowListTest, FlagsBecomeTheFilterInOrder) {
  WorkflowListFlags f;
  EXPECT_EQ(WorkflowsFilter(f), "");
  f.state = "Running";
  f.at_risk = true;
  f.template_id = "x";
  f.project = "p";
  f.stage = "legal";
  EXPECT_EQ(WorkflowsFilter(f),
            "state = RUNNING AND at_risk = true AND template = "
            "\"workflowTemplates/x\" AND project = \"projects/p\" AND stage = "
            "\"legal\"");
  f = WorkflowListFlags();
  f.filter = "stage = \"brief\" OR stage = \"legal\"";
  f.project = "projects/p";
  EXPECT_EQ(WorkflowsFilter(f),
            "(stage = \"brief\" OR stage = \"legal\") AND project = "
            "\"projects/p\"");
}

TEST(WorkflowListTest, AnUnknownStateNamesTheFlag) {
  WorkflowListFlags f;
  f.state = "done";
  EXPECT_EQ(UsageError([&] { WorkflowsFilter(f); }),
            "--state: \"done\" is not running, suspended, completed, failed "
            "or cancelled");
}

}  // namespace
}  // namespace mops::cli

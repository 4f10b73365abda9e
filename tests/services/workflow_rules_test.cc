// The workflow rules as pure functions: variable values, placeholders,
// conditions, the stage graph (joins, branches, skips) and what makes a
// template publishable, each refusal naming the stage and field.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/workflows/graph.h"
#include "services/workflows/template_rules.h"
#include "services/workflows/variables.h"
#include "tests/testing/workflow_templates.h"

namespace mops::services::workflows {
namespace {

using testing::kCampaign;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

v1::WorkflowTemplate Parse(const std::string& text) {
  v1::WorkflowTemplate t;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &t)) << text;
  return t;
}

// ---- variables

v1::WorkflowVariable Var(const std::string& text) {
  v1::WorkflowVariable v;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &v));
  return v;
}

TEST(VariablesTest, ValuesAreCheckedAndNormalizedByType) {
  const auto money = Var(R"pb(name: "budget" type: MONEY currency: "EUR")pb");
  EXPECT_EQ(*NormalizeValue("f", money, "60000 EUR"), "60000.00 EUR");
  EXPECT_EQ(*NormalizeValue("f", money, "1234.5"), "1234.50 EUR");
  EXPECT_EQ(*NormalizeValue("f", money, "-3.05 EUR"), "-3.05 EUR");
  absl::Status usd =
      NormalizeValue("variables[budget]", money, "10 USD").status();
  EXPECT_EQ(usd.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(usd), StartsWith("variables[budget]: "));
  EXPECT_THAT(usd.ToString(), HasSubstr("USD"));
  EXPECT_FALSE(NormalizeValue("f", money, "ten").ok());
  EXPECT_FALSE(NormalizeValue("f", money, "1.234").ok());

  const auto date = Var(R"pb(name: "d" type: DATE)pb");
  EXPECT_EQ(*NormalizeValue("f", date, "2027-03-01"), "2027-03-01");
  EXPECT_FALSE(NormalizeValue("f", date, "2027-02-30").ok());
  EXPECT_FALSE(NormalizeValue("f", date, "01/03/2027").ok());
  const auto time = Var(R"pb(name: "t" type: TIME)pb");
  EXPECT_EQ(*NormalizeValue("f", time, "2027-03-01T10:00:00+01:00"),
            "2027-03-01T09:00:00+00:00");
  const auto user = Var(R"pb(name: "u" type: USER)pb");
  EXPECT_EQ(*NormalizeValue("f", user, "ann"), "users/ann");
  EXPECT_EQ(*NormalizeValue("f", user, "users/ann"), "users/ann");
  EXPECT_FALSE(NormalizeValue("f", user, "Ann Smith").ok());
  const auto team = Var(R"pb(name: "t" type: TEAM)pb");
  EXPECT_EQ(*NormalizeValue("f", team, "sales"), "teams/sales");
  const auto url = Var(R"pb(name: "a" type: URL)pb");
  EXPECT_FALSE(NormalizeValue("f", url, "ftp://x").ok());
  const auto number = Var(R"pb(name: "n" type: NUMBER)pb");
  EXPECT_EQ(*NormalizeValue("f", number, "+12.5"), "12.5");
  EXPECT_FALSE(NormalizeValue("f", number, "1e3").ok());
}

TEST(VariablesTest, DeclarationsNameTheirProblem) {
  EXPECT_THAT(
      ValidateDeclaration("variables[b]", Var(R"pb(name: "b" type: MONEY)pb"))
          .ToString(),
      HasSubstr("variables[b].currency"));
  EXPECT_THAT(ValidateDeclaration("variables[0]", Var(R"pb(name: "Budget"
                                                           type: STRING)pb"))
                  .ToString(),
              HasSubstr("variables[0].name"));
  EXPECT_THAT(
      ValidateDeclaration("variables[d]", Var(R"pb(name: "d"
                                                   type: DATE
                                                   default_value: "soon")pb"))
          .ToString(),
      HasSubstr("variables[d].default_value"));
  EXPECT_THAT(
      ValidateDeclaration("variables[d]", Var(R"pb(name: "d")pb")).ToString(),
      HasSubstr("variables[d].type"));
}

TEST(VariablesTest, ARunGetsDefaultsAndMustGiveRequiredOnes) {
  const v1::WorkflowTemplate t = Parse(kCampaign);
  google::protobuf::Map<std::string, std::string> given;
  given["campaign"] = "Q1";
  given["budget"] = "60000";
  absl::Status missing = ResolveValues(t.variables(), given).status();
  EXPECT_EQ(missing.message(), "variables[launch_date]: is required");
  given["launch_date"] = "2027-03-01";
  absl::StatusOr<Values> values = ResolveValues(t.variables(), given);
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(values->at("budget"), "60000.00 EUR");
  EXPECT_EQ(values->at("asset"), "https://example.com/a");
  EXPECT_EQ(values->count("designer"), 0u);
  given["colour"] = "red";
  EXPECT_THAT(ResolveValues(t.variables(), given).status().ToString(),
              HasSubstr("variables[colour]: the template has no such"));
}

TEST(VariablesTest, PlaceholdersAreFoundAndRendered) {
  EXPECT_THAT(*Placeholders("f", "Brief {{ campaign }} by {{owner}}"),
              ElementsAre("campaign", "owner"));
  EXPECT_THAT(Placeholders("title", "Brief {{campaign").status().ToString(),
              HasSubstr("title: \"{{\" at position 6 is not closed"));
  EXPECT_FALSE(Placeholders("f", "{{Not A Name}}").ok());
  EXPECT_EQ(Render("Brief {{ campaign }}: {{x}}!", {{"campaign", "Q1"}}),
            "Brief Q1: !");
}

TEST(ConditionTest, ComparesMoneyDatesAndStringsAndSaysWhatItSaw) {
  const v1::WorkflowTemplate t = Parse(kCampaign);
  auto c = Condition::Parse("budget > \"50000 EUR\"", t.variables());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->Holds({{"budget", "60000.00 EUR"}}));
  EXPECT_FALSE(c->Holds({{"budget", "40000.00 EUR"}}));
  EXPECT_FALSE(c->Holds({{"budget", "50000.00 EUR"}}));
  EXPECT_THAT(c->Seen({{"budget", "40000.00 EUR"}, {"campaign", "Q1"}}),
              ElementsAre(Pair("budget", "40000.00 EUR")));
  auto bare =
      Condition::Parse("budget >= 50000 AND campaign = Q1", t.variables());
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_TRUE(bare->Holds({{"budget", "50000.00 EUR"}, {"campaign", "Q1"}}));
  auto date = Condition::Parse("launch_date < \"2027-03-01\"", t.variables());
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_TRUE(date->Holds({{"launch_date", "2027-02-28"}}));
  EXPECT_FALSE(date->Holds({}));  // unset: no comparison holds

  EXPECT_THAT(Condition::Parse("spend > 10", t.variables()).status().ToString(),
              HasSubstr("unknown field \"spend\""));
  EXPECT_THAT(
      Condition::Parse("campaign > \"a\"", t.variables()).status().ToString(),
      HasSubstr("does not apply to campaign"));
  EXPECT_THAT(Condition::Parse("budget > \"10 USD\"", t.variables())
                  .status()
                  .ToString(),
              HasSubstr("USD"));
}

// ---- the graph

std::vector<v1::WorkflowStageState> States(
    const StageGraph& g,
    const std::vector<std::pair<std::string, std::string>>& finished) {
  std::vector<v1::WorkflowStageState> states(g.size());
  for (int i = 0; i < g.size(); ++i) {
    states[i].set_id(g.Id(i));
    states[i].set_state(v1::WorkflowStageState::PENDING);
  }
  for (const auto& [id, branch] : finished) {
    v1::WorkflowStageState& s = states[g.Index(id)];
    if (branch == "skipped") {
      s.set_state(v1::WorkflowStageState::SKIPPED);
    } else {
      s.set_state(v1::WorkflowStageState::DONE);
      s.set_branch(branch);
    }
  }
  return states;
}

TEST(StageGraphTest, JoinsWaitAndBranchesNotTakenAreSkipped) {
  const v1::WorkflowTemplate t = Parse(kCampaign);
  auto g = StageGraph::Build(t.stages());
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_TRUE(g->CheckAcyclic().ok());
  const int finance = g->Index("finance"), launch = g->Index("launch");
  EXPECT_EQ(Ready(*g, g->Index("brief"), States(*g, {})), Readiness::kStart);
  EXPECT_EQ(Ready(*g, g->Index("creative"), States(*g, {})), Readiness::kWait);

  // budget > 50000 EUR: finance runs, launch waits for it.
  auto big = States(*g, {{"brief", ""},
                         {"creative", ""},
                         {"legal", "approved"},
                         {"budget_check", "true"}});
  EXPECT_EQ(Ready(*g, finance, big), Readiness::kStart);
  EXPECT_EQ(Ready(*g, launch, big), Readiness::kWait);
  big[finance].set_state(v1::WorkflowStageState::DONE);
  big[finance].set_branch("approved");
  EXPECT_EQ(Ready(*g, launch, big), Readiness::kStart);

  // Not above it: finance is skipped, launch goes on from the condition.
  auto small = States(*g, {{"brief", ""},
                           {"creative", ""},
                           {"legal", "approved"},
                           {"budget_check", "false"}});
  EXPECT_EQ(Ready(*g, finance, small), Readiness::kSkip);
  small[finance].set_state(v1::WorkflowStageState::SKIPPED);
  EXPECT_EQ(Ready(*g, launch, small), Readiness::kStart);

  // A rejected finance approval takes no ordinary edge, and the condition's
  // edge to launch is its false branch: launch is skipped.
  auto rejected =
      States(*g, {{"budget_check", "true"}, {"finance", "rejected"}});
  EXPECT_EQ(Ready(*g, launch, rejected), Readiness::kSkip);

  EXPECT_TRUE(g->Precedes(g->Index("creative"), g->Index("legal")));
  EXPECT_TRUE(g->Precedes(g->Index("brief"), launch));
  EXPECT_FALSE(g->Precedes(launch, g->Index("brief")));
  const std::vector<int> order = g->TopologicalOrder();
  ASSERT_EQ(order.size(), 7u);
  EXPECT_EQ(g->Id(order.front()), "brief");
  EXPECT_EQ(g->Id(order.back()), "done");
}

TEST(StageGraphTest, BadReferencesAndCyclesAreNamed) {
  auto dup = StageGraph::Build(Parse(R"pb(stages {
                                            id: "a"
                                            end {}
                                          }
                                          stages {
                                            id: "a"
                                            end {}
                                          })pb")
                                   .stages());
  EXPECT_THAT(dup.status().ToString(), HasSubstr("stages[a].id: two stages"));
  auto unknown = StageGraph::Build(Parse(R"pb(stages {
                                                id: "a"
                                                after: "b"
                                                end {}
                                              })pb")
                                       .stages());
  EXPECT_EQ(unknown.status().message(), "stages[a].after[0]: no stage \"b\"");
  auto cycle = StageGraph::Build(Parse(R"pb(stages {
                                              id: "a"
                                              after: "c"
                                              task {}
                                            }
                                            stages {
                                              id: "b"
                                              after: "a"
                                              task {}
                                            }
                                            stages {
                                              id: "c"
                                              after: "b"
                                              task {}
                                            })pb")
                                     .stages());
  ASSERT_TRUE(cycle.ok());
  EXPECT_THAT(cycle->CheckAcyclic().ToString(),
              HasSubstr("the stages form a cycle (a -> b -> c -> a)"));
}

// ---- publishing

TEST(TemplateRulesTest, TheCampaignIsValid) {
  EXPECT_TRUE(ValidateTemplate(Parse(kCampaign)).ok())
      << ValidateTemplate(Parse(kCampaign));
}

// The campaign with `edit` appended to its text (a later field of a
// repeated message adds an entry; of a singular one, replaces it).
absl::Status With(const std::string& edit) {
  return ValidateTemplate(Parse(std::string(kCampaign) + edit));
}

TEST(TemplateRulesTest, EachProblemIsNamedByStageAndField) {
  struct Case {
    std::string edit;
    std::string error;
  };
  const std::vector<Case> cases = {
      {R"pb(stages {
              id: "x"
              after: "done"
              task { tasks { title: "t" } }
            })pb",
       "stages[x].after: \"done\" is an end stage"},
      {R"pb(stages {
              id: "x"
              after: "nope"
              end {}
            })pb",
       "stages[x].after[0]: no stage \"nope\""},
      {R"pb(stages {
              id: "Bad Id"
              end {}
            })pb",
       "stages[7].id"},
      {R"pb(stages { id: "x" after: "brief" })pb", "stages[x]: needs a kind"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              condition { expression: "budget >" if_true: "y" }
            }
            stages {
              id: "y"
              after: "x"
              end {}
            })pb",
       "stages[x].condition.expression"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              condition { expression: "spend > 1" if_true: "y" }
            }
            stages {
              id: "y"
              after: "x"
              end {}
            })pb",
       "unknown field \"spend\""},
      {R"pb(stages {
              id: "x"
              after: "brief"
              condition { expression: "budget > 1" if_true: "launch" }
            })pb",
       "stages[x].condition.if_true[0]: \"launch\" must list this stage"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              task { tasks { title: "t" assignee: "{{budget}}" } }
            })pb",
       "stages[x].task.tasks[0].assignee: {{budget}} is a money variable"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              task { tasks { title: "{{nope}}" } }
            })pb",
       "stages[x].task.tasks[0].title: {{nope}} is not a variable"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              task { tasks { title: "t" estimate: "2027-01-01T00:00:00Z" } }
            })pb",
       "stages[x].task.tasks[0].estimate"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              task {}
            })pb",
       "stages[x].task.tasks: needs a task"},
      {R"pb(stages {
              id: "x"
              after: "launch"
              approval {
                groups { team: "teams/legal" }
                on_changes_requested: "done"
              }
            })pb",
       "stages[x].approval.on_changes_requested: \"done\" is an end stage"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              approval {
                groups { team: "teams/legal" }
                on_changes_requested: "launch"
              }
            })pb",
       "stages[x].approval.on_changes_requested: \"launch\" does not come "
       "before"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              approval {
                groups { team: "teams/legal" }
                on_rejected: "launch"
              }
            })pb",
       "stages[x].approval.on_rejected: \"launch\" must list this stage"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              approval { groups { team: "teams/legal" users: "users/ann" } }
            })pb",
       "stages[x].approval.groups[0]: must name exactly one"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              approval {}
            })pb",
       "stages[x].approval.groups: needs a group"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              wait {}
            })pb",
       "stages[x].wait: needs exactly one of until_variable and duration"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              wait { until_variable: "budget" }
            })pb",
       "stages[x].wait.until_variable: \"budget\" is a money variable"},
      {R"pb(stages {
              id: "x"
              after: "brief"
              due: "soon"
              end {}
            })pb",
       "stages[x].due"},
      {R"pb(variables { name: "campaign" type: STRING })pb",
       "variables[campaign]: two variables have this name"},
      {R"pb(calendar: "team-cal")pb", "calendar"},
  };
  for (const Case& c : cases) {
    absl::Status s = With(c.edit);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.edit;
    EXPECT_THAT(s.ToString(), HasSubstr(c.error)) << c.edit;
  }
}

TEST(TemplateRulesTest, TheTargetIsADateOrTimeVariable) {
  v1::WorkflowTemplate t = Parse(kCampaign);
  t.set_target_variable("campaign");
  EXPECT_THAT(Msg(ValidateTemplate(t)),
              HasSubstr("target_variable: \"campaign\" is not a date or "
                        "time variable"));
}

TEST(TemplateRulesTest, TaskLabelsAreIds) {
  v1::WorkflowTemplate t = Parse(kCampaign);
  t.mutable_stages(0)->mutable_task()->mutable_tasks(0)->add_labels("Not ok");
  EXPECT_THAT(Msg(ValidateTemplate(t)),
              HasSubstr("stages[brief].task.tasks[0].labels[0]"));
}

TEST(TemplateRulesTest, ACycleIsRefusedButAReworkEdgeIsNot) {
  // creative <- legal's rework is fine (the campaign); an `after` loop is not.
  absl::Status s = ValidateTemplate(Parse(R"pb(
    team: "teams/marketing"
    stages {
      id: "a"
      after: "b"
      task { tasks { title: "a" } }
    }
    stages {
      id: "b"
      after: "a"
      task { tasks { title: "b" } }
    }
  )pb"));
  EXPECT_THAT(s.ToString(), HasSubstr("the stages form a cycle"));
  EXPECT_THAT(s.ToString(),
              HasSubstr("only an approval's on_changes_requested"));
  EXPECT_THAT(
      ValidateTemplate(Parse(R"pb(team: "teams/marketing")pb")).ToString(),
      HasSubstr("stages: a template needs a stage"));
  EXPECT_THAT(ValidateTemplate(Parse(R"pb(stages {
                                            id: "a"
                                            end {}
                                          })pb"))
                  .ToString(),
              HasSubstr("team"));
}

}  // namespace
}  // namespace mops::services::workflows

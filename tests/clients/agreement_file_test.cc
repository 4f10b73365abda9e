// mops ola ..., without a server: every example agreement file parses into
// the agreement it describes and reads back from `apply`'s YAML, a bad file
// is refused naming the problem, and what the list flags, CLOCK and
// --from/--to make; what apply says it did.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "clients/cli/agreement_render.h"
#include "clients/cli/client.h"
#include "clients/cli/template_file.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kNov23 = 1795416240;  // 2026-11-23 06:44 UTC

std::string Read(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
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

struct Expected {
  std::vector<std::string> parties;  // teams, in order
  std::vector<std::string> terms;    // term ids, in order
};

std::map<std::string, api::Agreement> Examples() {
  std::map<std::string, api::Agreement> out;
  const std::filesystem::path dir =
      std::filesystem::path(SOURCE_DIR) / "examples" / "agreements";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string path = entry.path().string();
    out[entry.path().stem().string()] = ParseAgreementFile(Read(path), path);
  }
  return out;
}

TEST(AgreementFileTest, EveryExampleParsesIntoItsPartiesAndTerms) {
  const std::map<std::string, Expected> expected = {
      {"marketing-sales",
       {{"teams/marketing", "teams/sales"}, {"mql-response"}}},
      {"marketing-it", {{"teams/marketing", "teams/it"}, {"access-request"}}},
      {"marketing-finance",
       {{"teams/marketing", "teams/finance"},
        {"budget-approval", "invoice-payment"}}},
      {"marketing-legal",
       {{"teams/marketing", "teams/legal"}, {"legal-review"}}},
  };
  const auto examples = Examples();
  ASSERT_EQ(examples.size(), expected.size());
  for (const auto& [id, a] : examples) {
    SCOPED_TRACE(id);
    ASSERT_EQ(expected.count(id), 1u);
    EXPECT_EQ(a.name(), "agreements/" + id);
    EXPECT_FALSE(a.title().empty());
    EXPECT_FALSE(a.scope().empty());
    std::vector<std::string> parties, terms;
    for (const auto& p : a.parties()) {
      parties.push_back(p.team());
      EXPECT_EQ(p.liaisons_size(), 2) << p.team();
      EXPECT_GE(p.responsibilities_size(), 2) << p.team();
    }
    for (const auto& t : a.terms()) {
      terms.push_back(t.id());
      EXPECT_EQ(t.customer(), "teams/marketing") << t.id();
      EXPECT_NE(t.metric(), api::AgreementTerm::METRIC_UNSPECIFIED) << t.id();
      EXPECT_FALSE(t.target().empty()) << t.id();
      EXPECT_FALSE(t.start().empty()) << t.id();
      EXPECT_FALSE(t.stop().empty()) << t.id();
    }
    EXPECT_EQ(parties, expected.at(id).parties);
    EXPECT_EQ(terms, expected.at(id).terms);
    // What `apply --dry-run` diffs against reads back the same.
    api::Agreement again = ParseAgreementFile(AgreementYaml(a), "again");
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a, again))
        << AgreementYaml(a);
  }
}

TEST(AgreementFileTest, TheLiaisonsAreTheAgreedOnes) {
  const std::map<std::string, std::vector<std::string>> liaisons = {
      {"teams/marketing", {"users/mara", "users/max"}},
      {"teams/sales", {"users/sam", "users/sue"}},
      {"teams/it", {"users/ivan", "users/ian"}},
      {"teams/finance", {"users/fiona", "users/fred"}},
      {"teams/legal", {"users/lena", "users/leo"}},
  };
  for (const auto& [id, a] : Examples()) {
    for (const auto& p : a.parties()) {
      EXPECT_EQ(
          std::vector<std::string>(p.liaisons().begin(), p.liaisons().end()),
          liaisons.at(p.team()))
          << id << " " << p.team();
    }
  }
}

TEST(AgreementFileTest, TheMqlTermHasItsSegmentPauseAndLadder) {
  const api::Agreement a = Examples().at("marketing-sales");
  const api::AgreementTerm& t = a.terms(0);
  EXPECT_EQ(t.provider(), "teams/sales");
  EXPECT_EQ(t.metric(), api::AgreementTerm::RESPONSE);
  EXPECT_EQ(t.target(), "2bh");
  ASSERT_EQ(t.segments_size(), 1);
  EXPECT_EQ(t.segments(0).name(), "p0");
  EXPECT_EQ(t.segments(0).filter(), "priority = P0");
  EXPECT_EQ(t.segments(0).target(), "1bh");
  EXPECT_EQ(t.start(0).event_type(), "task.created");
  EXPECT_EQ(t.start(0).filter(), "labels:mql AND team = \"teams/sales\"");
  ASSERT_EQ(t.pause_size(), 1);
  EXPECT_EQ(t.pause(0).filter(), "labels:mql AND state = BLOCKED");
  EXPECT_EQ(t.pause(0).reason(), "missing data");
  EXPECT_EQ(t.pause(0).charged_to(), "teams/marketing");
  EXPECT_EQ(t.resume(0).filter(), "labels:mql AND from = BLOCKED");
  EXPECT_EQ(t.stop(0).filter(),
            "labels:mql AND (state = IN_PROGRESS OR state = DONE OR state = "
            "CANCELLED)");
  EXPECT_EQ(t.cancel(0).event_type(), "task.deleted");
  ASSERT_EQ(t.escalations_size(), 2);
  EXPECT_EQ(t.escalations(0).offset(), "-30bm");
  EXPECT_TRUE(t.escalations(0).notify_liaisons());
  EXPECT_EQ(t.escalations(1).offset(), "1bh");
  EXPECT_TRUE(t.escalations(1).add_provider_leads());
}

TEST(AgreementFileTest, FinanceConcernsPaidMediaAndLegalTheLaunchStage) {
  const auto examples = Examples();
  const api::Agreement& finance = examples.at("marketing-finance");
  EXPECT_THAT(finance.concerns().project_labels(), ElementsAre("paid-media"));
  EXPECT_EQ(finance.terms(0).start(0).event_type(), "approval.requested");
  EXPECT_EQ(finance.terms(0).start(0).filter(),
            "groups.team:\"teams/finance\"");
  EXPECT_EQ(finance.terms(0).target(), "5bd");
  EXPECT_EQ(finance.terms(1).target(), "10bd");

  // The legal term measures the legal stage of campaign-launch, an
  // approval of the provider's team.
  const api::Agreement& legal = examples.at("marketing-legal");
  EXPECT_THAT(legal.concerns().workflow_templates(),
              ElementsAre("workflowTemplates/campaign-launch"));
  const std::string path =
      std::string(SOURCE_DIR) + "/examples/workflows/campaign-launch.yaml";
  const api::WorkflowTemplate launch = ParseTemplateFile(Read(path), path);
  const api::AgreementTerm& review = legal.terms(0);
  bool found = false;
  for (const auto& s : launch.stages()) {
    if (s.id() != "legal") continue;
    found = true;
    EXPECT_EQ(s.approval().groups(0).team(), review.provider());
  }
  EXPECT_TRUE(found);
  EXPECT_THAT(review.start(0).filter(), HasSubstr("stage = \"legal\""));
  EXPECT_EQ(review.start(0).event_type(), "workflow.stage_entered");
  EXPECT_EQ(review.stop(0).event_type(), "workflow.stage_completed");
  EXPECT_EQ(review.cancel(0).event_type(), "workflow.cancelled");
}

TEST(AgreementFileTest, BadFilesAreNamed) {
  auto error = [](const std::string& text) {
    return UsageError([&] { ParseAgreementFile(text, "a.yaml"); });
  };
  EXPECT_THAT(error("id: x\ncolour: red\n"), StartsWith("a.yaml: "));
  EXPECT_THAT(error("id: x\ncolour: red\n"), HasSubstr("colour"));
  EXPECT_THAT(error("id: x\nterms: [{id: t, colour: red}]\n"),
              HasSubstr("colour"));
  EXPECT_THAT(error("id: x\nterms: [{id: t, metric: speed}]\n"),
              StartsWith("a.yaml: "));
  EXPECT_THAT(error("title: T\n"), HasSubstr("id is required"));
  EXPECT_THAT(error("id: agreements/x\n"), HasSubstr("is not an agreement id"));
  EXPECT_THAT(error("id: x\nname: y\n"), HasSubstr("differ"));
  EXPECT_THAT(error("- a\n"), HasSubstr("an agreement file is a map"));
  EXPECT_THAT(error("id: x\nterms: [\n"), HasSubstr("a.yaml: line"));
}

TEST(AgreementFileTest, FriendlyForms) {
  const api::Agreement a = ParseAgreementFile(R"(
name: agreements/x
parties:
  - {team: teams/it, liaisons: users/ivan}
terms:
  - {id: t, metric: Resolution, counted_cycles: last, warning_percents: [80]}
)",
                                              "a.yaml");
  EXPECT_EQ(a.name(), "agreements/x");
  EXPECT_THAT(a.parties(0).liaisons(), ElementsAre("users/ivan"));
  EXPECT_EQ(a.terms(0).metric(), api::AgreementTerm::RESOLUTION);
  EXPECT_EQ(a.terms(0).counted_cycles(), api::AgreementTerm::LAST);
  EXPECT_THAT(a.terms(0).warning_percents(), ElementsAre(80));
  EXPECT_THAT(AgreementYaml(a), StartsWith("id: x\n"));
  // An empty `concerns`, as the server may send it, is no change.
  api::Agreement with_empty = a;
  with_empty.mutable_concerns();
  EXPECT_EQ(AgreementYaml(with_empty), AgreementYaml(a));
}

// ---- flags and what the changes say

TEST(AgreementPartsTest, ListFlagsBecomeFilters) {
  AgreementListFlags a;
  EXPECT_EQ(AgreementsFilter(a), "");
  a.state = "Active";
  a.party = "sales";
  a.liaison = "me";
  EXPECT_EQ(AgreementsFilter(a),
            "state = ACTIVE AND party = \"teams/sales\" AND liaison = \"me\"");
  a = AgreementListFlags();
  a.liaison = "sam";
  a.filter = "state = DRAFT OR state = IN_REVIEW";
  EXPECT_EQ(AgreementsFilter(a),
            "(state = DRAFT OR state = IN_REVIEW) AND liaison = "
            "\"users/sam\"");
  a.state = "done";
  EXPECT_EQ(UsageError([&] { AgreementsFilter(a); }),
            "--state: \"done\" is not draft, in_review, active, superseded or "
            "retired");

  ClockListFlags c;
  EXPECT_EQ(ClocksParent(c), "agreements/-");
  c.agreement = "marketing-sales";
  EXPECT_EQ(ClocksParent(c), "agreements/marketing-sales");
  c.state = "breached_stopped";
  c.term = "mql-response";
  c.at_risk = true;
  c.breached = true;
  EXPECT_EQ(ClocksFilter(c),
            "state = BREACHED_STOPPED AND term = \"mql-response\" AND "
            "at_risk = true AND breached = true");
  c.state = "late";
  EXPECT_THAT(UsageError([&] { ClocksFilter(c); }),
              StartsWith("--state: \"late\" is not running, paused,"));
}

TEST(AgreementPartsTest, ClockNames) {
  EXPECT_EQ(ClockName("marketing-sales/c1"),
            "agreements/marketing-sales/clocks/c1");
  EXPECT_EQ(ClockName("agreements/a/clocks/c"), "agreements/a/clocks/c");
  for (const char* bad : {"c1", "a/", "/c", "a/b/c"}) {
    EXPECT_THAT(UsageError([&] { ClockName(bad); }),
                StartsWith("CLOCK: \"" + std::string(bad) + "\""));
  }
}

TEST(AgreementPartsTest, ReportWindowDefaultsAndErrors) {
  const absl::Time now = absl::FromUnixSeconds(kNov23);
  TimeWindow w = ReportWindow("", "", now);
  EXPECT_EQ(w.to.seconds(), kNov23);
  EXPECT_EQ(w.from.seconds(), kNov23 - 30 * 86400);
  w = ReportWindow("2026-11-01", "2026-11-15T12:00:00Z", now);
  EXPECT_EQ(FormatTime(w.from), "2026-11-01 00:00 UTC");
  EXPECT_EQ(FormatTime(w.to), "2026-11-15 12:00 UTC");
  w = ReportWindow("", "2026-12-01", now);
  EXPECT_EQ(FormatTime(w.from), "2026-11-01 00:00 UTC");
  EXPECT_THAT(UsageError([&] { ReportWindow("soon", "", now); }),
              StartsWith("--from: \"soon\""));
  EXPECT_THAT(UsageError([&] { ReportWindow("", "12/01", now); }),
              StartsWith("--to: \"12/01\""));
  EXPECT_THAT(
      UsageError([&] { ReportWindow("2026-12-02", "2026-12-01", now); }),
      StartsWith("--from: 2026-12-02 00:00 UTC is not before --to"));
}

TEST(AgreementPartsTest, ApplySaysWhatChanged) {
  api::Agreement before = Examples().at("marketing-sales");
  before.set_version(3);
  before.set_state(api::Agreement::DRAFT);
  api::Agreement saved = before;
  saved.set_title("Lead handover, faster");
  EXPECT_EQ(ApplyOutcome(nullptr, saved),
            "agreements/marketing-sales created: version 3, a draft (mops ola "
            "submit marketing-sales asks the liaisons to approve it)\n");
  EXPECT_EQ(ApplyOutcome(&before, saved),
            "agreements/marketing-sales: version 3 draft updated\n");
  EXPECT_EQ(ApplyOutcome(&before, before),
            "agreements/marketing-sales unchanged (version 3, draft)\n");
  // Applied to active version 2, the file made version 3.
  before.set_state(api::Agreement::ACTIVE);
  before.set_version(2);
  saved.set_active_version(2);
  EXPECT_EQ(ApplyOutcome(&before, saved),
            "agreements/marketing-sales: version 3 draft created (version 2 "
            "stays active until it is approved)\n");
  EXPECT_EQ(DryRunOutcome(nullptr), "would create version 1, a draft");
  EXPECT_EQ(DryRunOutcome(&before),
            "would make version 3, a draft (version 2 is active)");
  before.set_state(api::Agreement::DRAFT);
  EXPECT_EQ(DryRunOutcome(&before), "would update version 2, draft");
}

}  // namespace
}  // namespace mops::cli

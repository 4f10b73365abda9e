// Agreements (OLAs) through the real binaries, as a team lead would: the
// shipped example files applied (dry run first), reviewed by the liaisons
// and activated, edited into a second version; the clocks of a term on real
// tasks with the real clock (what is true right away: running with a due
// time ahead, paused, met), the report and the ledger; liaisons joining
// decisions; bad input; retiring.
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "mops/v1/agreements.pb.h"
#include "mops/v1/approvals.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using testing::Mopsd;
using ::testing::Not;
using testing::RunResult;
using v1::Agreement;
using v1::ClockCycle;

class AgreementEndToEndTest : public ::testing::Test {
 protected:
  // mopsd and the admin logged in. The default calendar (the sales team's)
  // counts every hour of the week, so that clocks count the same whatever
  // the day the test runs on.
  void SetUp() override {
    server_ = std::make_unique<Mopsd>(MOPSD_PATH, dir_.Sub("data"));
    ASSERT_FALSE(server_->address().empty()) << server_->Log();
    Ok({"login", "--server", server_->address(), "--token-file",
        dir_.Sub("data/admin.token")});
    Ok({"calendar", "update", "default", "--hours", "mon-sun 00:00-24:00"});
  }

  RunResult Mops(std::vector<std::string> args) {
    args.insert(args.begin(), MOPS_PATH);
    return testing::Run(args,
                        {{"XDG_CONFIG_HOME", dir_.Sub("config")},
                         {"MOPS_SERVER", ""},
                         {"MOPS_TOKEN", ""},
                         {"MOPS_ON_BEHALF_OF", ""},
                         {"NO_COLOR", "1"}},
                        dir_.path());
  }

  // Runs a command that must succeed; its standard output.
  std::string Ok(const std::vector<std::string>& args) {
    RunResult r = Mops(args);
    EXPECT_EQ(r.exit_code, 0)
        << "mops " << absl::StrJoin(args, " ") << ": " << r.err;
    return r.out;
  }

  // Runs a command with `-o json` and reads its output as an M.
  template <typename M>
  M Json(std::vector<std::string> args) {
    args.insert(args.end(), {"-o", "json"});
    const std::string out = Ok(args);
    M m;
    const auto status = google::protobuf::util::JsonStringToMessage(out, &m);
    EXPECT_TRUE(status.ok()) << "mops " << absl::StrJoin(args, " ") << ": "
                             << status.ToString() << "\n"
                             << out;
    return m;
  }

  // The users, members of `team`.
  void AddPeople(const std::string& team,
                 const std::vector<std::string>& users) {
    for (const std::string& u : users) {
      Ok({"user", "create", u, "--display-name", u});
      Ok({"team", "add-member", team, u});
    }
  }

  // A new token of `user`: the last line `token create` prints.
  std::string TokenOf(const std::string& user) {
    std::string out = Ok({"token", "create", "--user", user});
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }

  // Submits the agreement's draft and has one liaison of each party (by
  // their tokens) approve it; the agreement is then active.
  void Activate(const std::string& id, const std::vector<std::string>& tokens,
                std::vector<std::string> submit_flags = {}) {
    std::vector<std::string> submit = {"ola", "submit", id};
    submit.insert(submit.end(), submit_flags.begin(), submit_flags.end());
    EXPECT_THAT(Ok(submit), HasSubstr("in_review"));
    const Agreement in_review = Json<Agreement>({"ola", "get", id});
    EXPECT_EQ(in_review.state(), Agreement::IN_REVIEW);
    ASSERT_THAT(in_review.approval(), HasSubstr("approvals/"));
    for (const std::string& token : tokens) {
      Ok({"--token", token, "approve", in_review.approval(), "-m", "agreed"});
    }
    EXPECT_EQ(Json<Agreement>({"ola", "get", id}).state(), Agreement::ACTIVE);
  }

  static std::string Example(const std::string& dir, const std::string& name) {
    return std::string(SOURCE_DIR) + "/examples/" + dir + "/" + name + ".yaml";
  }

  // A copy of an example agreement in the temp dir with `from` replaced.
  std::string EditedCopy(const std::string& name, const std::string& from,
                         const std::string& to, const std::string& copy) {
    std::string text = testing::ReadFileOrEmpty(Example("agreements", name));
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << name << " has no " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    const std::string path = dir_.Sub(copy);
    std::ofstream(path) << text;
    return path;
  }

  testing::TempDir dir_;
  std::unique_ptr<Mopsd> server_;
};

TEST_F(AgreementEndToEndTest, TheExampleAgreementsFromFilesToRetirement) {
  // The liaisons the four files name, in their teams; legal is not a
  // default team, and marketing-legal names the campaign-launch template.
  Ok({"team", "create", "legal", "--display-name", "Legal"});
  AddPeople("marketing", {"mara", "max"});
  AddPeople("sales", {"sam", "sue"});
  AddPeople("it", {"ivan", "ian"});
  AddPeople("finance", {"fiona", "fred"});
  AddPeople("legal", {"lena", "leo"});
  Ok({"workflow", "template", "apply", "-f",
      Example("workflows", "campaign-launch")});
  const std::string mara = TokenOf("mara"), sam = TokenOf("sam");

  // A dry run shows the file and writes nothing.
  const std::string sales = Example("agreements", "marketing-sales");
  std::string out = Ok({"ola", "apply", "-f", sales, "--dry-run"});
  EXPECT_THAT(out, HasSubstr("+id: marketing-sales"));
  EXPECT_THAT(out, HasSubstr("would create version 1, a draft; the file is "
                             "valid"));
  EXPECT_EQ(Json<v1::ListAgreementsResponse>({"ola", "list"}).agreements_size(),
            0);

  for (const char* name : {"marketing-sales", "marketing-finance",
                           "marketing-it", "marketing-legal"}) {
    out = Ok({"ola", "apply", "-f", Example("agreements", name)});
    EXPECT_THAT(out, HasSubstr(std::string("agreements/") + name +
                               " created: version 1, a draft"));
  }
  EXPECT_EQ(Json<v1::ListAgreementsResponse>({"ola", "list"}).agreements_size(),
            4);
  out = Ok({"ola", "get", "marketing-sales"});
  EXPECT_THAT(out, HasSubstr("state:       draft"));
  EXPECT_THAT(out, HasSubstr("marketing (liaisons: mara, max)"));
  EXPECT_THAT(out, HasSubstr("sales (liaisons: sam, sue)"));
  EXPECT_THAT(out, HasSubstr("mql-response: An MQL is accepted or rejected"));
  EXPECT_THAT(out, HasSubstr("parties:     sales -> marketing"));
  EXPECT_THAT(out, HasSubstr("target:      2bh"));
  EXPECT_THAT(Ok({"ola", "apply", "-f", sales}),
              HasSubstr("agreements/marketing-sales unchanged (version 1, "
                        "draft)"));

  // The examples take effect on 2027-01-01. So that what follows holds
  // whenever the test runs, the draft (still version 1) moves that to 2099.
  const std::string later =
      EditedCopy("marketing-sales", "effective_start_date: \"2027-01-01\"",
                 "effective_start_date: \"2099-01-01\"", "sales-2099.yaml");
  EXPECT_THAT(Ok({"ola", "apply", "-f", later}),
              HasSubstr("version 1 draft updated"));
  EXPECT_EQ(Json<v1::ListAgreementVersionsResponse>(
                {"ola", "versions", "marketing-sales"})
                .versions_size(),
            1);
  Activate("marketing-sales", {mara, sam}, {"--due", "5bd"});
  out = Ok({"ola", "get", "marketing-sales"});
  EXPECT_THAT(out, HasSubstr("state:       active"));
  EXPECT_THAT(out, HasSubstr("effective:   from 2099-01-01"));

  // Active but not in effect: an MQL starts no clock.
  Ok({"project", "create", "leads", "--title", "Leads", "--team", "marketing"});
  Ok({"task", "create", "--project", "leads", "--id", "early", "--title",
      "Early lead", "--label", "mql", "--team", "sales"});
  EXPECT_EQ(Json<v1::ListClocksResponse>({"ola", "clocks"}).clocks_size(), 0);

  // Version 2, in effect at once: version 1 stays active until approved.
  const std::string now =
      EditedCopy("marketing-sales", "effective_start_date: \"2027-01-01\"\n",
                 "", "sales-now.yaml");
  out = Ok({"ola", "apply", "-f", now, "--dry-run"});
  EXPECT_THAT(out, HasSubstr("-effective_start_date: 2099-01-01"));
  EXPECT_THAT(out, HasSubstr("would make version 2, a draft (version 1 is "
                             "active)"));
  EXPECT_THAT(Ok({"ola", "apply", "-f", now}),
              HasSubstr("version 2 draft created (version 1 stays active"));
  Activate("marketing-sales", {mara, sam});
  const auto versions = Json<v1::ListAgreementVersionsResponse>(
      {"ola", "versions", "marketing-sales"});
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).state(), Agreement::ACTIVE);
  EXPECT_EQ(versions.versions(1).state(), Agreement::SUPERSEDED);
  EXPECT_THAT(Ok({"ola", "versions", "marketing-sales"}),
              HasSubstr("superseded"));
  // Nothing happened to the early lead since.
  EXPECT_EQ(Json<v1::ListClocksResponse>({"ola", "clocks"}).clocks_size(), 0);

  // An MQL in the sales team: a clock runs, due in the future.
  Ok({"task", "create", "--project", "leads", "--id", "l1", "--title", "Lead 1",
      "--label", "mql", "--team", "sales"});
  EXPECT_THAT(Ok({"ola", "clocks", "--agreement", "marketing-sales"}),
              HasSubstr("projects/leads/tasks/l1   mql-response   running"));
  auto clocks = Json<v1::ListClocksResponse>({"ola", "clocks"});
  ASSERT_EQ(clocks.clocks_size(), 1);
  const v1::Clock& running = clocks.clocks(0);
  EXPECT_EQ(running.subject(), "projects/leads/tasks/l1");
  EXPECT_EQ(running.agreement_version(), 2);
  EXPECT_EQ(running.current().state(), ClockCycle::RUNNING);
  EXPECT_EQ(running.current().target().seconds(), 2 * 3600);
  EXPECT_GT(running.current().due_time().seconds(),
            absl::ToUnixSeconds(absl::Now()));
  const std::string clock = running.name();

  // Blocked: paused, the wait charged to marketing; started: met.
  Ok({"task", "block", "leads/l1", "-m", "no contact data"});
  EXPECT_THAT(Ok({"ola", "clocks", "--agreement", "marketing-sales"}),
              HasSubstr("mql-response   paused"));
  out = Ok({"ola", "clock", clock});
  EXPECT_THAT(out, HasSubstr("cycle 1: paused"));
  EXPECT_THAT(out, HasSubstr("missing data, charged to marketing"));
  Ok({"task", "start", "leads/l1"});
  const v1::Clock met = Json<v1::Clock>({"ola", "clock", clock});
  EXPECT_EQ(met.current().state(), ClockCycle::MET);
  ASSERT_EQ(met.current().pauses_size(), 1);
  EXPECT_EQ(met.current().pauses(0).charged_to(), "teams/marketing");
  EXPECT_TRUE(met.current().pauses(0).has_end_time());

  const auto report =
      Json<v1::AgreementReport>({"ola", "report", "marketing-sales"});
  ASSERT_EQ(report.terms_size(), 1);
  EXPECT_EQ(report.terms(0).term(), "mql-response");
  EXPECT_EQ(report.terms(0).started(), 1);
  EXPECT_EQ(report.terms(0).met(), 1);
  EXPECT_EQ(report.terms(0).breached(), 0);
  EXPECT_THAT(Ok({"ola", "report", "marketing-sales"}),
              HasSubstr("no breaches"));
  // Marketing waited on sales while the clock ran; sales on marketing
  // while it was paused.
  const auto ledger = Json<v1::WaitLedger>({"ola", "ledger"});
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const v1::WaitEntry& e : ledger.entries()) {
    pairs.emplace_back(e.waiting(), e.waited_on());
  }
  EXPECT_THAT(pairs, ::testing::UnorderedElementsAre(
                         std::pair<std::string, std::string>("teams/marketing",
                                                             "teams/sales"),
                         std::pair<std::string, std::string>(
                             "teams/sales", "teams/marketing")));
  EXPECT_THAT(Ok({"ola", "ledger"}), HasSubstr("WAITING \\ ON"));

  // Nothing to submit while the latest version is active.
  RunResult r = Mops({"ola", "submit", "marketing-sales"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("has no draft"));

  // Retired: the running clock of a new MQL is cancelled, the met one
  // stays; later MQLs start none.
  Ok({"task", "create", "--project", "leads", "--id", "l2", "--title", "Lead 2",
      "--label", "mql", "--team", "sales"});
  EXPECT_EQ(
      Json<v1::ListClocksResponse>({"ola", "clocks", "--state", "running"})
          .clocks_size(),
      1);
  EXPECT_THAT(Ok({"ola", "retire", "marketing-sales", "-m", "replaced"}),
              HasSubstr("version 2 retired"));
  EXPECT_EQ(Json<Agreement>({"ola", "get", "marketing-sales"}).state(),
            Agreement::RETIRED);
  Ok({"task", "create", "--project", "leads", "--id", "l3", "--title", "Lead 3",
      "--label", "mql", "--team", "sales"});
  clocks = Json<v1::ListClocksResponse>(
      {"ola", "clocks", "--agreement", "marketing-sales"});
  ASSERT_EQ(clocks.clocks_size(), 2);
  for (const v1::Clock& c : clocks.clocks()) {
    EXPECT_EQ(c.current().state(), c.subject() == "projects/leads/tasks/l1"
                                       ? ClockCycle::MET
                                       : ClockCycle::CANCELLED)
        << c.subject();
    EXPECT_NE(c.subject(), "projects/leads/tasks/l3");
  }
}

TEST_F(AgreementEndToEndTest, LiaisonsJoinDecisionsAndBadInputIsNamed) {
  AddPeople("marketing", {"mara", "max"});
  AddPeople("finance", {"fiona", "fred"});
  const std::string finance = Example("agreements", "marketing-finance");
  Ok({"ola", "apply", "-f", finance});
  Activate("marketing-finance", {TokenOf("mara"), TokenOf("fiona")});

  // An approval on a paid-media project with a finance group gets a group
  // of the agreement's liaisons (but the finance ones, in a group already).
  Ok({"project", "create", "media", "--title", "Paid media", "--team",
      "marketing", "--label", "paid-media"});
  const auto asked = Json<v1::Approval>(
      {"approvals", "request", "--subject", "projects/media", "--title",
       "Q1 paid media", "--approvers", "team:finance"});
  const auto approval = Json<v1::Approval>({"approvals", "show", asked.name()});
  ASSERT_EQ(approval.groups_size(), 2) << approval.DebugString();
  EXPECT_EQ(approval.groups(0).team(), "teams/finance");
  EXPECT_EQ(approval.groups(1).agreement(), "agreements/marketing-finance");
  EXPECT_THAT(approval.groups(1).users(),
              ::testing::ElementsAre("users/mara", "users/max"));
  EXPECT_THAT(Ok({"approvals", "show", asked.name()}),
              HasSubstr("1 of mara+max"));
  // Not on a project without the label.
  Ok({"project", "create", "other", "--title", "Other", "--team", "marketing"});
  const auto plain =
      Json<v1::Approval>({"approvals", "request", "--subject", "projects/other",
                          "--title", "Other", "--approvers", "team:finance"});
  EXPECT_EQ(
      Json<v1::Approval>({"approvals", "show", plain.name()}).groups_size(), 1);

  // A bad filter is named by its field; nothing is written.
  const std::string bad =
      EditedCopy("marketing-finance", "filter: groups.team:\"teams/finance\"\n",
                 "filter: groups.team:\"teams/finance\" AND (\n", "bad.yaml");
  RunResult r = Mops({"ola", "apply", "-f", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("agreement.terms[0].start[0].filter"));
  // A dry run fails on it the same way (a CI check can rely on it).
  r = Mops({"ola", "apply", "-f", bad, "--dry-run"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("agreement.terms[0].start[0].filter"));
  EXPECT_EQ(Json<v1::ListAgreementVersionsResponse>(
                {"ola", "versions", "marketing-finance"})
                .versions_size(),
            1);

  r = Mops({"ola", "get", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(r.err, HasSubstr("agreements/nope"));
  EXPECT_THAT(r.out, Not(HasSubstr("agreements/nope")));

  r = Mops({"ola", "submit", "marketing-finance"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("has no draft"));
}

}  // namespace
}  // namespace mops

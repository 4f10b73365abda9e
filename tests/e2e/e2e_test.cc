// The real mopsd driven by the real mops, as a team lead would.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_split.h"
#include "clients/cli/output.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "mops/v1/approvals.pb.h"
#include "mops/v1/events.pb.h"
#include "mops/v1/identity.pb.h"
#include "mops/v1/projects.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace mops {
namespace {

using testing::Env;
using ::testing::HasSubstr;
using testing::Mopsd;
using ::testing::Not;
using testing::RunResult;

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"XDG_CONFIG_HOME", dir_.Sub("config")},
            {"MOPS_SERVER", ""},
            {"MOPS_TOKEN", ""},
            {"MOPS_ON_BEHALF_OF", ""},
            {"NO_COLOR", "1"}};
  }

  RunResult Mops(std::vector<std::string> args, const Env& extra = {},
                 const std::string& cwd = "") {
    args.insert(args.begin(), MOPS_PATH);
    Env env = env_;
    for (const auto& [k, v] : extra) env[k] = v;
    return testing::Run(args, env, dir_.path(), cwd);
  }

  std::string AdminTokenFile() const { return dir_.Sub("data/admin.token"); }

  testing::TempDir dir_;
  Env env_;
};

TEST_F(EndToEndTest, AdminSetsUpATeamLeadWhoWorksWithTheirOwnToken) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  EXPECT_THAT(server.Log(), HasSubstr("admin token written to"));
  EXPECT_THAT(server.Log(), Not(HasSubstr("mops_")));  // no token in logs

  RunResult r = Mops({"login", "--server", server.address(), "--token-file",
                      AdminTokenFile()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("as users/admin"));
  std::filesystem::perms perms =
      std::filesystem::status(dir_.Sub("config/mops/config.json"))
          .permissions();
  EXPECT_EQ(
      perms & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  r = Mops({"whoami"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("users/admin"));

  r = Mops({"team", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* team : {"marketing", "sales", "it", "finance"}) {
    EXPECT_THAT(r.out, HasSubstr(team));
  }

  ASSERT_EQ(
      Mops({"team", "create", "legal", "--display-name", "Legal"}).exit_code,
      0);
  ASSERT_EQ(Mops({"user", "create", "lena", "--display-name", "Lena Lead",
                  "--email", "lena@example.com"})
                .exit_code,
            0);
  r = Mops({"team", "add-member", "marketing", "lena", "--role", "lead"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Mops({"team", "get", "marketing", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::Team team;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &team).ok())
      << r.out;
  EXPECT_EQ(team.name(), "teams/marketing");
  EXPECT_EQ(team.member_count(), 1);

  r = Mops(
      {"token", "create", "--user", "lena", "--name", "laptop", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::CreateTokenResponse created;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.out, &created).ok());
  const std::string lena = created.secret();

  // Lena, through MOPS_TOKEN (which overrides the context).
  r = Mops({"whoami"}, {{"MOPS_TOKEN", lena}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("users/lena"));
  EXPECT_THAT(r.out, HasSubstr("marketing (lead)"));

  // A lead adds to her own team but creates no teams: exit code 4.
  ASSERT_EQ(Mops({"user", "create", "max", "--display-name", "Max"}).exit_code,
            0);
  r = Mops({"team", "add-member", "marketing", "max"}, {{"MOPS_TOKEN", lena}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Mops({"team", "create", "brand", "--display-name", "Brand"},
           {{"MOPS_TOKEN", lena}});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(r.err, HasSubstr("only admins may create teams"));

  r = Mops({"team", "members", "marketing"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("lena"));
  EXPECT_THAT(r.out, HasSubstr("max"));
  EXPECT_EQ(r.out.find("\033["), std::string::npos);  // NO_COLOR

  // Lena lists and revokes her token; afterwards it is refused: exit 3.
  r = Mops({"token", "list"}, {{"MOPS_TOKEN", lena}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("laptop"));
  EXPECT_THAT(r.out, Not(HasSubstr(lena.substr(22))));
  std::string token_id =
      created.token().name().substr(created.token().name().rfind('/') + 1);
  r = Mops({"token", "revoke", token_id}, {{"MOPS_TOKEN", lena}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Mops({"whoami"}, {{"MOPS_TOKEN", lena}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(r.err, HasSubstr("revoked"));

  // Bad input: the server's message names the field; exit code 1.
  r = Mops({"team", "create", "Bad Id", "--display-name", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(r.err, HasSubstr("team_id"));

  // Usage errors: exit code 2.
  EXPECT_EQ(Mops({"team", "create"}).exit_code, 2);
  r = Mops({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command \"frobnicate\""));
  EXPECT_EQ(Mops({"whoami", "-o", "yaml"}).exit_code, 2);
  EXPECT_EQ(Mops({"whoami", "--timeout", "soon"}).exit_code, 2);
  r = Mops({"team", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("add-member"));

  // Server gone: exit code 5, quickly thanks to the deadline.
  server.process().Signal(SIGTERM);
  EXPECT_EQ(server.process().Wait(), 0);
  EXPECT_THAT(server.Log(), HasSubstr("database closed"));
  r = Mops({"whoami", "--timeout", "2s"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
}

// Found from outside: login stored a relative --token-file as given, so
// the context failed from any other folder.
TEST_F(EndToEndTest, LoginWithARelativeTokenFileWorksFromAnyFolder) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  RunResult r = Mops({"login", "--server", server.address(), "--token-file",
                      "data/admin.token"},
                     {}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::filesystem::create_directories(dir_.Sub("elsewhere"));
  r = Mops({"whoami"}, {}, dir_.Sub("elsewhere"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("users/admin"));
  r = Mops({"config", "view"}, {}, dir_.Sub("elsewhere"));
  EXPECT_THAT(r.out, HasSubstr(AdminTokenFile()));
}

TEST_F(EndToEndTest, EventsListFiltersAndNamesTheFlagItRefuses) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  AdminTokenFile()})
                .exit_code,
            0);
  RunResult r =
      Mops({"events", "list", "--type", "team.*", "--subject", "teams/sales"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("teams/sales"));
  EXPECT_THAT(r.out, Not(HasSubstr("teams/finance")));
  EXPECT_THAT(r.out, Not(HasSubstr("user.created")));
  r = Mops({"events", "list", "--type", "team.created", "--type", "nope.*"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--type[1]"));
}

TEST_F(EndToEndTest, EventsWatchPrintsEventsAsTheyComeAndStopsAtCount) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  AdminTokenFile()})
                .exit_code,
            0);
  ASSERT_EQ(
      Mops({"team", "create", "watched", "--display-name", "W"}).exit_code, 0);
  // From the start: the stored events, as JSON lines, then it stops.
  RunResult r =
      Mops({"events", "watch", "--after", "0", "--type", "team.created",
            "--subject", "teams/watched", "--count", "1", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::Event e;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &e).ok())
      << r.out;
  EXPECT_EQ(e.type(), "team.created");
  EXPECT_EQ(e.subject(), "teams/watched");
  // --count stops inside a message too.
  r = Mops({"events", "watch", "--after", "0", "--count", "2", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
  r = Mops(
      {"events", "watch", "--after", "0", "--type", "nope.*", "--count", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--type[0]"));
  // A chat handle is found again by it.
  ASSERT_EQ(Mops({"user", "create", "ann", "--display-name", "Ann"}).exit_code,
            0);
  r = Mops({"user", "update", "ann", "--chat-handle", "U012AB3CD"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Mops({"user", "list", "--chat-handle", "U012AB3CD"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ann"));
  EXPECT_THAT(r.out, HasSubstr("U012AB3CD"));
}

// Found from outside: a repeatable flag took every word after it, the
// positional id included.
TEST_F(EndToEndTest, ARepeatableFlagLeavesThePositionalIdAlone) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  AdminTokenFile()})
                .exit_code,
            0);
  RunResult r =
      Mops({"project", "create", "--title", "T", "--team", "marketing", "--kpi",
            "Signups", "--kpi", "MQLs", "webinar", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::Project project;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &project).ok())
      << r.out;
  EXPECT_EQ(project.name(), "projects/webinar");
  EXPECT_THAT(project.kpis(), ::testing::ElementsAre("Signups", "MQLs"));
}

// Found from outside: columns were measured in bytes, so umlauts, emoji and
// the CLI's own "…" shifted the columns after them.
TEST_F(EndToEndTest, TableColumnsLineUpWithWideAndAccentedTitles) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  AdminTokenFile()})
                .exit_code,
            0);
  ASSERT_EQ(Mops({"project", "create", "web", "--title", "Web", "--team",
                  "marketing"})
                .exit_code,
            0);
  const std::vector<std::string> titles = {
      "Grüße an Müller", "Launch 🚀 party", "plain",
      "Überlänge: ein sehr langer Titel mit Umlauten äöü und mehr Text"};
  for (const std::string& title : titles) {
    RunResult r = Mops({"task", "create", "--project", "web", "--title", title,
                        "--priority", "P1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  RunResult r = Mops({"task", "list", "--project", "web"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The column after the title starts at the same display column on every
  // line: its text ("P1", the header "PRIORITY" ...) sits where the
  // header's does.
  std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), titles.size() + 1) << r.out;
  auto column_of = [](const std::string& line, const std::string& word) {
    size_t at = line.find(word);
    return at == std::string::npos
               ? std::string::npos
               : mops::cli::DisplayWidth(line.substr(0, at));
  };
  const size_t want = column_of(lines[0], "PRI");
  ASSERT_NE(want, std::string::npos) << lines[0];
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(column_of(lines[i], "P1"), want) << r.out;
  }
  EXPECT_THAT(r.out, HasSubstr("…"));
}

TEST_F(EndToEndTest, ATeamLeadsDayWithProjectsAndTasks) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  AdminTokenFile()})
                .exit_code,
            0);
  // The admin sets up Lena, lead of marketing, and Max, a designer.
  ASSERT_EQ(
      Mops({"user", "create", "lena", "--display-name", "Lena"}).exit_code, 0);
  ASSERT_EQ(Mops({"user", "create", "max", "--display-name", "Max"}).exit_code,
            0);
  ASSERT_EQ(Mops({"team", "add-member", "marketing", "lena", "--role", "lead"})
                .exit_code,
            0);
  ASSERT_EQ(Mops({"team", "add-member", "marketing", "max"}).exit_code, 0);
  RunResult r = Mops({"token", "create", "--user", "lena", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::CreateTokenResponse token;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &token).ok());
  Env lena = {{"MOPS_TOKEN", token.secret()}};

  // Lena plans the launch.
  r = Mops(
      {"project", "create", "q4-launch", "--title", "Q4 launch", "--team",
       "marketing", "--objective", "Grow pipeline", "--kpi", "pipeline",
       "--budget", "50000 EUR", "--end", "2026-12-31", "--label", "launch"},
      lena);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("50000.00 EUR"));
  ASSERT_EQ(Mops({"task", "create", "--project", "q4-launch", "--id", "brief",
                  "--title", "Creative brief", "--assignee", "lena", "--due",
                  "2030-01-05T17:00:00Z"},
                 lena)
                .exit_code,
            0);
  ASSERT_EQ(Mops({"task", "create", "--project", "q4-launch", "--id", "design",
                  "--title", "Design assets", "--assignee", "max",
                  "--depends-on", "q4-launch/brief", "--due", "2030-01-10"},
                 lena)
                .exit_code,
            0);
  r = Mops({"task", "create", "--project", "q4-launch", "--id", "go-live",
            "--title", "Go live", "--assignee", "lena", "--priority", "P0",
            "--depends-on", "q4-launch/design", "--depends-on",
            "q4-launch/brief", "--due", "2020-01-01T09:00:00Z"},
           lena);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // My open tasks: the overdue one first, marked in words (no colour here).
  r = Mops({"task", "list", "--mine", "--open"}, lena);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("q4-launch/go-live"));
  EXPECT_THAT(r.out, HasSubstr("overdue"));
  EXPECT_THAT(r.out, HasSubstr("q4-launch/brief"));
  EXPECT_THAT(r.out, Not(HasSubstr("design")));  // Max's
  EXPECT_LT(r.out.find("go-live"), r.out.find("brief"));
  EXPECT_EQ(r.out.find("\033["), std::string::npos);

  // Going live first is refused: its dependencies are not done.
  r = Mops({"task", "start", "q4-launch/go-live"}, lena);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(r.err, HasSubstr("projects/q4-launch/tasks/brief"));
  EXPECT_THAT(r.err, HasSubstr("projects/q4-launch/tasks/design"));

  // Complete in order; Max does his own task with his own token.
  ASSERT_EQ(Mops({"task", "done", "q4-launch/brief"}, lena).exit_code, 0);
  r = Mops({"token", "create", "--user", "max", "-o", "json"});
  v1::CreateTokenResponse max_token;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.out, &max_token).ok());
  Env max = {{"MOPS_TOKEN", max_token.secret()}};
  ASSERT_EQ(Mops({"task", "start", "q4-launch/design"}, max).exit_code, 0);
  r = Mops(
      {"task", "block", "q4-launch/design", "-m", "waiting for logo files"},
      max);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("blocked: waiting for logo files"));
  ASSERT_EQ(Mops({"task", "done", "q4-launch/design"}, max).exit_code, 0);
  ASSERT_EQ(
      Mops({"task", "comment", "q4-launch/go-live", "-m", "Assets are in"}, max)
          .exit_code,
      0);
  ASSERT_EQ(Mops({"task", "start", "q4-launch/go-live"}, lena).exit_code, 0);
  r = Mops({"task", "done", "q4-launch/go-live"}, lena);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("done"));
  EXPECT_THAT(r.out, HasSubstr("Assets are in"));

  r = Mops({"task", "list", "--mine", "--open"}, lena);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, Not(HasSubstr("q4-launch/")));
  r = Mops({"task", "list", "--project", "q4-launch", "--state", "done", "-o",
            "json"},
           lena);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::ListTasksResponse done;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &done).ok())
      << r.out;
  EXPECT_EQ(done.tasks_size(), 3);
  // --limit cuts a long list and says so on stderr, not in the JSON.
  r = Mops(
      {"task", "list", "--project", "q4-launch", "--limit", "2", "-o", "json"},
      lena);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::ListTasksResponse two;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &two).ok())
      << r.out;
  EXPECT_EQ(two.tasks_size(), 2);
  EXPECT_THAT(r.err, HasSubstr("the first 2 shown"));
  r = Mops({"task", "list", "--project", "q4-launch", "--limit", "3"}, lena);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("shown")));  // exactly 3: nothing left out

  // A bad filter says where; a stranger cannot touch the project.
  r = Mops({"task", "list", "--filter", "priority = P7"}, lena);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not a priority"));
  EXPECT_THAT(r.err, HasSubstr("position 12"));
  ASSERT_EQ(Mops({"user", "create", "sal", "--display-name", "Sal"}).exit_code,
            0);
  r = Mops({"token", "create", "--user", "sal", "-o", "json"});
  v1::CreateTokenResponse sal_token;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.out, &sal_token).ok());
  r = Mops({"project", "update", "q4-launch", "--state", "cancelled"},
           {{"MOPS_TOKEN", sal_token.secret()}});
  EXPECT_EQ(r.exit_code, 4);
  r = Mops({"project", "update", "q4-launch", "--state", "completed"}, lena);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("completed"));
}

TEST_F(EndToEndTest, ATwoGroupApprovalDecidedByThreePeople) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  AdminTokenFile()})
                .exit_code,
            0);
  ASSERT_EQ(
      Mops({"team", "create", "legal", "--display-name", "Legal"}).exit_code,
      0);
  std::map<std::string, Env> as;
  for (const char* user : {"rita", "fay", "finn", "lee"}) {
    ASSERT_EQ(Mops({"user", "create", user, "--display-name", user}).exit_code,
              0);
    RunResult r = Mops({"token", "create", "--user", user, "-o", "json"});
    v1::CreateTokenResponse token;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &token).ok())
        << r.out;
    as[user] = {{"MOPS_TOKEN", token.secret()}};
  }
  ASSERT_EQ(Mops({"team", "add-member", "finance", "fay"}).exit_code, 0);
  ASSERT_EQ(Mops({"team", "add-member", "finance", "finn"}).exit_code, 0);
  ASSERT_EQ(
      Mops({"team", "add-member", "legal", "lee", "--role", "lead"}).exit_code,
      0);

  // Rita asks for 2 of finance and 1 of legal within 3 business days.
  RunResult r =
      Mops({"approvals", "request", "--subject",
            "https://assets.example.com/q4-banner.png", "--asset-version", "v3",
            "--title", "Q4 banner", "--approvers",
            "team:finance:2,team:legal:1", "--due", "3bd", "-o", "json"},
           as["rita"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::Approval approval;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.out, &approval).ok())
      << r.out;
  const std::string id = approval.name().substr(strlen("approvals/"));
  EXPECT_EQ(approval.state(), v1::Approval::PENDING);
  EXPECT_TRUE(approval.has_due_time());

  // Fay sees it in her inbox with what is still needed.
  r = Mops({"approvals", "inbox"}, as["fay"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(id));
  EXPECT_THAT(r.out, HasSubstr("Q4 banner"));
  EXPECT_THAT(r.out, HasSubstr("2 of finance, 1 of legal"));
  EXPECT_THAT(r.out, HasSubstr("in "));  // due relative to now

  // Rita cannot approve her own request.
  r = Mops({"approve", id}, as["rita"]);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("cannot decide"));

  ASSERT_EQ(
      Mops({"approve", id, "-m", "numbers check out"}, as["fay"]).exit_code, 0);
  r = Mops({"approve", id}, as["lee"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("still needed: 1 of finance"));
  // A reject needs a message; a second decision is refused.
  EXPECT_EQ(Mops({"reject", id}, as["finn"]).exit_code, 2);
  r = Mops({"approve", id}, as["fay"]);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("already decided"));

  r = Mops({"approve", id, "-m", "ship it"}, as["finn"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("state:     approved"));
  r = Mops({"approvals", "show", id}, as["rita"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("numbers check out"));
  EXPECT_THAT(r.out, HasSubstr("ship it"));
  EXPECT_THAT(r.out, HasSubstr("2 of finance, a reject vetoes"));
  r = Mops({"approvals", "inbox"}, as["fay"]);
  EXPECT_THAT(r.out, Not(HasSubstr(id)));

  // Delegation and calendars through the CLI.
  r = Mops({"delegate", "--to", "finn", "--until", "2099-01-01", "--teams",
            "finance"},
           as["fay"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("finn decides for fay"));
  r = Mops({"calendar", "get"}, as["fay"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("mon 09:00-17:00"));
  r = Mops({"calendar", "update", "--holiday", "2026-12-25"}, as["fay"]);
  EXPECT_EQ(r.exit_code, 4);
  r = Mops({"calendar", "update", "--time-zone", "Europe/Berlin", "--hours",
            "mon-fri 08:00-16:00", "--holiday", "2026-12-25"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Europe/Berlin"));
  EXPECT_THAT(r.out, HasSubstr("2026-12-25"));
  EXPECT_THAT(r.out, HasSubstr("version: 2"));
  // The version before the change stays readable.
  r = Mops({"calendar", "versions"}, as["fay"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("VERSION"));
  EXPECT_THAT(r.out, HasSubstr("Europe/Berlin"));
  EXPECT_THAT(r.out, HasSubstr("UTC"));
  r = Mops({"calendar", "get", "--version", "1"}, as["fay"]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("time zone: UTC"));
  EXPECT_THAT(r.out, HasSubstr("version: 1"));
  r = Mops({"calendar", "get", "--version", "9"}, as["fay"]);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no version 9"));
  r = Mops({"approvals", "request", "--subject", "x", "--title", "t",
            "--approvers", "group:x"},
           as["rita"]);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--approvers"));
}

TEST_F(EndToEndTest, BackupThroughTheCliStartsAsANewServer) {
  std::string backup = dir_.Sub("backup");
  {
    Mopsd server(MOPSD_PATH, dir_.Sub("data"));
    ASSERT_FALSE(server.address().empty()) << server.Log();
    Env admin = {{"MOPS_SERVER", server.address()},
                 {"MOPS_TOKEN", testing::ReadFileOrEmpty(AdminTokenFile())}};
    admin["MOPS_TOKEN"].pop_back();  // the file ends with a newline
    ASSERT_EQ(
        Mops({"team", "create", "legal", "--display-name", "Legal"}, admin)
            .exit_code,
        0);
    RunResult r = Mops({"admin", "backup", "--to", backup}, admin);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Backup written to " + backup));
    r = Mops({"admin", "backup", "--to", backup}, admin);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("already exists"));
    r = Mops({"admin", "stats"}, admin);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("failed commits            0\n"));
    EXPECT_THAT(r.out, HasSubstr("group commits "));
    server.process().Signal(SIGINT);
    EXPECT_EQ(server.process().Wait(), 0);
  }
  Mopsd restored(MOPSD_PATH, backup);
  ASSERT_FALSE(restored.address().empty()) << restored.Log();
  RunResult r = Mops({"--server", restored.address(), "--token-file",
                      AdminTokenFile(), "team", "get", "legal"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Legal"));
}

TEST_F(EndToEndTest, RefusesADataFolderOfAnotherFormat) {
  std::filesystem::create_directories(dir_.Sub("data"));
  { std::ofstream(dir_.Sub("data/README")) << "not a database"; }
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  EXPECT_TRUE(server.address().empty());
  EXPECT_EQ(server.process().Wait(), 1);
  EXPECT_THAT(server.Log(), HasSubstr("not empty and holds no mops database"));
}

TEST_F(EndToEndTest, TlsOnlyWhenCertificateGiven) {
  std::string cert = dir_.Sub("cert.pem");
  std::string key = dir_.Sub("key.pem");
  RunResult gen = testing::Run(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
       "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
       "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"},
      {}, dir_.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  Mopsd server(MOPSD_PATH, dir_.Sub("data"),
               {"--tls-cert", cert, "--tls-key", key});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  EXPECT_THAT(server.Log(), HasSubstr("(TLS)"));

  RunResult r = Mops({"--server", server.address(), "--token-file",
                      AdminTokenFile(), "--tls-ca", cert, "whoami"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("users/admin"));
  // Plaintext is refused.
  r = Mops({"--server", server.address(), "--token-file", AdminTokenFile(),
            "--timeout", "2s", "whoami"});
  EXPECT_EQ(r.exit_code, 5);
}

}  // namespace
}  // namespace mops

// Workflow templates through the real binaries: the shipped example files
// applied (dry run first), published, read back and re-applied unchanged.
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace mops {
namespace {

using ::testing::HasSubstr;
using testing::Mopsd;
using ::testing::Not;
using testing::RunResult;

class WorkflowEndToEndTest : public ::testing::Test {
 protected:
  RunResult Mops(std::vector<std::string> args) {
    args.insert(args.begin(), MOPS_PATH);
    return testing::Run(args,
                        {{"XDG_CONFIG_HOME", dir_.Sub("config")},
                         {"MOPS_SERVER", ""},
                         {"MOPS_TOKEN", ""},
                         {"NO_COLOR", "1"}},
                        dir_.path());
  }

  static std::string Example(const std::string& name) {
    return std::string(SOURCE_DIR) + "/examples/workflows/" + name + ".yaml";
  }

  testing::TempDir dir_;
};

TEST_F(WorkflowEndToEndTest, TheExampleTemplatesApplyAndPublish) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  dir_.Sub("data/admin.token")})
                .exit_code,
            0);
  ASSERT_EQ(
      Mops({"team", "create", "legal", "--display-name", "Legal"}).exit_code,
      0);

  // A dry run shows the whole file as added and changes nothing.
  RunResult r = Mops({"workflow", "template", "apply", "-f",
                      Example("campaign-launch"), "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("+name: campaign-launch"));
  EXPECT_THAT(r.out, HasSubstr("(dry run): it can be published"));
  r = Mops({"workflow", "template", "list"});
  EXPECT_THAT(r.out, Not(HasSubstr("campaign-launch")));

  for (const char* name : {"campaign-launch", "webinar", "content-piece"}) {
    r = Mops({"workflow", "template", "apply", "-f", Example(name)});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr(std::string("workflowTemplates/") + name +
                                 " created"));
    r = Mops({"workflow", "template", "publish", name});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("/versions/1"));
  }
  r = Mops({"workflow", "template", "apply", "-f", Example("webinar")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("workflowTemplates/webinar unchanged"));

  // get writes a file apply reads back; a changed copy shows in the diff.
  r = Mops({"workflow", "template", "get", "campaign-launch"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string yaml = r.out;
  const std::string from = "due: 5bd", to = "due: 6bd";
  ASSERT_NE(yaml.find(from), std::string::npos) << yaml;
  yaml.replace(yaml.find(from), from.size(), to);
  const std::string copy = dir_.Sub("campaign.yaml");
  { std::ofstream(copy) << yaml; }
  r = Mops({"workflow", "template", "apply", "-f", copy, "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("-    due: 5bd"));
  EXPECT_THAT(r.out, HasSubstr("+    due: 6bd"));
  r = Mops({"workflow", "template", "apply", "-f", copy});
  EXPECT_THAT(r.out, HasSubstr("configured (draft; publish"));
  r = Mops({"workflow", "template", "publish", "campaign-launch"});
  EXPECT_THAT(r.out, HasSubstr("/versions/2"));
  r = Mops({"workflow", "template", "versions", "campaign-launch"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("VERSION"));
  r = Mops({"workflow", "template", "deprecate", "campaign-launch", "--version",
            "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // A broken file names the stage and field, and the flag's file.
  {
    std::ofstream(copy) << "name: broken\nteam: teams/marketing\nstages:\n"
                           "  - id: a\n    after: b\n    end: {}\n";
  }
  r = Mops({"workflow", "template", "apply", "-f", copy, "--dry-run"});
  EXPECT_THAT(r.out, HasSubstr("cannot be published yet"));
  EXPECT_THAT(r.out, HasSubstr("stages[a].after[0]: no stage \"b\""));
  r = Mops({"workflow", "template", "apply", "-f", dir_.Sub("missing.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("-f: cannot read"));
}

// The first stage's task, from `mops workflow show RUN -o json`.
std::string FirstTask(const std::string& json, const std::string& stage) {
  const size_t at = json.find("\"id\": \"" + stage + "\"");
  const size_t tasks = json.find("\"tasks\": [", at);
  const size_t open = json.find('"', tasks + 10);
  return json.substr(open + 1, json.find('"', open + 1) - open - 1);
}

TEST_F(WorkflowEndToEndTest, RunsOfTheExampleTemplatesThroughTheCli) {
  Mopsd server(MOPSD_PATH, dir_.Sub("data"));
  ASSERT_FALSE(server.address().empty()) << server.Log();
  ASSERT_EQ(Mops({"login", "--server", server.address(), "--token-file",
                  dir_.Sub("data/admin.token")})
                .exit_code,
            0);
  ASSERT_EQ(
      Mops({"team", "create", "legal", "--display-name", "Legal"}).exit_code,
      0);
  ASSERT_EQ(
      Mops({"user", "create", "des", "--display-name", "Designer"}).exit_code,
      0);
  RunResult r = Mops({"project", "create", "launch", "--title", "Spring",
                      "--team", "marketing"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"campaign-launch", "webinar", "content-piece"}) {
    ASSERT_EQ(
        Mops({"workflow", "template", "apply", "-f", Example(name)}).exit_code,
        0);
    ASSERT_EQ(Mops({"workflow", "template", "publish", name}).exit_code, 0);
  }

  r = Mops({"workflow", "start", "campaign-launch", "--project", "launch",
            "--id", "spring", "--set", "campaign=Spring", "--set",
            "budget=60000 EUR", "--set", "launch_date=2030-01-31", "--set",
            "asset=https://example.com/spring", "--set", "designer=des"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("workflows/spring"));
  EXPECT_THAT(r.out, HasSubstr("▶ brief"));
  EXPECT_THAT(r.out, HasSubstr("budget=60000.00 EUR"));
  r = Mops({"workflow", "start", "campaign-launch", "--project", "launch",
            "--set", "budget"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--set"));

  // Completing the brief's task advances the run.
  r = Mops({"workflow", "show", "spring", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string brief = FirstTask(r.out, "brief");
  ASSERT_EQ(Mops({"task", "done", brief}).exit_code, 0) << brief;
  r = Mops({"workflow", "show", "spring"});
  EXPECT_THAT(r.out, HasSubstr("✓ brief"));
  EXPECT_THAT(r.out, HasSubstr("▶ creative"));
  r = Mops({"workflow", "list", "--stage", "creative", "--state", "running"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("spring"));
  r = Mops({"workflow", "list", "--state", "sleeping"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--state"));

  EXPECT_EQ(
      Mops({"workflow", "suspend", "spring", "--reason", "freeze"}).exit_code,
      0);
  r = Mops({"workflow", "list", "--state", "suspended"});
  EXPECT_THAT(r.out, HasSubstr("spring"));
  EXPECT_EQ(Mops({"workflow", "resume", "spring"}).exit_code, 0);
  r = Mops({"workflow", "show", "spring", "-o", "json"});
  const std::string creative = FirstTask(r.out, "creative");
  r = Mops({"workflow", "cancel", "spring", "--reason", "dropped"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cancelled"));
  r = Mops({"task", "get", creative});
  EXPECT_THAT(r.out, HasSubstr("cancelled"));

  // The other examples start with their variables.
  r = Mops({"workflow", "start", "webinar", "--project", "launch", "--set",
            "topic=Ops", "--set", "webinar_date=2030-01-15T16:00:00Z", "--set",
            "speaker=des", "--set", "registration_page=https://example.com/r"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Mops({"workflow", "start", "content-piece", "--project", "launch",
            "--set", "title=Guide", "--set", "writer=des", "--set",
            "draft_url=https://example.com/d"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Mops({"workflow", "list"});
  EXPECT_THAT(r.out, HasSubstr("webinar@1"));
  EXPECT_THAT(r.out, HasSubstr("content-piece@1"));
}

}  // namespace
}  // namespace mops

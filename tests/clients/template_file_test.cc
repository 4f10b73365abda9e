// Workflow template files: the shipped examples parse and are valid
// processes, a file round-trips through `get`'s YAML, and a bad file is
// refused naming the file and the problem.
#include "clients/cli/template_file.h"

#include <fstream>
#include <iterator>
#include <string>

#include "clients/cli/client.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/workflows/template_rules.h"

namespace mops::cli {
namespace {

using ::testing::HasSubstr;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string ErrorOf(const std::string& text) {
  try {
    ParseTemplateFile(text, "t.yaml");
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code, kExitUsage);
    return e.message;
  }
  return "";
}

TEST(TemplateFileTest, TheExamplesAreValidAndRoundTrip) {
  for (const char* name : {"campaign-launch", "webinar", "content-piece"}) {
    const std::string path =
        std::string(SOURCE_DIR) + "/examples/workflows/" + name + ".yaml";
    ::mops::v1::WorkflowTemplate t = ParseTemplateFile(Read(path), path);
    EXPECT_EQ(t.name(), std::string("workflowTemplates/") + name);
    absl::Status valid = services::workflows::ValidateTemplate(t);
    EXPECT_TRUE(valid.ok()) << name << ": " << valid;
    ::mops::v1::WorkflowTemplate again =
        ParseTemplateFile(TemplateYaml(t), "again");
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(t, again))
        << TemplateYaml(t);
  }
}

TEST(TemplateFileTest, FriendlyFormsAreAccepted) {
  ::mops::v1::WorkflowTemplate t = ParseTemplateFile(R"(
name: x
team: teams/marketing
variables:
  - {name: budget, type: money, currency: EUR, required: true}
  - {name: title, type: string, default_value: "true"}
stages:
  - id: a
    task: {tasks: [{title: T}]}
  - id: b
    after: a
    approval: {groups: [{team: teams/legal, required: 2}], deadline_action: escalate}
)",
                                                     "t.yaml");
  EXPECT_EQ(t.name(), "workflowTemplates/x");
  EXPECT_EQ(t.variables(0).type(), ::mops::v1::WorkflowVariable::MONEY);
  EXPECT_TRUE(t.variables(0).required());
  EXPECT_EQ(t.variables(1).default_value(), "true");  // quoted: a string
  EXPECT_EQ(t.stages(1).after(0), "a");
  EXPECT_EQ(t.stages(1).approval().groups(0).required(), 2);
  EXPECT_EQ(t.stages(1).approval().deadline_action(),
            ::mops::v1::Approval::ESCALATE);
}

TEST(TemplateFileTest, BadFilesAreNamed) {
  EXPECT_THAT(ErrorOf("name: x\nstages: [\n"), HasSubstr("t.yaml: line"));
  EXPECT_THAT(ErrorOf("name: x\ncolour: red\n"), HasSubstr("t.yaml: "));
  EXPECT_THAT(ErrorOf("name: x\ncolour: red\n"), HasSubstr("colour"));
  EXPECT_THAT(ErrorOf("team: teams/marketing\n"),
              HasSubstr("name is required"));
  EXPECT_THAT(ErrorOf("- a\n- b\n"), HasSubstr("a template file is a map"));
  EXPECT_THAT(ErrorOf("name: x\nvariables: [{name: b, type: colour}]\n"),
              HasSubstr("t.yaml: "));
}

}  // namespace
}  // namespace mops::cli

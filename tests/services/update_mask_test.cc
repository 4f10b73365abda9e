// update_mask by AIP-134: empty is what the resource sets, "*" is every
// updatable field, otherwise the listed paths, each checked.
#include "services/common/update_mask.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mops/v1/identity.pb.h"
#include "mops/v1/projects.pb.h"

namespace mops::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::string_view kTaskFields[] = {
    "title", "description", "priority", "due_time", "labels", "custom_fields"};
constexpr absl::string_view kUserFields[] = {"display_name", "email", "admin"};

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

TEST(UpdateMaskTest, EmptyMaskIsEveryUpdatableFieldTheResourceSets) {
  v1::Task task;
  task.set_name("projects/p/tasks/t");  // set, but not updatable
  task.set_title("Copy");
  task.set_priority(v1::Task::P1);
  task.mutable_due_time()->set_seconds(0);  // present, though zero
  task.add_labels("launch");
  auto paths = UpdatePaths(Mask({}), task, kTaskFields);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("title", "priority", "due_time", "labels"));

  (*task.mutable_custom_fields())["channel"] = "email";
  task.clear_title();
  paths = UpdatePaths(Mask({}), task, kTaskFields);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths,
              ElementsAre("priority", "due_time", "labels", "custom_fields"));
}

TEST(UpdateMaskTest, DefaultValuesAreNotSetSoAnEmptyMaskSkipsThem) {
  v1::User user;
  user.set_admin(false);
  user.set_email("");
  user.set_display_name("Ann");
  auto paths = UpdatePaths(Mask({}), user, kUserFields);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("display_name"));
  user.set_admin(true);
  paths = UpdatePaths(Mask({}), user, kUserFields);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("display_name", "admin"));
}

TEST(UpdateMaskTest, EmptyMaskWithNothingSetIsInvalidAndSaysHowToClear) {
  v1::User user;
  user.set_name("users/ann");
  auto paths = UpdatePaths(Mask({}), user, kUserFields);
  EXPECT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(paths.status().message(), HasSubstr("update_mask"));
  EXPECT_THAT(paths.status().message(),
              HasSubstr("display_name, email, admin"));
}

TEST(UpdateMaskTest, StarIsEveryUpdatableFieldAndMustBeAlone) {
  v1::Task task;  // nothing set: a full replacement clears everything
  auto paths = UpdatePaths(Mask({"*"}), task, kTaskFields);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("title", "description", "priority",
                                  "due_time", "labels", "custom_fields"));
  paths = UpdatePaths(Mask({"title", "*"}), task, kTaskFields);
  EXPECT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(paths.status().message(), HasSubstr("\"*\""));
}

TEST(UpdateMaskTest, ListedPathsComeAsListedWithoutRepeats) {
  v1::Task task;
  task.set_title("set but not listed");
  auto paths =
      UpdatePaths(Mask({"labels", "description", "labels"}), task, kTaskFields);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("labels", "description"));
}

TEST(UpdateMaskTest, AnotherPathIsInvalidNamingItAndTheAllowedOnes) {
  v1::Task task;
  auto paths = UpdatePaths(Mask({"title", "state"}), task, kTaskFields,
                           "(state changes have their own methods)");
  EXPECT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(paths.status().message(),
            "update_mask: path \"state\" cannot be updated; allowed: title, "
            "description, priority, due_time, labels, custom_fields (state "
            "changes have their own methods)");
  // Nested paths are not updatable one by one.
  paths = UpdatePaths(Mask({"due_time.seconds"}), task, kTaskFields);
  EXPECT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(paths.status().message(), HasSubstr("\"due_time.seconds\""));
}

TEST(UpdateMaskTest, AnUpdatableNameThatIsNoFieldIsAnInternalError) {
  constexpr absl::string_view kWrong[] = {"title", "nope"};
  v1::Task task;
  task.set_title("x");
  EXPECT_EQ(UpdatePaths(Mask({}), task, kWrong).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(UpdatePaths(Mask({"title"}), task, kWrong).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace mops::services

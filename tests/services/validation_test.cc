#include "services/common/validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseNameTest, ReturnsTheIdsOfAMatchingName) {
  auto ids =
      ParseName("name", "projects/p1/tasks/t-2", "projects/*/tasks/*", false);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre("p1", "t-2"));
  auto one = ParseId("parent", "projects/p1", "projects/*");
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(*one, "p1");
}

TEST(ParseNameTest, WildcardOnlyWhereAllowed) {
  auto ids = ParseName("parent", "projects/-", "projects/*", true);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre("-"));
  EXPECT_FALSE(ParseName("parent", "projects/-", "projects/*", false).ok());
}

TEST(ParseNameTest, RefusesNamesOfAnotherShapeNamingTheField) {
  for (const char* bad : {"projects", "projects/p1/tasks", "projects/p1/x/t1",
                          "tasks/p1/tasks/t1", "projects/p1/tasks/t1/more",
                          "projects//tasks/t1", "/projects/p1/tasks/t1"}) {
    auto ids = ParseName("task.name", bad, "projects/*/tasks/*", false);
    ASSERT_FALSE(ids.ok()) << bad;
    EXPECT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(ids.status().message(), HasSubstr("task.name")) << bad;
  }
  auto wrong_count =
      ParseName("task.name", "projects/P1", "projects/*/tasks/*", false);
  EXPECT_THAT(wrong_count.status().message(), HasSubstr("does not match"));
  auto bad_id = ParseName("task.name", "projects/P1/tasks/t1",
                          "projects/*/tasks/*", false);
  EXPECT_THAT(bad_id.status().message(), HasSubstr("is not a valid id"));
  auto empty = ParseName("task.name", "", "projects/*/tasks/*", false);
  EXPECT_THAT(empty.status().message(), HasSubstr("is required"));
}

}  // namespace
}  // namespace mops::services

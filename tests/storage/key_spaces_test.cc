#include "storage/key_spaces.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::storage {
namespace {

using ::testing::HasSubstr;

constexpr KeySpace kRows{0x20, "rows", Cf::kRecords};
constexpr KeySpace kIdx{0x80, "index a", Cf::kIndex, HeadShape::kFirstString,
                        "index.a"};

// Validate's message for a registry of storage's spaces and `spaces`.
std::string Problem(std::initializer_list<KeySpace> spaces) {
  KeySpaceRegistry registry;
  for (const KeySpace& space : spaces) registry.Add(space);
  AddStorageKeySpaces(registry);
  absl::Status s = registry.Validate();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  return std::string(s.message());
}

TEST(KeySpacesTest, StorageSpacesAndDistinctOnesValidate) {
  KeySpaceRegistry registry;
  registry.Add(kRows);
  registry.Add(kIdx);
  AddStorageKeySpaces(registry);
  EXPECT_TRUE(registry.Validate().ok()) << registry.Validate();
  ASSERT_NE(registry.Find(0x20), nullptr);
  EXPECT_EQ(registry.Find(0x20)->name, "rows");
  EXPECT_EQ(registry.Find(keys::kTimer.prefix)->name, "timer");
  EXPECT_EQ(registry.Find(0x21), nullptr);
  ASSERT_EQ(registry.WithOwnFamily().size(), 1u);
  EXPECT_EQ(registry.WithOwnFamily()[0].family, "index.a");
  EXPECT_EQ(registry.HeadShapes()[0x80], HeadShape::kFirstString);
  EXPECT_EQ(registry.HeadShapes()[0x21], HeadShape::kPrefix);
}

TEST(KeySpacesTest, APrefixTakenTwiceIsAnError) {
  EXPECT_THAT(Problem({kRows, {0x20, "other rows", Cf::kRecords}}),
              HasSubstr("key spaces \"rows\" and \"other rows\" both use "
                        "prefix 0x20"));
  // Storage's own prefixes are taken too.
  EXPECT_THAT(Problem({{0x01, "mine", Cf::kMeta}}),
              HasSubstr("\"mine\" and \"meta format version\" both use "
                        "prefix 0x01"));
}

TEST(KeySpacesTest, APrefixOutsideItsFamilysRangeIsAnError) {
  EXPECT_THAT(Problem({{0x85, "record", Cf::kRecords}}),
              HasSubstr("key space \"record\" (prefix 0x85) is in column "
                        "family \"records\", whose prefixes are 0x10 to "
                        "0x7F"));
  EXPECT_THAT(Problem({{0x30, "index", Cf::kIndex}}),
              HasSubstr("whose prefixes are 0x80 to 0xDF"));
  EXPECT_THAT(Problem({{0x00, "zero", Cf::kMeta}}),
              HasSubstr("whose prefixes are 0x01 to 0x0F"));
}

TEST(KeySpacesTest, AFamilyNamedTwiceIsAnError) {
  EXPECT_THAT(
      Problem(
          {kIdx, {0x81, "index b", Cf::kIndex, HeadShape::kPrefix, "index.a"}}),
      HasSubstr("both name column family \"index.a\""));
}

TEST(KeySpacesTest, OwnFamiliesAreForIndexSpacesAndNewNamesOnly) {
  EXPECT_THAT(
      Problem({{0x21, "rows", Cf::kRecords, HeadShape::kPrefix, "rows.own"}}),
      HasSubstr("only index spaces have one"));
  EXPECT_THAT(
      Problem({{0x81, "index b", Cf::kIndex, HeadShape::kPrefix, "records"}}),
      HasSubstr("which is one of the engine's families"));
}

TEST(KeySpacesTest, NamesAreGivenAndUnique) {
  EXPECT_THAT(Problem({{0x21, "", Cf::kRecords}}), HasSubstr("has no name"));
  EXPECT_THAT(Problem({kRows, {0x21, "rows", Cf::kRecords}}),
              HasSubstr("have the same name"));
}

}  // namespace
}  // namespace mops::storage

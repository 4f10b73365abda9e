#include "storage/keys.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace mops::storage {
namespace {

constexpr KeySpace kTest{0x20, "test", Cf::kRecords};

TEST(KeysTest, UnsignedIntegersSortNumerically) {
  std::vector<uint64_t> values = {
      0, 1, 255, 256, 65535, 1ull << 32, (1ull << 63) + 5, ~0ull};
  std::vector<std::string> encoded;
  for (uint64_t v : values) {
    encoded.push_back(KeyBuilder(kTest).U64(v).Build());
  }
  EXPECT_TRUE(std::is_sorted(encoded.begin(), encoded.end()));
}

TEST(KeysTest, SignedIntegersSortNumerically) {
  std::vector<int64_t> values = {INT64_MIN, -1000000, -1,       0,
                                 1,         1000000,  INT64_MAX};
  std::vector<std::string> encoded;
  for (int64_t v : values) {
    encoded.push_back(KeyBuilder(kTest).I64(v).Build());
  }
  EXPECT_TRUE(std::is_sorted(encoded.begin(), encoded.end()));
  KeyReader r(encoded[1]);
  ASSERT_TRUE(r.In(kTest));
  EXPECT_EQ(r.I64(), -1000000);
}

// Stored keys must not change: a data folder written by an older mopsd holds
// them.
TEST(KeysTest, EncodingIsStable) {
  const std::string key = KeyBuilder(kTest)
                              .U8(7)
                              .U32(0x01020304)
                              .U64(0x05060708090A0B0C)
                              .I64(-2)
                              .Str(std::string("a\0b", 3))
                              .Str("")
                              .Build();
  const std::string expected(
      "\x07"
      "\x01\x02\x03\x04"
      "\x05\x06\x07\x08\x09\x0A\x0B\x0C"
      "\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFE"
      "a\x00\xFF"
      "b\x00\x01"
      "\x00\x01",
      1 + 4 + 8 + 8 + 6 + 2);
  EXPECT_EQ(key.substr(1), expected);
  EXPECT_EQ(static_cast<uint8_t>(key[0]), 0x20);
}

TEST(KeysTest, StringsSortLikeTheirValuesAndAreNotPrefixesOfEachOther) {
  std::vector<std::string> values = {"",   "a", std::string("a\0", 2),  "a-b",
                                     "ab", "b", std::string("b\0c", 3), "ba"};
  std::vector<std::string> sorted_values = values;
  std::sort(sorted_values.begin(), sorted_values.end());
  std::vector<std::string> encoded;
  for (const auto& v : sorted_values) {
    encoded.push_back(KeyBuilder(kTest).Str(v).Str("x").Build());
  }
  EXPECT_TRUE(std::is_sorted(encoded.begin(), encoded.end()));
  // The rows of parent "a" never include those of parent "ab".
  std::string prefix_a = KeyBuilder(kTest).Str("a").Build();
  EXPECT_EQ(KeyBuilder(kTest).Str("a").Str("z").Build().rfind(prefix_a, 0), 0u);
  EXPECT_NE(KeyBuilder(kTest).Str("ab").Str("z").Build().rfind(prefix_a, 0),
            0u);
}

TEST(KeysTest, ReaderReturnsPartsInOrder) {
  std::string key = KeyBuilder(kTest)
                        .Str(std::string("u\0ser", 5))
                        .U32(7)
                        .U64(42)
                        .Str("tok")
                        .Build();
  KeyReader r(key);
  EXPECT_EQ(r.Prefix(), kTest.prefix);
  EXPECT_EQ(r.Str(), std::string("u\0ser", 5));
  EXPECT_EQ(r.U32(), 7u);
  EXPECT_EQ(r.U64(), 42u);
  EXPECT_EQ(r.Str(), "tok");
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.U64(), std::nullopt);
}

TEST(KeysTest, TimersSortByDueTime) {
  absl::Time t = absl::FromUnixSeconds(1700000000);
  std::string early = keys::Timer(t, 9, 9);
  std::string late = keys::Timer(t + absl::Microseconds(1), 1, 0);
  EXPECT_LT(early, late);
  EXPECT_EQ(keys::TimerDue(late), t + absl::Microseconds(1));
  // Before 1970 still sorts first.
  EXPECT_LT(keys::Timer(absl::FromUnixSeconds(-5), 1, 0), early);
}

TEST(KeysTest, EventsSortByRevisionThenIndex) {
  EXPECT_LT(keys::Event(1, 5), keys::Event(2, 0));
  EXPECT_LT(keys::Event(2, 0), keys::Event(2, 1));
  EXPECT_LT(keys::EventsFrom(2), keys::Event(2, 0));
  EXPECT_GT(keys::EventsFrom(2), keys::Event(1, 0xFFFFFFFF));
}

TEST(KeysTest, PrefixEndBoundsThePrefix) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xFF", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xFF\xFF", 2)), "");
  std::string p = KeyBuilder(kTest).Str("t").Build();
  EXPECT_LT(KeyBuilder(kTest).Str("t").Str("zzzz").Build(), PrefixEnd(p));
}

TEST(KeysTest, KeyAfterIsTheNextKey) {
  const std::string k = KeyBuilder(kTest).Str("a").Build();
  EXPECT_LT(k, KeyAfter(k));
  // Nothing sorts between them: every longer key of prefix k is after.
  EXPECT_LE(KeyAfter(k), k + std::string(1, '\0'));
  EXPECT_LT(KeyAfter(k), KeyBuilder(kTest).Str("a").Str("").Build());
}

// Rows that are written next to each other share a head; rows of other
// parents (another first string, another first byte) do not.
TEST(KeysTest, KeyHeadGroupsRowsOfOneParent) {
  auto row = [](absl::string_view parent, absl::string_view child) {
    return KeyBuilder(kTest).Str(parent).Str(child).Build();
  };
  const HeadShape str = HeadShape::kFirstString;
  EXPECT_EQ(KeyHead(row("p1", "t1"), str), KeyHead(row("p1", "t2"), str));
  EXPECT_NE(KeyHead(row("p1", "t1"), str), KeyHead(row("p2", "t1"), str));
  EXPECT_EQ(KeyHead(row("p1", "t1"), str), KeyBuilder(kTest).Str("p1").Build());
  // A part holding 0x00 (escaped) is still one part.
  const std::string odd("p\0q", 3);
  EXPECT_EQ(KeyHead(row(odd, "t"), str), KeyBuilder(kTest).Str(odd).Build());
  // Malformed: the prefix alone.
  EXPECT_EQ(KeyHead("\x20open", str), "\x20");

  auto grouped = [](uint8_t group, int64_t due) {
    return KeyBuilder(kTest).U8(group).I64(due).Build();
  };
  const HeadShape byte = HeadShape::kFirstByte;
  EXPECT_EQ(KeyHead(grouped(0, 5), byte), KeyBuilder(kTest).U8(0).Build());
  EXPECT_NE(KeyHead(grouped(0, 5), byte), KeyHead(grouped(1, 5), byte));

  // One-part keys and sequences share their space's head.
  EXPECT_EQ(KeyHead(keys::Event(1, 0), HeadShape::kPrefix),
            KeyHead(keys::Event(9, 3), HeadShape::kPrefix));
  EXPECT_EQ(KeyHead(keys::Event(1, 0), HeadShape::kPrefix).size(), 1u);
  EXPECT_EQ(KeyHead("", str), "");
}

}  // namespace
}  // namespace mops::storage

// The CLI's table output measures what a terminal shows, not bytes.
#include "absl/strings/str_split.h"
#include "clients/cli/output.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::cli {
namespace {

TEST(DisplayWidthTest, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth("plain"), 5u);
  EXPECT_EQ(DisplayWidth("Grüße"), 5u);      // 7 bytes
  EXPECT_EQ(DisplayWidth("…"), 1u);          // 3 bytes
  EXPECT_EQ(DisplayWidth("🚀"), 2u);          // 4 bytes, wide
  EXPECT_EQ(DisplayWidth("中文"), 4u);       // wide
  EXPECT_EQ(DisplayWidth("e\xcc\x81"), 1u);  // e + combining acute
  EXPECT_EQ(DisplayWidth("\xff\xfe"), 2u);   // not UTF-8: a column a byte
}

TEST(DisplayWidthTest, TruncateCutsWholeCharactersToTheWidth) {
  EXPECT_EQ(Truncate("short", 40), "short");
  EXPECT_EQ(Truncate("abcdef", 4), "abc…");
  EXPECT_EQ(Truncate("äöüäöü", 4), "äöü…");
  EXPECT_EQ(Truncate("🚀🚀🚀", 4), "🚀…");  // a wide one does not fit twice
  for (size_t width = 1; width < 12; ++width) {
    EXPECT_LE(DisplayWidth(Truncate("Überlänge 🚀 mit Umlauten", width)), width);
  }
}

TEST(DisplayWidthTest, TableColumnsStartAtTheSameColumnOnEveryLine) {
  Table t({"TITLE", "STATE"});
  t.AddRow({"Grüße an Müller", "todo"});
  t.AddRow({"Launch 🚀", "todo"});
  t.AddRow({Truncate("Überlänge mit Umlauten äöü und mehr", 12), "todo"});
  std::vector<std::string> lines =
      absl::StrSplit(t.Render(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  const size_t header =
      DisplayWidth(lines[0].substr(0, lines[0].find("STATE")));
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(DisplayWidth(lines[i].substr(0, lines[i].find("todo"))), header)
        << lines[i];
  }
}

}  // namespace
}  // namespace mops::cli

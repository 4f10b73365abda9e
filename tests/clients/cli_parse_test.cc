// What users type: resource names, durations and times. The duration flags
// differ in details (zero, weeks, a blank before the unit) that users may
// rely on, so these pin each flag's rules.
#include <string>

#include "clients/cli/client.h"
#include "clients/cli/parse.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::cli {
namespace {

using ::testing::HasSubstr;

// The message of the CliError that `f` throws, checking it is a usage error.
template <typename F>
std::string UsageError(F f) {
  try {
    f();
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code, kExitUsage);
    return e.message;
  }
  ADD_FAILURE() << "no CliError";
  return "";
}

TEST(ParseTest, ShortIdsGetTheirCollectionFullNamesPassThrough) {
  EXPECT_EQ(UserName("ann"), "users/ann");
  EXPECT_EQ(UserName("users/ann"), "users/ann");
  EXPECT_EQ(UserName("me"), "users/me");
  EXPECT_EQ(TeamName("it"), "teams/it");
  EXPECT_EQ(ProjectName("q4"), "projects/q4");
  EXPECT_EQ(ApprovalName("a1"), "approvals/a1");
  EXPECT_EQ(ResourceName("calendars", "berlin"), "calendars/berlin");
  EXPECT_EQ(ChildName("users/ann", "tokens", "t1"), "users/ann/tokens/t1");
  EXPECT_EQ(ChildName("users/me", "tokens", "users/bob/tokens/t2"),
            "users/bob/tokens/t2");
}

TEST(ParseTest, TaskNamesAreShortOrFull) {
  EXPECT_EQ(TaskName("q4/brief"), "projects/q4/tasks/brief");
  EXPECT_EQ(TaskName("projects/q4/tasks/brief"), "projects/q4/tasks/brief");
  EXPECT_THAT(UsageError([] { TaskName("brief"); }),
              HasSubstr("task \"brief\" is not PROJECT/TASK"));
  UsageError([] { TaskName("a/b/c"); });
}

int64_t Seconds(const std::string& text, const DurationSyntax& syntax) {
  return absl::ToInt64Seconds(ParseDuration("--flag", text, syntax));
}

TEST(ParseTest, LifetimesAreWholeUnitsAboveZero) {
  EXPECT_EQ(Seconds("30d", kLifetimeSyntax), 30 * 86400);
  EXPECT_EQ(Seconds("12h", kLifetimeSyntax), 12 * 3600);
  EXPECT_EQ(Seconds("45m", kLifetimeSyntax), 45 * 60);
  EXPECT_EQ(Seconds("90s", kLifetimeSyntax), 90);
  EXPECT_EQ(Seconds("+3h", kLifetimeSyntax), 3 * 3600);
  EXPECT_EQ(Seconds(" 3h", kLifetimeSyntax), 3 * 3600);
  for (const char* bad : {"", "d", "5", "0d", "-3h", "2w", "5 d", "1.5h", "5dd",
                          "5ms", "5D", "9223372036854775808s"}) {
    EXPECT_EQ(UsageError([&] { Seconds(bad, kLifetimeSyntax); }),
              "--flag: \"" + std::string(bad) +
                  "\" is not a duration such as 30d, 12h, 45m")
        << bad;
  }
}

TEST(ParseTest, SpansAllowZeroWeeksAndABlankBeforeTheUnit) {
  EXPECT_EQ(Seconds("7d", kSpanSyntax), 7 * 86400);
  EXPECT_EQ(Seconds("2w", kSpanSyntax), 14 * 86400);
  EXPECT_EQ(Seconds("0d", kSpanSyntax), 0);
  EXPECT_EQ(Seconds("7 d", kSpanSyntax), 7 * 86400);
  for (const char* bad : {"", "d", "7", "7x", "-1d", "1.5h", "7dd", " "}) {
    EXPECT_EQ(UsageError([&] { Seconds(bad, kSpanSyntax); }),
              "--flag: \"" + std::string(bad) +
                  "\" is not a duration such as 7d, 12h, 30m, 2w")
        << bad;
  }
}

TEST(ParseTest, TimeoutsTakeFractionsAndMilliseconds) {
  EXPECT_EQ(ParseTimeout("10s").count(), 10000);
  EXPECT_EQ(ParseTimeout("10").count(), 10000);
  EXPECT_EQ(ParseTimeout("500ms").count(), 500);
  EXPECT_EQ(ParseTimeout("2m").count(), 120000);
  EXPECT_EQ(ParseTimeout("1.5s").count(), 1500);
  for (const char* bad : {"soon", "0", "-1s", "1.5x", "", "10h"}) {
    EXPECT_EQ(UsageError([&] { ParseTimeout(bad); }),
              "--timeout: \"" + std::string(bad) +
                  "\" is not a duration such as 10s, 500ms or 2m")
        << bad;
  }
}

TEST(ParseTest, WhenIsRfc3339OrADateAtMidnightUtc) {
  EXPECT_EQ(ParseWhen("--due", "2026-12-01T17:00:00Z").seconds(), 1796144400);
  EXPECT_EQ(ParseWhen("--due", "2026-12-01T18:00:00+01:00").seconds(),
            1796144400);
  EXPECT_EQ(ParseWhen("--due", "2026-12-01").seconds(), 1796083200);
  EXPECT_EQ(UsageError([] { ParseWhen("--until", "someday"); }),
            "--until: \"someday\" is not a time such as 2026-12-01T17:00:00Z "
            "or a date such as 2026-12-01");
}

}  // namespace
}  // namespace mops::cli

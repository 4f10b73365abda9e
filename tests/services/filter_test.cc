#include "services/common/filter.h"

#include "absl/strings/numbers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::services::filter {
namespace {

using ::testing::HasSubstr;

Schema TestSchema() {
  Schema s;
  s["state"] = {false, ParseStringLiteral};
  s["owner"] = {false, ParseStringLiteral};
  s["labels"] = {false, ParseStringLiteral};
  s["due"] = {true, ParseTimeLiteral};
  s["n"] = {true, [](absl::string_view lit) -> absl::StatusOr<Value> {
              int64_t v = 0;
              if (!absl::SimpleAtoi(lit, &v)) {
                return absl::InvalidArgumentError("not a number");
              }
              return Value::Int(v);
            }};
  return s;
}

struct Row {
  std::string state;
  std::string owner;
  std::vector<std::string> labels;
  std::optional<int64_t> n;
};

bool Match(absl::string_view text, const Row& row) {
  auto f = Filter::Parse(text, TestSchema());
  EXPECT_TRUE(f.ok()) << text << ": " << f.status();
  if (!f.ok()) return false;
  return f->Matches([&](const std::string& field) {
    if (field == "state") return Value::String(row.state);
    if (field == "owner") return Value::String(row.owner);
    if (field == "labels") return Value::List(row.labels);
    if (field == "n") return row.n ? Value::Int(*row.n) : Value::Absent();
    return Value::Absent();
  });
}

TEST(FilterTest, ComparisonsAndHas) {
  Row r{"open", "ann", {"launch", "q4"}, 5};
  EXPECT_TRUE(Match("", r));
  EXPECT_TRUE(Match("state = open", r));
  EXPECT_TRUE(Match("state=\"open\"", r));
  EXPECT_FALSE(Match("state != open", r));
  EXPECT_TRUE(Match("labels:launch", r));
  EXPECT_TRUE(Match("labels : \"q4\"", r));
  EXPECT_FALSE(Match("labels:q1", r));
  EXPECT_TRUE(Match("n >= 5 AND n <= 5 AND n > 4 AND n < 6", r));
  EXPECT_FALSE(Match("n > 5", r));
  EXPECT_TRUE(Match("owner:AN", r));  // ':' on text is a case-blind substring
  Row no_n{"open", "ann", {}, std::nullopt};
  EXPECT_FALSE(Match("n > 0", no_n));
  EXPECT_FALSE(Match("n = 0", no_n));
  EXPECT_TRUE(Match("n != 0", no_n));
}

TEST(FilterTest, OrBindsTighterThanAndAsInAip160) {
  Row r{"closed", "bob", {}, 1};
  // a AND b OR c  ==  a AND (b OR c)
  EXPECT_FALSE(Match("owner = ann AND state = open OR state = closed", r));
  EXPECT_TRUE(Match("owner = bob AND state = open OR state = closed", r));
  EXPECT_TRUE(Match("(owner = ann AND state = open) OR state = closed", r));
}

TEST(FilterTest, NegationAndJuxtaposition) {
  Row r{"open", "ann", {"x"}, 1};
  EXPECT_FALSE(Match("NOT state = open", r));
  EXPECT_FALSE(Match("-state = open", r));
  EXPECT_TRUE(Match("NOT (state = closed OR owner = bob)", r));
  EXPECT_TRUE(Match("state = open owner = ann", r));  // implicit AND
  EXPECT_FALSE(Match("state = open owner = bob", r));
}

TEST(FilterTest, ErrorsSayWhatAndWhere) {
  struct Case {
    std::string text;
    std::string message;
  };
  std::vector<Case> cases = {
      {"color = red",
       "unknown field \"color\" (fields: due, labels, n, owner, state) at "
       "position 1"},
      {"state open", "expected an operator"},
      {"state =", "expected a value, found the end"},
      {"(state = open", "expected \")\""},
      {"state = open)", "unexpected \")\" at position 13"},
      {"labels < x", "operator < does not apply to labels at position 1"},
      {"due > tomorrow", "\"tomorrow\" is not an RFC 3339 time"},
      {"n = abc", "not a number for n at position 5"},
      {"state = \"open", "unterminated string"},
      {"AND state = x", "expected a condition before \"AND\" at position 1"},
      {"state = a AND", "expected a condition, found the end"},
      {"state = a OR OR", "expected a condition before \"OR\""},
      {"= a", "expected a field name"},
  };
  for (const Case& c : cases) {
    auto f = Filter::Parse(c.text, TestSchema());
    ASSERT_FALSE(f.ok()) << c.text;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(f.status().message(), HasSubstr(c.message)) << c.text;
    EXPECT_THAT(f.status().message(), HasSubstr("filter: ")) << c.text;
  }
}

// Parsing recursed once per parenthesis: a few thousand of them (8 KB, or
// "NOT (" repeated) crashed the server with a stack overflow.
TEST(FilterTest, DeepNestingAndLongFiltersAreRefused) {
  auto nested = [](int depth, const std::string& open) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += open;
    text += "state = a";
    text += std::string(depth, ')');
    return text;
  };
  EXPECT_TRUE(Filter::Parse(nested(kMaxFilterDepth, "("), TestSchema()).ok());
  for (const std::string& open : {std::string("("), std::string("NOT (")}) {
    auto f = Filter::Parse(nested(kMaxFilterDepth + 1, open), TestSchema());
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(f.status().message(),
                HasSubstr("parentheses nest deeper than 32 levels"));
  }
  auto deep = Filter::Parse(nested(4000, "("), TestSchema());
  ASSERT_FALSE(deep.ok());
  EXPECT_THAT(deep.status().message(), HasSubstr("bytes; at most 4096"));

  std::string wide = "state = a";
  while (wide.size() <= kMaxFilterLength) wide += " OR state = a";
  EXPECT_EQ(Filter::Parse(wide, TestSchema()).status().code(),
            absl::StatusCode::kInvalidArgument);
  wide.resize(wide.rfind(" OR"));
  while (wide.size() > kMaxFilterLength) wide.resize(wide.rfind(" OR"));
  EXPECT_TRUE(Filter::Parse(wide, TestSchema()).ok());
}

TEST(FilterTest, PlanningHelpersReadTheTopLevelAnd) {
  auto f = Filter::Parse(
      "owner = ann AND (state = a OR state = b) AND n >= 3 AND n < 10",
      TestSchema());
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->RequiredEquals("owner").has_value());
  EXPECT_EQ(f->RequiredEquals("owner")->str, "ann");
  EXPECT_FALSE(f->RequiredEquals("state").has_value());
  EXPECT_TRUE(f->Allows("state", Value::String("a")));
  EXPECT_FALSE(f->Allows("state", Value::String("c")));
  int64_t lo, hi;
  f->IntBounds("n", &lo, &hi);
  EXPECT_EQ(lo, 3);
  EXPECT_EQ(hi, 9);
  // Inside an OR, an equality is no requirement.
  auto g = Filter::Parse("owner = ann OR owner = bob", TestSchema());
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->RequiredEquals("owner").has_value());
}

TEST(FilterTest, OrderBy) {
  auto o = ParseOrderBy("", {"a", "b"}, "a");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->field, "a");
  EXPECT_FALSE(o->desc);
  o = ParseOrderBy("b desc", {"a", "b"}, "a");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->field, "b");
  EXPECT_TRUE(o->desc);
  EXPECT_THAT(ParseOrderBy("c", {"a", "b"}, "a").status().message(),
              HasSubstr("cannot order by \"c\""));
  EXPECT_FALSE(ParseOrderBy("a sideways", {"a"}, "a").ok());
  EXPECT_FALSE(ParseOrderBy("a, b", {"a", "b"}, "a").ok());
}

}  // namespace
}  // namespace mops::services::filter

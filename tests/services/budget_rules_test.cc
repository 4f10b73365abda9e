// The budget rules as pure functions: money parsed and shown, totals
// without double counting, warn and stop on committed + actual (a line's
// rule over the project's), one currency per budget, raises that need an
// approval.
#include <optional>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/budgets/rules.h"

namespace mops::services::budgets {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

Money Eur(int64_t major) { return {major * 100, "EUR"}; }

BudgetLine Line(LineKind kind, int64_t major, std::string name = "") {
  return BudgetLine{kind, std::move(name), Eur(major), std::nullopt};
}

// Media 50,000 and content 30,000: a project of 80,000 EUR.
Budget Campaign() {
  Budget b;
  b.currency = "EUR";
  b.lines = {Line(LineKind::kMedia, 50'000), Line(LineKind::kContent, 30'000)};
  return b;
}

Commitment Po(std::string id, std::string line, int64_t major) {
  return {std::move(id), "Acme Media", Eur(major), absl::CivilDay(2027, 3, 1),
          std::move(line)};
}

Actual Invoice(std::string id, std::string line, int64_t major,
               std::string po = "") {
  return {std::move(id),   "Acme Media", Eur(major), absl::CivilDay(2027, 4, 1),
          std::move(line), std::move(po)};
}

Totals LineOf(const Budget& b, const Spend& s, const std::string& line) {
  for (const LineTotals& l : ComputeTotals(b, s).lines) {
    if (l.line == line) return l.totals;
  }
  ADD_FAILURE() << "no line " << line;
  return {};
}

// ---- money

TEST(MoneyTest, ParsesAnAmountWithItsCurrency) {
  EXPECT_EQ(*ParseMoney("f", "60000 EUR"), (Money{6'000'000, "EUR"}));
  EXPECT_EQ(*ParseMoney("f", "60000.00 EUR"), (Money{6'000'000, "EUR"}));
  EXPECT_EQ(*ParseMoney("f", " 1250.5  usd "), (Money{125'050, "USD"}));
  EXPECT_EQ(*ParseMoney("f", "0.05 GBP"), (Money{5, "GBP"}));
  EXPECT_EQ(*ParseMoney("f", "5000 JPY"), (Money{5'000, "JPY"}));
  EXPECT_EQ(*ParseMoney("f", "1.234 KWD"), (Money{1'234, "KWD"}));
  EXPECT_EQ(*ParseMoney("f", "1000000000000 EUR"),
            (Money{kMaxAmountMinor, "EUR"}));
}

TEST(MoneyTest, RefusesOtherShapesNamingTheField) {
  const absl::Status negative = ParseMoney("budget", "-5 EUR").status();
  EXPECT_EQ(negative.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Msg(negative), "budget: \"-5 EUR\" is negative");
  EXPECT_EQ(Msg(ParseMoney("amount", "1.234 EUR").status()),
            "amount: \"1.234 EUR\" has too many decimals: EUR has 2");
  EXPECT_EQ(Msg(ParseMoney("amount", "100.5 JPY").status()),
            "amount: \"100.5 JPY\" has too many decimals: JPY has 0");
  EXPECT_EQ(Msg(ParseMoney("amount", "10 EURO").status()),
            "amount: \"EURO\" is not an ISO 4217 currency code such as EUR");
  EXPECT_THAT(Msg(ParseMoney("amount", "1000000000000.01 EUR").status()),
              HasSubstr("more than the largest amount, 1000000000000.00 EUR"));
  for (const char* text : {"60000", "60,000.00 EUR", "1 000 EUR", "5. EUR",
                           ".5 EUR", "+5 EUR", "ten EUR", "", "1e3 EUR"}) {
    const absl::Status s = ParseMoney("spend.amount", text).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(Msg(s), StartsWith("spend.amount: \"")) << text;
    EXPECT_THAT(Msg(s), HasSubstr("such as \"60000.00 EUR\"")) << text;
  }
}

TEST(MoneyTest, FormatsForMachinesAndForPeople) {
  EXPECT_EQ(FormatMoney({6'000'000, "EUR"}), "60000.00 EUR");
  EXPECT_EQ(DisplayMoney({6'000'000, "EUR"}), "60,000.00 EUR");
  EXPECT_EQ(DisplayMoney({125'000, "EUR"}), "1,250.00 EUR");
  EXPECT_EQ(DisplayMoney({99'999, "USD"}), "999.99 USD");
  EXPECT_EQ(DisplayMoney({5, "GBP"}), "0.05 GBP");
  EXPECT_EQ(DisplayMoney({-125'050, "EUR"}), "-1,250.50 EUR");
  EXPECT_EQ(DisplayMoney({1'234'567, "JPY"}), "1,234,567 JPY");
  EXPECT_EQ(FormatMoney({1'234, "KWD"}), "1.234 KWD");
  for (const Money& m : {Money{6'000'000, "EUR"}, Money{7, "USD"},
                         Money{0, "JPY"}, Money{1'234, "BHD"}}) {
    EXPECT_EQ(*ParseMoney("f", FormatMoney(m)), m) << FormatMoney(m);
  }
}

// ---- the budget

TEST(BudgetTest, ValidatesLinesAndRules) {
  EXPECT_TRUE(ValidateBudget(Campaign()).ok());
  auto refusal = [](auto change) {
    Budget b = Campaign();
    change(b);
    const absl::Status s = ValidateBudget(b);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    return Msg(s);
  };
  EXPECT_THAT(refusal([](Budget& b) { b.currency = "eur"; }),
              StartsWith("budget.currency: "));
  EXPECT_THAT(refusal([](Budget& b) { b.rule.warn_percent = 0; }),
              StartsWith("budget.rule.warn_percent: 0 is not within"));
  EXPECT_THAT(refusal([](Budget& b) { b.lines[1].rule = SpendRule{101}; }),
              StartsWith("budget.lines[1].rule.warn_percent: "));
  EXPECT_THAT(
      refusal([](Budget& b) { b.lines.push_back(Line(LineKind::kCustom, 1)); }),
      StartsWith("budget.lines[2].name: \"\" is not a custom line's name"));
  EXPECT_THAT(refusal([](Budget& b) {
                b.lines.push_back(Line(LineKind::kCustom, 1, "media"));
              }),
              StartsWith("budget.lines[2].name: \"media\""));
  EXPECT_THAT(refusal([](Budget& b) { b.lines[0].name = "ads"; }),
              StartsWith("budget.lines[0].name: only a custom line"));
  EXPECT_EQ(
      refusal([](Budget& b) { b.lines.push_back(Line(LineKind::kMedia, 1)); }),
      "budget.lines[2]: line \"media\" is in the budget already");
  EXPECT_EQ(refusal([](Budget& b) { b.lines[0].planned.currency = "USD"; }),
            "budget.lines[0].planned.currency: \"USD\": the budget is in EUR");
  EXPECT_THAT(refusal([](Budget& b) { b.lines[0].planned.minor = -1; }),
              StartsWith("budget.lines[0].planned: "));

  Budget custom = Campaign();
  custom.lines.push_back(Line(LineKind::kCustom, 5'000, "influencers"));
  EXPECT_TRUE(ValidateBudget(custom).ok());
  EXPECT_EQ(LineKey(custom.lines[2]), "influencers");
  EXPECT_EQ(LineKey(custom.lines[0]), "media");
}

TEST(BudgetTest, ARaiseOverTheThresholdNeedsApproval) {
  EXPECT_FALSE(NeedsApproval(100'000, 110'000, 10));  // exactly 10%
  EXPECT_TRUE(NeedsApproval(100'000, 110'001, 10));
  EXPECT_FALSE(NeedsApproval(100'000, 50'000, 10));  // lowering
  EXPECT_FALSE(NeedsApproval(100'000, 100'000, 0));
  EXPECT_TRUE(NeedsApproval(100'000, 100'001, 0));
  EXPECT_TRUE(NeedsApproval(0, 1, 50));  // from nothing, any raise
  EXPECT_FALSE(NeedsApproval(0, 0, 50));
}

// ---- totals

TEST(TotalsTest, AnInvoiceAgainstItsCommitmentIsNotCountedTwice) {
  Spend spend;
  spend.commitments = {Po("po-1", "media", 10'000)};
  Totals t = LineOf(Campaign(), spend, "media");
  EXPECT_EQ(t.committed, 1'000'000);
  EXPECT_EQ(t.used, 1'000'000);
  spend.actuals = {Invoice("inv-1", "media", 10'000, "po-1")};
  t = LineOf(Campaign(), spend, "media");
  EXPECT_EQ(t.committed, 0);
  EXPECT_EQ(t.actual, 1'000'000);
  EXPECT_EQ(t.beyond_commitments, 0);
  EXPECT_EQ(t.used, 1'000'000);  // not 20,000
  EXPECT_EQ(t.remaining, 4'000'000);
  EXPECT_DOUBLE_EQ(*t.percent_used, 20.0);
}

TEST(TotalsTest, APartialInvoiceLeavesTheRestCommitted) {
  Spend spend;
  spend.commitments = {Po("po-1", "media", 10'000)};
  spend.actuals = {Invoice("inv-1", "media", 4'000, "po-1")};
  Totals t = LineOf(Campaign(), spend, "media");
  EXPECT_EQ(t.committed, 600'000);
  EXPECT_EQ(t.actual, 400'000);
  EXPECT_EQ(t.used, 1'000'000);
  // Closing the order releases what it was not invoiced for.
  spend.commitments[0].closed = true;
  t = LineOf(Campaign(), spend, "media");
  EXPECT_EQ(t.committed, 0);
  EXPECT_EQ(t.used, 400'000);
}

TEST(TotalsTest, AnInvoiceOverItsCommitmentCountsTheExcessOnce) {
  Spend spend;
  spend.commitments = {Po("po-1", "media", 10'000)};
  spend.actuals = {Invoice("inv-1", "media", 8'000, "po-1"),
                   Invoice("inv-2", "media", 4'000, "po-1"),
                   Invoice("inv-3", "media", 500)};  // no purchase order
  const Totals t = LineOf(Campaign(), spend, "media");
  EXPECT_EQ(t.committed, 0);  // never negative
  EXPECT_EQ(t.actual, 1'250'000);
  EXPECT_EQ(t.beyond_commitments, 250'000);  // 2,000 past po-1, and inv-3
  EXPECT_EQ(t.used, 1'250'000);
}

TEST(TotalsTest, LinesAddUpToTheProject) {
  Budget b = Campaign();
  b.lines.push_back(Line(LineKind::kCustom, 0, "spare"));
  Spend spend;
  spend.commitments = {Po("po-1", "media", 40'000),
                       Po("po-2", "content", 5'000)};
  spend.actuals = {Invoice("inv-1", "content", 35'000),
                   Invoice("inv-2", "events", 100)};  // a line since removed
  const BudgetTotals all = ComputeTotals(b, spend);
  ASSERT_EQ(all.lines.size(), 4u);
  EXPECT_EQ(all.lines[0].line, "media");
  EXPECT_DOUBLE_EQ(*all.lines[0].totals.percent_used, 80.0);
  EXPECT_EQ(all.lines[1].line, "content");
  EXPECT_EQ(all.lines[1].totals.remaining, -1'000'000);
  EXPECT_EQ(all.lines[2].line, "spare");
  EXPECT_FALSE(all.lines[2].totals.percent_used.has_value());
  EXPECT_EQ(all.lines[3].line, "events");
  EXPECT_EQ(all.lines[3].totals.planned, 0);
  EXPECT_EQ(all.lines[3].totals.used, 10'000);
  EXPECT_EQ(all.project.planned, 8'000'000);
  EXPECT_EQ(all.project.committed, 4'500'000);
  EXPECT_EQ(all.project.actual, 3'510'000);
  EXPECT_EQ(all.project.used, 8'010'000);
  EXPECT_EQ(all.project.remaining, -10'000);
}

// ---- warn and stop

TEST(CheckSpendTest, StopRefusesNamingTheAmountOver) {
  Spend spend;
  spend.commitments = {Po("po-1", "media", 45'000)};
  EXPECT_TRUE(CheckSpend(Campaign(), spend, Invoice("inv-1", "media", 5'000))
                  .ok());  // exactly 100% is allowed
  const absl::Status over =
      CheckSpend(Campaign(), spend, Invoice("inv-1", "media", 6'250)).status();
  EXPECT_EQ(over.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Msg(over),
            "line media: 1,250.00 EUR over its 50,000.00 EUR budget "
            "(committed + actual would be 51,250.00 EUR)");
  Commitment cent = Po("po-2", "media", 0);
  cent.amount.minor = 500'001;
  EXPECT_EQ(Msg(CheckSpend(Campaign(), spend, cent).status()),
            "line media: 0.01 EUR over its 50,000.00 EUR budget (committed + "
            "actual would be 50,000.01 EUR)");
}

TEST(CheckSpendTest, AnInvoiceIsCheckedForWhatItAddsToItsCommitment) {
  Spend spend;
  spend.commitments = {Po("po-1", "media", 48'000)};
  // Within the order: nothing added, so it passes even on a lowered budget.
  Budget lowered = Campaign();
  lowered.lines[0].planned = Eur(40'000);
  EXPECT_TRUE(
      CheckSpend(lowered, spend, Invoice("inv-1", "media", 48'000, "po-1"))
          .ok());
  // Past the order: the excess counts.
  EXPECT_TRUE(
      CheckSpend(Campaign(), spend, Invoice("inv-1", "media", 50'000, "po-1"))
          .ok());
  EXPECT_EQ(
      Msg(CheckSpend(Campaign(), spend,
                     Invoice("inv-1", "media", 51'000, "po-1"))
              .status()),
      "line media: 1,000.00 EUR over its 50,000.00 EUR budget (committed + "
      "actual would be 51,000.00 EUR)");
}

TEST(CheckSpendTest, TheWarningIsCrossedExactlyOnce) {
  const Budget b = Campaign();  // media 50,000; warn at 80% = 40,000
  Spend spend;
  int crossings = 0;
  auto add = [&](auto item) {
    absl::StatusOr<SpendCheck> check = CheckSpend(b, spend, item);
    if (!check.ok()) {
      ADD_FAILURE() << check.status();
      return SpendCheck{};
    }
    if (check->line_warn_crossed) ++crossings;
    EXPECT_FALSE(check->project_warn_crossed);  // 80% of 80,000 not reached
    return *check;
  };
  add(Po("po-1", "media", 30'000));
  EXPECT_EQ(crossings, 0);
  spend.commitments.push_back(Po("po-1", "media", 30'000));
  SpendCheck at = add(Invoice("inv-1", "media", 10'000));  // to 40,000: 80%
  EXPECT_EQ(crossings, 1);
  EXPECT_EQ(at.line_rule.warn_percent, 80);
  EXPECT_DOUBLE_EQ(*at.line.percent_used, 80.0);
  spend.actuals.push_back(Invoice("inv-1", "media", 10'000));
  add(Invoice("inv-2", "media", 30'000, "po-1"));  // consumes po-1: no change
  spend.actuals.push_back(Invoice("inv-2", "media", 30'000, "po-1"));
  add(Invoice("inv-3", "media", 5'000));
  EXPECT_EQ(crossings, 1);
}

TEST(CheckSpendTest, ALineRuleWinsOverTheProjectRule) {
  Budget b = Campaign();
  // Media warns early and has no stop.
  b.lines[0].rule = SpendRule{50, /*stop=*/false};
  Spend spend;
  absl::StatusOr<SpendCheck> check =
      CheckSpend(b, spend, Po("po-1", "media", 25'000));
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->line_warn_crossed);  // 50% of media
  EXPECT_FALSE(check->project_warn_crossed);
  // Content answers to the project's rule: warn at 80%, stop at 100%.
  check = CheckSpend(b, spend, Po("po-2", "content", 24'000));
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->line_warn_crossed);
  EXPECT_EQ(check->line_rule.warn_percent, 80);
  EXPECT_EQ(Msg(CheckSpend(b, spend, Po("po-2", "content", 31'000)).status()),
            "line content: 1,000.00 EUR over its 30,000.00 EUR budget "
            "(committed + actual would be 31,000.00 EUR)");
  // Media may pass its line, but the project total still stops at 80,000.
  check = CheckSpend(b, spend, Po("po-1", "media", 60'000));
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ(check->line.remaining, -1'000'000);
  EXPECT_FALSE(check->project_warn_crossed);  // 75% of the project
  spend.commitments = {Po("po-2", "content", 30'000)};
  check = CheckSpend(b, spend, Po("po-1", "media", 35'000));
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->project_warn_crossed);  // 65,000 of 80,000
  EXPECT_EQ(Msg(CheckSpend(b, spend, Po("po-1", "media", 52'500)).status()),
            "project: 2,500.00 EUR over its 80,000.00 EUR budget (committed + "
            "actual would be 82,500.00 EUR)");
  // Without a stop on the project either, anything goes, and is seen.
  b.rule.stop = false;
  check = CheckSpend(b, spend, Po("po-1", "media", 52'500));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->project.remaining, -250'000);
}

TEST(CheckSpendTest, OneCurrencyPerBudget) {
  Commitment po = Po("po-1", "media", 100);
  po.amount.currency = "USD";
  const absl::Status s = CheckSpend(Campaign(), {}, po).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Msg(s),
            "commitment.amount.currency: \"USD\": the budget is in EUR");
  Actual inv = Invoice("inv-1", "media", 100);
  inv.amount.currency = "GBP";
  EXPECT_EQ(Msg(CheckSpend(Campaign(), {}, inv).status()),
            "actual.amount.currency: \"GBP\": the budget is in EUR");
}

TEST(CheckSpendTest, AnInvoiceMatchesItsCommitment) {
  Spend spend;
  spend.commitments = {Po("po-1", "content", 1'000), Po("po-2", "media", 10)};
  spend.commitments[1].amount.currency = "USD";  // recorded before a fix
  const absl::Status line =
      CheckSpend(Campaign(), spend, Invoice("inv-1", "media", 100, "po-1"))
          .status();
  EXPECT_EQ(line.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Msg(line),
            "actual.commitment: \"po-1\" is on line content; the invoice is "
            "on line media");
  EXPECT_EQ(
      Msg(CheckSpend(Campaign(), spend, Invoice("inv-1", "media", 10, "po-2"))
              .status()),
      "actual.commitment: \"po-2\" is in USD; the invoice is in EUR");
  EXPECT_EQ(CheckSpend(Campaign(), spend, Invoice("inv-1", "media", 1, "po-9"))
                .status(),
            absl::NotFoundError("actual.commitment: no commitment \"po-9\""));
}

TEST(CheckSpendTest, RefusesItemsOfTheWrongShape) {
  Spend spend;
  spend.commitments = {Po("po-1", "media", 1'000)};
  spend.actuals = {Invoice("inv-1", "media", 1'000)};
  EXPECT_EQ(CheckSpend(Campaign(), spend, Po("po-1", "media", 1)).status(),
            absl::AlreadyExistsError(
                "commitment.id: commitment \"po-1\" exists already"));
  EXPECT_EQ(
      CheckSpend(Campaign(), spend, Invoice("inv-1", "media", 1)).status(),
      absl::AlreadyExistsError("actual.id: actual \"inv-1\" exists already"));
  EXPECT_EQ(Msg(CheckSpend(Campaign(), spend, Po("po-2", "tools", 1)).status()),
            "commitment.line: the budget has no line \"tools\" (it has: media, "
            "content)");
  EXPECT_EQ(
      Msg(CheckSpend(Campaign(), spend, Po("po-2", "media", 0)).status()),
      "commitment.amount: 0.00 EUR is not within 0.01 EUR..1000000000000.00 "
      "EUR");
  Commitment nameless = Po("po-2", "media", 1);
  nameless.vendor.clear();
  EXPECT_THAT(Msg(CheckSpend(Campaign(), spend, nameless).status()),
              StartsWith("commitment.vendor: is required"));
  Actual no_id = Invoice("", "media", 1);
  EXPECT_EQ(Msg(CheckSpend(Campaign(), spend, no_id).status()),
            "actual.id: is required");
}

}  // namespace
}  // namespace mops::services::budgets

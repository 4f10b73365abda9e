// The budgets domain's decisions as pure functions: money in integer minor
// units of an ISO 4217 currency, a project's budget lines, its spend
// (commitments and actuals) totalled without double counting, the warn and
// stop rules on committed + actual, and when a raise needs an approval.
// Plain structs, no proto: the service maps its messages onto them. Tested
// without a server (tests/services/budget_rules_test.cc).
#ifndef MOPS_SERVICES_BUDGETS_RULES_H_
#define MOPS_SERVICES_BUDGETS_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace mops::services::budgets {

inline constexpr int kDefaultWarnPercent = 80;
// The largest amount of one line or item (a trillion EUR in cents), so
// that sums of up to 90,000 of them still fit in int64_t.
inline constexpr int64_t kMaxAmountMinor = 100'000'000'000'000;
inline constexpr int kMaxLines = 100;
inline constexpr int kMaxVendorBytes = 200;

// ---- money

struct Money {
  int64_t minor = 0;     // cents for EUR, yen for JPY
  std::string currency;  // ISO 4217: "EUR"
};
bool operator==(const Money& a, const Money& b);

// Digits after the point (ISO 4217 minor unit): 0 for JPY, KRW and a few
// more, 3 for BHD, KWD and a few more, else 2.
int CurrencyDigits(absl::string_view currency);
// Three letters A-Z.
bool IsCurrencyCode(absl::string_view code);

// "60000 EUR", "60000.00 EUR", "1250.5 usd" (the code upper-cased). An
// amount with its code, 0 or more, at most the currency's decimals, no
// thousands separators, at most kMaxAmountMinor. INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<Money> ParseMoney(absl::string_view field,
                                 absl::string_view text);
// "60000.00 EUR", "-1250.00 EUR", "5000 JPY": what ParseMoney reads back
// (when not negative).
std::string FormatMoney(const Money& m);
// "60,000.00 EUR": grouped for people, as refusals show amounts.
std::string DisplayMoney(const Money& m);

// ---- the budget

enum class LineKind { kMedia, kContent, kEvents, kTools, kPeople, kCustom };
// "media", "content", "events", "tools", "people", "custom".
absl::string_view LineKindName(LineKind kind);

// Warn and stop on a line's or the project's committed + actual, as a
// share of its planned amount.
struct SpendRule {
  int warn_percent = kDefaultWarnPercent;  // 1..100; reaching it warns
  bool stop = true;                        // refuse spend that would pass 100%
};

struct BudgetLine {
  LineKind kind = LineKind::kMedia;
  std::string name;  // a custom line's only: "influencers"
  Money planned;
  std::optional<SpendRule> rule;  // unset: the project's
};
// How spend and messages name a line: its kind ("media"), or a custom
// line's name.
std::string LineKey(const BudgetLine& line);

// A project's budget. Its planned total is the sum of its lines: all
// spend is on a line.
struct Budget {
  std::string currency;  // of every amount in it and in its spend
  std::vector<BudgetLine> lines;
  SpendRule rule;  // the project total's, and each line's without its own
};

// The line `key` of `b`; nullptr when absent.
const BudgetLine* FindLine(const Budget& b, absl::string_view key);
// The rule line `key` answers to: its own, else the project's.
const SpendRule& RuleFor(const Budget& b, absl::string_view key);

// The budget's own shape: currency, lines (at most kMaxLines, each key
// once, a custom line named, planned in the budget's currency, 0 to
// kMaxAmountMinor), rules (warn 1..100). INVALID_ARGUMENT naming the field
// ("budget.lines[2].name").
absl::Status ValidateBudget(const Budget& b);

// Whether a raise from `old_planned` to `new_planned` (minor units) is
// more than `threshold_percent` of the old amount, so Finance must approve
// it first. Any raise from 0 is; lowering never is.
bool NeedsApproval(int64_t old_planned, int64_t new_planned,
                   int threshold_percent);

// ---- spend

struct Commitment {  // a purchase order
  std::string id;
  std::string vendor;
  Money amount;
  absl::CivilDay date;
  std::string line;  // a LineKey
  // No more invoices are expected: what it has not been invoiced for is
  // released instead of staying committed.
  bool closed = false;
};

struct Actual {  // an invoice
  std::string id;
  std::string vendor;
  Money amount;
  absl::CivilDay date;
  std::string line;        // a LineKey
  std::string commitment;  // the id it is invoiced against; empty: none
};

struct Spend {
  std::vector<Commitment> commitments;
  std::vector<Actual> actuals;
};

// Amounts in the budget's minor units. An invoice against a commitment
// consumes it: the commitment counts only with what it has not been
// invoiced for yet, so a PO of 10,000 and its invoice of 10,000 use 10,000,
// and with an invoice of 4,000 still use 10,000 (6,000 committed). An
// invoice past what is left of its commitment counts in full as actual and
// the commitment's open amount stops at 0: a PO of 10,000 invoiced 12,000
// uses 12,000, of which 2,000 are `beyond_commitments`.
struct Totals {
  int64_t planned = 0;
  int64_t committed = 0;  // open commitments: not yet invoiced
  int64_t actual = 0;     // every invoice, in full
  // The part of `actual` no commitment covered: invoices without one, and
  // what an invoice passed its commitment's open amount by.
  int64_t beyond_commitments = 0;
  int64_t used = 0;       // committed + actual: what the rules check
  int64_t remaining = 0;  // planned - used; negative when over
  std::optional<double> percent_used;  // used / planned; none for planned 0
};

struct LineTotals {
  std::string line;  // a LineKey
  Totals totals;
};

struct BudgetTotals {
  // The budget's lines in order, then (sorted) any line that has spend but
  // is no longer in the budget, with planned 0, so no money goes unseen.
  std::vector<LineTotals> lines;
  Totals project;  // the sum of the lines
};

BudgetTotals ComputeTotals(const Budget& b, const Spend& spend);

// What a new commitment or actual does to its line and the project.
struct SpendCheck {
  Totals line;     // the item's line, with the item
  Totals project;  // with the item
  // The rules that applied (the line's own wins over the project's).
  SpendRule line_rule;
  SpendRule project_rule;
  // The item takes committed + actual from below the warn percentage to
  // at or above it: the moment to emit the warning event, once.
  bool line_warn_crossed = false;
  bool project_warn_crossed = false;
};

// Checks `item` against the budget and `spend` so far (without it):
// INVALID_ARGUMENT for its shape, another currency than the budget's, a
// line not in the budget, an invoice against a commitment of another line
// or currency; ALREADY_EXISTS for an id in use; NOT_FOUND for an unknown
// commitment; FAILED_PRECONDITION when it raises committed + actual past
// 100% of a line or the project whose rule stops ("line media: 1,250.00
// EUR over its 50,000.00 EUR budget (committed + actual would be
// 51,250.00 EUR)"). The line is checked with its rule, the project total
// with the project's. Fields are named "commitment.amount.currency",
// "actual.commitment" and so on.
absl::StatusOr<SpendCheck> CheckSpend(const Budget& b, const Spend& spend,
                                      const Commitment& item);
absl::StatusOr<SpendCheck> CheckSpend(const Budget& b, const Spend& spend,
                                      const Actual& item);

}  // namespace mops::services::budgets

#endif  // MOPS_SERVICES_BUDGETS_RULES_H_

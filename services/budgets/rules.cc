#include "services/budgets/rules.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace mops::services::budgets {
namespace {

// By LineKind.
constexpr absl::string_view kKindNames[] = {"media", "content", "events",
                                            "tools", "people",  "custom"};

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// 10^digits, for the 0, 2 or 3 digits of CurrencyDigits.
constexpr int64_t kScale[] = {1, 10, 100, 1000};

bool AllDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isdigit(c); });
}

// `m` as a decimal with its currency's digits, grouped by thousands when
// asked.
std::string Format(const Money& m, bool grouped) {
  const int digits = CurrencyDigits(m.currency);
  const uint64_t abs = m.minor < 0 ? 0 - static_cast<uint64_t>(m.minor)
                                   : static_cast<uint64_t>(m.minor);
  const uint64_t scale = static_cast<uint64_t>(kScale[digits]);
  std::string whole = absl::StrCat(abs / scale);
  if (grouped) {
    for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) {
      whole.insert(static_cast<size_t>(i), ",");
    }
  }
  std::string out = absl::StrCat(m.minor < 0 ? "-" : "", whole);
  if (digits > 0) {
    std::string frac = absl::StrCat(abs % scale);
    frac.insert(0, static_cast<size_t>(digits) - frac.size(), '0');
    absl::StrAppend(&out, ".", frac);
  }
  return absl::StrCat(out, " ", m.currency);
}

// used >= percent% of planned, exactly (no rounding, no overflow).
bool Reaches(int64_t used, int64_t planned, int percent) {
  return absl::int128(used) * 100 >= absl::int128(planned) * percent;
}

bool IsLineName(absl::string_view s) {
  if (s.empty() || s.size() > 63 || !absl::ascii_islower(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
           c == '-';
  });
}

// `m` within `min`..kMaxAmountMinor.
absl::Status CheckRange(absl::string_view field, const Money& m, int64_t min) {
  if (m.minor >= min && m.minor <= kMaxAmountMinor) return absl::OkStatus();
  return Invalid(field,
                 absl::StrCat(FormatMoney(m), " is not within ",
                              FormatMoney({min, m.currency}), "..",
                              FormatMoney({kMaxAmountMinor, m.currency})));
}

absl::Status CheckCurrency(absl::string_view field, const Money& m,
                           const std::string& currency) {
  if (m.currency == currency) return absl::OkStatus();
  return Invalid(
      field, absl::StrCat("\"", m.currency, "\": the budget is in ", currency));
}

absl::Status ValidateRule(absl::string_view field, const SpendRule& rule) {
  if (rule.warn_percent < 1 || rule.warn_percent > 100) {
    return Invalid(absl::StrCat(field, ".warn_percent"),
                   absl::StrCat(rule.warn_percent, " is not within 1..100"));
  }
  return absl::OkStatus();
}

absl::Status ValidateLine(absl::string_view field, const std::string& currency,
                          const BudgetLine& line) {
  if (line.kind == LineKind::kCustom) {
    // A custom "media" line would be indistinguishable from the real one.
    const bool reserved =
        std::find(std::begin(kKindNames), std::end(kKindNames), line.name) !=
        std::end(kKindNames);
    if (!IsLineName(line.name) || reserved) {
      return Invalid(absl::StrCat(field, ".name"),
                     absl::StrCat("\"", line.name,
                                  "\" is not a custom line's name: a "
                                  "lower-case letter, then lower-case "
                                  "letters, digits, '-' and '_', and not a "
                                  "kind's name"));
    }
  } else if (!line.name.empty()) {
    return Invalid(absl::StrCat(field, ".name"),
                   "only a custom line has a name (its kind names the others)");
  }
  absl::Status s = CheckCurrency(absl::StrCat(field, ".planned.currency"),
                                 line.planned, currency);
  if (s.ok()) s = CheckRange(absl::StrCat(field, ".planned"), line.planned, 0);
  if (!s.ok() || !line.rule.has_value()) return s;
  return ValidateRule(absl::StrCat(field, ".rule"), *line.rule);
}

void Finish(Totals& t) {
  t.used = t.committed + t.actual;
  t.remaining = t.planned - t.used;
  t.percent_used =
      t.planned > 0 ? std::optional<double>(static_cast<double>(t.used) * 100 /
                                            static_cast<double>(t.planned))
                    : std::nullopt;
}

template <typename Item>
auto FindId(const std::vector<Item>& items, const std::string& id) {
  return std::find_if(items.begin(), items.end(),
                      [&](const Item& i) { return i.id == id; });
}

// What commitments and actuals share, checked against the budget and the
// items of the same kind so far (`kind` is "commitment" or "actual").
template <typename Item>
absl::Status CheckItem(absl::string_view kind, const Budget& b,
                       const std::vector<Item>& existing, const Item& item) {
  if (item.id.empty()) return Invalid(absl::StrCat(kind, ".id"), "is required");
  if (FindId(existing, item.id) != existing.end()) {
    return absl::AlreadyExistsError(
        absl::StrCat(kind, ".id: ", kind, " \"", item.id, "\" exists already"));
  }
  if (item.vendor.empty() || item.vendor.size() > kMaxVendorBytes) {
    return Invalid(
        absl::StrCat(kind, ".vendor"),
        absl::StrCat("is required, at most ", kMaxVendorBytes, " bytes"));
  }
  absl::Status s = CheckCurrency(absl::StrCat(kind, ".amount.currency"),
                                 item.amount, b.currency);
  if (s.ok()) s = CheckRange(absl::StrCat(kind, ".amount"), item.amount, 1);
  if (!s.ok()) return s;
  if (FindLine(b, item.line) == nullptr) {
    std::vector<std::string> keys;
    for (const BudgetLine& l : b.lines) keys.push_back(LineKey(l));
    return Invalid(
        absl::StrCat(kind, ".line"),
        absl::StrCat("the budget has no line \"", item.line, "\" (it has: ",
                     keys.empty() ? "none" : absl::StrJoin(keys, ", "), ")"));
  }
  return absl::OkStatus();
}

// Refuses an item that raises `after.used` past 100% of `after.planned`.
// One that raises nothing (an invoice within its commitment) always passes,
// even on a budget already over: the money was spent when committed.
absl::Status CheckStop(absl::string_view scope, const SpendRule& rule,
                       const Totals& before, const Totals& after,
                       const std::string& currency) {
  if (!rule.stop || after.used <= before.used || after.used <= after.planned) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      scope, ": ", DisplayMoney({after.used - after.planned, currency}),
      " over its ", DisplayMoney({after.planned, currency}),
      " budget (committed + actual would be ",
      DisplayMoney({after.used, currency}), ")"));
}

bool Crosses(const SpendRule& rule, const Totals& before, const Totals& after) {
  return !Reaches(before.used, before.planned, rule.warn_percent) &&
         Reaches(after.used, after.planned, rule.warn_percent);
}

Totals TotalsOf(const BudgetTotals& all, absl::string_view line) {
  for (const LineTotals& l : all.lines) {
    if (l.line == line) return l.totals;
  }
  return Totals{};
}

// Totals before and after `next` (the spend with the item), judged by the
// rules: the line by its own, the project total by the project's.
absl::StatusOr<SpendCheck> Judge(const Budget& b, const Spend& spend,
                                 const Spend& next, const std::string& line) {
  const BudgetTotals before = ComputeTotals(b, spend);
  const BudgetTotals after = ComputeTotals(b, next);
  SpendCheck check;
  check.line = TotalsOf(after, line);
  check.project = after.project;
  check.line_rule = RuleFor(b, line);
  check.project_rule = b.rule;
  const Totals line_before = TotalsOf(before, line);
  absl::Status stop = CheckStop(absl::StrCat("line ", line), check.line_rule,
                                line_before, check.line, b.currency);
  if (!stop.ok()) return stop;
  stop = CheckStop("project", check.project_rule, before.project, check.project,
                   b.currency);
  if (!stop.ok()) return stop;
  check.line_warn_crossed = Crosses(check.line_rule, line_before, check.line);
  check.project_warn_crossed =
      Crosses(check.project_rule, before.project, check.project);
  return check;
}

}  // namespace

bool operator==(const Money& a, const Money& b) {
  return a.minor == b.minor && a.currency == b.currency;
}

int CurrencyDigits(absl::string_view currency) {
  // ISO 4217's exceptions to two digits; whole codes only, as a code has no
  // space.
  if (!IsCurrencyCode(currency)) return 2;
  if (absl::StrContains("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND "
                        "VUV XAF XOF XPF",
                        currency)) {
    return 0;
  }
  return absl::StrContains("BHD IQD JOD KWD LYD OMR TND", currency) ? 3 : 2;
}

bool IsCurrencyCode(absl::string_view code) {
  return code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) {
           return c >= 'A' && c <= 'Z';
         });
}

absl::StatusOr<Money> ParseMoney(absl::string_view field,
                                 absl::string_view text) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ' ', absl::SkipEmpty());
  const std::string shape =
      absl::StrCat("\"", text,
                   "\" is not an amount with its currency such as \"60000.00 "
                   "EUR\"");
  if (parts.size() != 2) return Invalid(field, shape);
  Money m{0, absl::AsciiStrToUpper(parts[1])};
  if (!IsCurrencyCode(m.currency)) {
    return Invalid(field, absl::StrCat("\"", parts[1],
                                       "\" is not an ISO 4217 currency code "
                                       "such as EUR"));
  }
  if (absl::StartsWith(parts[0], "-")) {
    return Invalid(field, absl::StrCat("\"", text, "\" is negative"));
  }
  const bool dotted = absl::StrContains(parts[0], '.');
  const std::pair<absl::string_view, absl::string_view> split =
      absl::StrSplit(parts[0], absl::MaxSplits('.', 1));
  const auto [whole, frac] = split;
  if (whole.empty() || (dotted && frac.empty()) || !AllDigits(whole) ||
      !AllDigits(frac)) {
    return Invalid(field, shape);
  }
  const int digits = CurrencyDigits(m.currency);
  if (static_cast<int>(frac.size()) > digits) {
    return Invalid(field, absl::StrCat("\"", text, "\" has too many decimals: ",
                                       m.currency, " has ", digits));
  }
  // Up to 15 digits the scaling stays inside int64_t; the cap is lower.
  if (whole.size() <= 15) {
    for (char c : whole) m.minor = m.minor * 10 + (c - '0');
    for (size_t i = 0; i < static_cast<size_t>(digits); ++i) {
      m.minor = m.minor * 10 + (i < frac.size() ? frac[i] - '0' : 0);
    }
  }
  if (whole.size() <= 15 && m.minor <= kMaxAmountMinor) return m;
  return Invalid(
      field, absl::StrCat("\"", text, "\" is more than the largest amount, ",
                          FormatMoney({kMaxAmountMinor, m.currency})));
}

std::string FormatMoney(const Money& m) { return Format(m, false); }

std::string DisplayMoney(const Money& m) { return Format(m, true); }

absl::string_view LineKindName(LineKind kind) {
  return kKindNames[static_cast<int>(kind)];
}

std::string LineKey(const BudgetLine& line) {
  return line.kind == LineKind::kCustom ? line.name
                                        : std::string(LineKindName(line.kind));
}

const BudgetLine* FindLine(const Budget& b, absl::string_view key) {
  for (const BudgetLine& line : b.lines) {
    if (LineKey(line) == key) return &line;
  }
  return nullptr;
}

const SpendRule& RuleFor(const Budget& b, absl::string_view key) {
  const BudgetLine* line = FindLine(b, key);
  return line != nullptr && line->rule.has_value() ? *line->rule : b.rule;
}

absl::Status ValidateBudget(const Budget& b) {
  if (!IsCurrencyCode(b.currency)) {
    return Invalid("budget.currency",
                   absl::StrCat("\"", b.currency,
                                "\" is not an ISO 4217 code such as EUR"));
  }
  if (absl::Status s = ValidateRule("budget.rule", b.rule); !s.ok()) return s;
  if (b.lines.size() > static_cast<size_t>(kMaxLines)) {
    return Invalid("budget.lines",
                   absl::StrCat(b.lines.size(), " lines; at most ", kMaxLines));
  }
  std::set<std::string> keys;
  for (size_t i = 0; i < b.lines.size(); ++i) {
    const std::string field = absl::StrCat("budget.lines[", i, "]");
    absl::Status s = ValidateLine(field, b.currency, b.lines[i]);
    if (!s.ok()) return s;
    const std::string key = LineKey(b.lines[i]);
    if (!keys.insert(key).second) {
      return Invalid(
          field, absl::StrCat("line \"", key, "\" is in the budget already"));
    }
  }
  return absl::OkStatus();
}

bool NeedsApproval(int64_t old_planned, int64_t new_planned,
                   int threshold_percent) {
  if (new_planned <= old_planned) return false;
  if (old_planned <= 0) return true;
  return absl::int128(new_planned - old_planned) * 100 >
         absl::int128(old_planned) * threshold_percent;
}

BudgetTotals ComputeTotals(const Budget& b, const Spend& spend) {
  std::map<std::string, Totals> by_line;
  for (const BudgetLine& l : b.lines) {
    by_line[LineKey(l)].planned += l.planned.minor;
  }
  std::map<absl::string_view, const Commitment*> commitments;
  for (const Commitment& c : spend.commitments) commitments[c.id] = &c;
  std::map<absl::string_view, int64_t> invoiced;
  for (const Actual& a : spend.actuals) {
    Totals& t = by_line[a.line];
    t.actual += a.amount.minor;
    auto it = a.commitment.empty() ? commitments.end()
                                   : commitments.find(a.commitment);
    if (it == commitments.end()) {
      t.beyond_commitments += a.amount.minor;
      continue;
    }
    // Invoices consume what their commitment has left, in turn; what
    // passes it was never covered by the purchase order.
    int64_t& billed = invoiced[a.commitment];
    const int64_t left =
        std::max<int64_t>(0, it->second->amount.minor - billed);
    t.beyond_commitments += std::max<int64_t>(0, a.amount.minor - left);
    billed += a.amount.minor;
  }
  for (const auto& [id, c] : commitments) {
    if (c->closed) continue;
    by_line[c->line].committed +=
        std::max<int64_t>(0, c->amount.minor - invoiced[id]);
  }
  BudgetTotals out;
  for (const BudgetLine& l : b.lines) {
    auto node = by_line.extract(LineKey(l));  // empty for a repeated key
    if (!node.empty()) out.lines.push_back({node.key(), node.mapped()});
  }
  for (auto& [line, t] : by_line) out.lines.push_back({line, t});
  for (LineTotals& l : out.lines) {
    Finish(l.totals);
    out.project.planned += l.totals.planned;
    out.project.committed += l.totals.committed;
    out.project.actual += l.totals.actual;
    out.project.beyond_commitments += l.totals.beyond_commitments;
  }
  Finish(out.project);
  return out;
}

absl::StatusOr<SpendCheck> CheckSpend(const Budget& b, const Spend& spend,
                                      const Commitment& item) {
  absl::Status s = CheckItem("commitment", b, spend.commitments, item);
  if (!s.ok()) return s;
  Spend next = spend;
  next.commitments.push_back(item);
  return Judge(b, spend, next, item.line);
}

absl::StatusOr<SpendCheck> CheckSpend(const Budget& b, const Spend& spend,
                                      const Actual& item) {
  absl::Status s = CheckItem("actual", b, spend.actuals, item);
  if (!s.ok()) return s;
  if (!item.commitment.empty()) {
    auto c = FindId(spend.commitments, item.commitment);
    if (c == spend.commitments.end()) {
      return absl::NotFoundError(absl::StrCat(
          "actual.commitment: no commitment \"", item.commitment, "\""));
    }
    if (c->line != item.line) {
      return Invalid("actual.commitment",
                     absl::StrCat("\"", c->id, "\" is on line ", c->line,
                                  "; the invoice is on line ", item.line));
    }
    if (c->amount.currency != item.amount.currency) {
      return Invalid(
          "actual.commitment",
          absl::StrCat("\"", c->id, "\" is in ", c->amount.currency,
                       "; the invoice is in ", item.amount.currency));
    }
  }
  Spend next = spend;
  next.actuals.push_back(item);
  return Judge(b, spend, next, item.line);
}

}  // namespace mops::services::budgets

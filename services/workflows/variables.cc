#include "services/workflows/variables.h"

#include <cstdlib>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {
namespace {

using filter::Value;

absl::Status Bad(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || s.size() > kMaxIdLength || !absl::ascii_islower(s[0])) {
    return false;
  }
  for (char c : s) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') {
      return false;
    }
  }
  return true;
}

// A decimal with at most `decimals` digits after the point, scaled to an
// integer (the number times 10^decimals).
bool ParseScaled(absl::string_view s, int decimals, int64_t* out) {
  bool negative = absl::ConsumePrefix(&s, "-");
  if (!negative) absl::ConsumePrefix(&s, "+");
  absl::string_view whole = s, frac;
  if (size_t dot = s.find('.'); dot != absl::string_view::npos) {
    whole = s.substr(0, dot);
    frac = s.substr(dot + 1);
    if (frac.empty() || static_cast<int>(frac.size()) > decimals) return false;
  }
  if (whole.empty() || whole.size() > 12) return false;
  for (char c : whole) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  for (char c : frac) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  int64_t n = 0;
  for (char c : whole) n = n * 10 + (c - '0');
  for (int i = 0; i < decimals; ++i) {
    n = n * 10 + (i < static_cast<int>(frac.size()) ? frac[i] - '0' : 0);
  }
  *out = negative ? -n : n;
  return true;
}

bool IsCurrency(absl::string_view c) {
  return c.size() == 3 && absl::ascii_isupper(c[0]) &&
         absl::ascii_isupper(c[1]) && absl::ascii_isupper(c[2]);
}

// "60000 EUR", "60000.5", "-12.25 EUR" in `currency`, in minor units.
absl::StatusOr<int64_t> ParseMoney(absl::string_view text,
                                   absl::string_view currency) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  absl::string_view amount = s, code;
  if (size_t space = s.find(' '); space != absl::string_view::npos) {
    amount = s.substr(0, space);
    code = absl::StripLeadingAsciiWhitespace(s.substr(space));
  }
  int64_t minor;
  if (!ParseScaled(amount, 2, &minor)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not an amount such as \"60000 ", currency, "\""));
  }
  if (!code.empty() && code != currency) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is in ", code, "; the variable is in ", currency));
  }
  return minor;
}

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a date such as \"2027-03-01\""));
  }
  return day;
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text,
                     "\" is not an RFC 3339 time such as "
                     "\"2027-03-01T09:00:00Z\""));
  }
  return t;
}

absl::StatusOr<std::string> FullName(absl::string_view text,
                                     absl::string_view collection) {
  absl::string_view id = text;
  absl::ConsumePrefix(&id, collection);
  absl::ConsumePrefix(&id, "/");
  RETURN_IF_ERROR(ValidateId(collection, id));
  return absl::StrCat(collection, "/", id);
}

// The comparable form of a value already normalized (or a literal).
absl::StatusOr<Value> Comparable(const v1::WorkflowVariable& v,
                                 absl::string_view text) {
  switch (v.type()) {
    case v1::WorkflowVariable::MONEY: {
      ASSIGN_OR_RETURN(int64_t minor, ParseMoney(text, v.currency()));
      return Value::Int(minor);
    }
    case v1::WorkflowVariable::DATE: {
      ASSIGN_OR_RETURN(absl::CivilDay day, ParseDate(text));
      return Value::Int(day - absl::CivilDay(1970, 1, 1));
    }
    case v1::WorkflowVariable::TIME: {
      ASSIGN_OR_RETURN(absl::Time t, ParseTime(text));
      return Value::Int(absl::ToUnixMicros(t));
    }
    case v1::WorkflowVariable::NUMBER: {
      int64_t n;
      if (!ParseScaled(absl::StripAsciiWhitespace(text), 6, &n)) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", text, "\" is not a number such as \"12.5\""));
      }
      return Value::Int(n);
    }
    case v1::WorkflowVariable::USER: {
      ASSIGN_OR_RETURN(std::string name, FullName(text, "users"));
      return Value::String(std::move(name));
    }
    case v1::WorkflowVariable::TEAM: {
      ASSIGN_OR_RETURN(std::string name, FullName(text, "teams"));
      return Value::String(std::move(name));
    }
    default:
      return Value::String(std::string(text));
  }
}

bool Ordered(v1::WorkflowVariable::Type t) {
  return t == v1::WorkflowVariable::MONEY || t == v1::WorkflowVariable::DATE ||
         t == v1::WorkflowVariable::TIME || t == v1::WorkflowVariable::NUMBER;
}

}  // namespace

std::string VariableField(absl::string_view name) {
  return absl::StrCat("variables[", name, "]");
}

absl::Status ValidateDeclaration(absl::string_view field,
                                 const v1::WorkflowVariable& v) {
  if (!IsIdentifier(v.name())) {
    return Bad(absl::StrCat(field, ".name"),
               absl::StrCat("\"", v.name(),
                            "\" is not a variable name: a lower-case letter, "
                            "then lower-case letters, digits and '_'"));
  }
  if (v.type() == v1::WorkflowVariable::TYPE_UNSPECIFIED ||
      !v1::WorkflowVariable::Type_IsValid(v.type())) {
    return Bad(absl::StrCat(field, ".type"),
               "is required: string, money, date, time, url, user, team or "
               "number");
  }
  if (v.type() == v1::WorkflowVariable::MONEY) {
    if (!IsCurrency(v.currency())) {
      return Bad(absl::StrCat(field, ".currency"),
                 "a money variable needs an ISO 4217 code such as EUR");
    }
  } else if (!v.currency().empty()) {
    return Bad(absl::StrCat(field, ".currency"),
               "only a money variable has a currency");
  }
  if (!v.default_value().empty()) {
    if (v.required()) {
      return Bad(absl::StrCat(field, ".default_value"),
                 "a required variable has no default (a default makes it "
                 "optional)");
    }
    RETURN_IF_ERROR(NormalizeValue(absl::StrCat(field, ".default_value"), v,
                                   v.default_value())
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NormalizeValue(absl::string_view field,
                                           const v1::WorkflowVariable& v,
                                           absl::string_view text) {
  auto fail = [&](const absl::Status& s) { return Bad(field, s.message()); };
  switch (v.type()) {
    case v1::WorkflowVariable::MONEY: {
      absl::StatusOr<int64_t> minor = ParseMoney(text, v.currency());
      if (!minor.ok()) return fail(minor.status());
      const int64_t abs = std::llabs(*minor);
      return absl::StrFormat("%s%d.%02d %s", *minor < 0 ? "-" : "", abs / 100,
                             abs % 100, v.currency());
    }
    case v1::WorkflowVariable::DATE: {
      absl::StatusOr<absl::CivilDay> day = ParseDate(text);
      if (!day.ok()) return fail(day.status());
      return absl::FormatCivilTime(*day);
    }
    case v1::WorkflowVariable::TIME: {
      absl::StatusOr<absl::Time> t = ParseTime(text);
      if (!t.ok()) return fail(t.status());
      return absl::FormatTime(absl::RFC3339_full, *t, absl::UTCTimeZone());
    }
    case v1::WorkflowVariable::URL: {
      if (!(absl::StartsWith(text, "https://") ||
            absl::StartsWith(text, "http://")) ||
          text.size() < 9 || text.size() > 2000 ||
          absl::StrContains(text, " ")) {
        return Bad(field, absl::StrCat("\"", text, "\" is not an http(s) URL"));
      }
      return std::string(text);
    }
    case v1::WorkflowVariable::STRING:
      return std::string(text);
    default: {
      absl::StatusOr<Value> value = Comparable(v, text);
      if (!value.ok()) return fail(value.status());
      if (v.type() == v1::WorkflowVariable::NUMBER) {
        absl::string_view s = absl::StripAsciiWhitespace(text);
        absl::ConsumePrefix(&s, "+");
        return std::string(s);
      }
      return value->str;
    }
  }
}

absl::StatusOr<Values> ResolveValues(
    const Variables& declared,
    const google::protobuf::Map<std::string, std::string>& given) {
  Values values;
  for (const auto& [name, text] : given) {
    const v1::WorkflowVariable* v = FindVariable(declared, name);
    if (v == nullptr) {
      std::vector<std::string> names;
      for (const v1::WorkflowVariable& d : declared) names.push_back(d.name());
      return Bad(VariableField(name),
                 absl::StrCat(
                     "the template has no such variable (it has: ",
                     names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
    }
    ASSIGN_OR_RETURN(values[name],
                     NormalizeValue(VariableField(name), *v, text));
  }
  for (const v1::WorkflowVariable& v : declared) {
    if (values.count(v.name())) continue;
    if (!v.default_value().empty()) {
      ASSIGN_OR_RETURN(values[v.name()], NormalizeValue(VariableField(v.name()),
                                                        v, v.default_value()));
    } else if (v.required()) {
      return Bad(VariableField(v.name()), "is required");
    }
  }
  return values;
}

absl::StatusOr<std::vector<std::string>> Placeholders(absl::string_view field,
                                                      absl::string_view text) {
  std::vector<std::string> names;
  size_t at = 0;
  while ((at = text.find("{{", at)) != absl::string_view::npos) {
    const size_t end = text.find("}}", at + 2);
    if (end == absl::string_view::npos) {
      return Bad(field, absl::StrCat("\"{{\" at position ", at,
                                     " is not closed by \"}}\""));
    }
    absl::string_view name =
        absl::StripAsciiWhitespace(text.substr(at + 2, end - at - 2));
    if (!IsIdentifier(name)) {
      return Bad(field, absl::StrCat("\"{{", text.substr(at + 2, end - at - 2),
                                     "}}\" does not name a variable"));
    }
    names.emplace_back(name);
    at = end + 2;
  }
  return names;
}

std::string Render(absl::string_view text, const Values& values) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t open = text.find("{{", at);
    const size_t close = open == absl::string_view::npos
                             ? absl::string_view::npos
                             : text.find("}}", open + 2);
    if (close == absl::string_view::npos) break;
    absl::StrAppend(&out, text.substr(at, open - at));
    auto it = values.find(std::string(
        absl::StripAsciiWhitespace(text.substr(open + 2, close - open - 2))));
    if (it != values.end()) absl::StrAppend(&out, it->second);
    at = close + 2;
  }
  absl::StrAppend(&out, text.substr(at));
  return out;
}

const v1::WorkflowVariable* FindVariable(const Variables& declared,
                                         absl::string_view name) {
  for (const v1::WorkflowVariable& v : declared) {
    if (v.name() == name) return &v;
  }
  return nullptr;
}

absl::StatusOr<Condition> Condition::Parse(absl::string_view expression,
                                           const Variables& declared) {
  Condition c;
  filter::Schema schema;
  for (const v1::WorkflowVariable& v : declared) {
    c.vars_[v.name()] = v;
    filter::FieldSpec spec;
    spec.ordered = Ordered(v.type());
    spec.parse = [v](absl::string_view literal) {
      return Comparable(v, literal);
    };
    schema[v.name()] = std::move(spec);
  }
  if (absl::StripAsciiWhitespace(expression).empty()) {
    return absl::InvalidArgumentError("is empty");
  }
  ASSIGN_OR_RETURN(c.filter_, filter::Filter::Parse(expression, schema));
  // The names it mentions, for the history: every identifier that is a
  // variable (a quoted literal that spells one is harmless).
  std::set<std::string> seen;
  size_t i = 0;
  while (i < expression.size()) {
    if (absl::ascii_isalpha(expression[i]) || expression[i] == '_') {
      size_t j = i;
      while (j < expression.size() &&
             (absl::ascii_isalnum(expression[j]) || expression[j] == '_')) {
        ++j;
      }
      std::string word(expression.substr(i, j - i));
      if (c.vars_.count(word) && seen.insert(word).second) {
        c.names_.push_back(word);
      }
      i = j;
    } else {
      ++i;
    }
  }
  return c;
}

bool Condition::Holds(const Values& values) const {
  return filter_.Matches([&](const std::string& name) {
    auto v = vars_.find(name);
    auto value = values.find(name);
    if (v == vars_.end() || value == values.end()) return Value::Absent();
    absl::StatusOr<Value> comparable = Comparable(v->second, value->second);
    return comparable.ok() ? *std::move(comparable) : Value::Absent();
  });
}

Values Condition::Seen(const Values& values) const {
  Values seen;
  for (const std::string& name : names_) {
    auto it = values.find(name);
    seen[name] = it == values.end() ? "(unset)" : it->second;
  }
  return seen;
}

}  // namespace mops::services::workflows

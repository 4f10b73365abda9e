#include "services/common/filter.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace mops::services::filter {

struct Filter::Node {
  enum Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = kCompare;
  std::vector<std::shared_ptr<const Node>> children;
  std::string field;
  Op op = Op::kEq;
  Value value;
};

namespace {

using NodePtr = std::shared_ptr<const Filter::Node>;
using Node = Filter::Node;

const char* OpText(Op op) {
  switch (op) {
    case Op::kEq:
      return "=";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kGt:
      return ">";
    case Op::kLe:
      return "<=";
    case Op::kGe:
      return ">=";
    case Op::kHas:
      return ":";
  }
  return "?";
}

class Parser {
 public:
  Parser(absl::string_view text, const Schema& schema)
      : text_(text), schema_(schema) {}

  absl::StatusOr<NodePtr> ParseAll() {
    auto expr = Expression();
    if (!expr.ok()) return expr.status();
    SkipSpace();
    if (pos_ < text_.size()) {
      return Error(absl::StrCat("unexpected \"", Peek(), "\""));
    }
    return expr;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("filter: ", what, " at position ", pos_ + 1));
  }
  void SkipSpace() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  // The next word-like token, for messages.
  std::string Peek() const {
    size_t end = pos_;
    while (end < text_.size() &&
           !std::isspace(static_cast<unsigned char>(text_[end])))
      ++end;
    return std::string(text_.substr(pos_, std::max<size_t>(end - pos_, 1)));
  }
  bool AtKeyword(absl::string_view word) const {
    if (text_.substr(pos_, word.size()) != word) return false;
    size_t after = pos_ + word.size();
    return after == text_.size() ||
           std::isspace(static_cast<unsigned char>(text_[after])) ||
           text_[after] == '(';
  }
  bool AtEndOfSequence() {
    SkipSpace();
    return pos_ >= text_.size() || text_[pos_] == ')' || AtKeyword("AND") ||
           AtKeyword("OR");
  }

  absl::StatusOr<NodePtr> Expression() {
    std::vector<NodePtr> parts;
    while (true) {
      auto seq = Sequence();
      if (!seq.ok()) return seq.status();
      parts.push_back(*seq);
      SkipSpace();
      if (!AtKeyword("AND")) break;
      pos_ += 3;
    }
    return Combine(Node::kAnd, std::move(parts));
  }

  absl::StatusOr<NodePtr> Sequence() {
    std::vector<NodePtr> parts;
    do {
      auto f = Factor();
      if (!f.ok()) return f.status();
      parts.push_back(*f);
    } while (!AtEndOfSequence());
    return Combine(Node::kAnd, std::move(parts));
  }

  absl::StatusOr<NodePtr> Factor() {
    std::vector<NodePtr> parts;
    while (true) {
      auto t = Term();
      if (!t.ok()) return t.status();
      parts.push_back(*t);
      SkipSpace();
      if (!AtKeyword("OR")) break;
      pos_ += 2;
    }
    return Combine(Node::kOr, std::move(parts));
  }

  absl::StatusOr<NodePtr> Term() {
    SkipSpace();
    bool negate = false;
    if (AtKeyword("NOT")) {
      pos_ += 3;
      negate = true;
    } else if (pos_ < text_.size() && text_[pos_] == '-') {
      ++pos_;
      negate = true;
    }
    auto simple = Simple();
    if (!simple.ok() || !negate) return simple;
    auto node = std::make_shared<Node>();
    node->kind = Node::kNot;
    node->children.push_back(*simple);
    return NodePtr(node);
  }

  absl::StatusOr<NodePtr> Simple() {
    SkipSpace();
    if (pos_ >= text_.size()) {
      return Error("expected a condition, found the end");
    }
    if (AtKeyword("AND") || AtKeyword("OR")) {
      return Error(
          absl::StrCat("expected a condition before \"", Peek(), "\""));
    }
    if (text_[pos_] == '(') {
      if (depth_ == kMaxFilterDepth) {
        return Error(absl::StrCat("parentheses nest deeper than ",
                                  kMaxFilterDepth, " levels"));
      }
      ++pos_;
      ++depth_;
      auto inner = Expression();
      --depth_;
      if (!inner.ok()) return inner.status();
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ')') {
        return Error("expected \")\"");
      }
      ++pos_;
      return inner;
    }
    return Restriction();
  }

  absl::StatusOr<NodePtr> Restriction() {
    const size_t field_pos = pos_;
    size_t end = pos_;
    while (end < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[end])) ||
            text_[end] == '_' || text_[end] == '.')) {
      ++end;
    }
    if (end == pos_)
      return Error(
          absl::StrCat("expected a field name, found \"", Peek(), "\""));
    std::string field(text_.substr(pos_, end - pos_));
    auto spec = schema_.find(field);
    // A map field is one entry "NAME.*" standing for every "NAME.KEY".
    for (size_t dot = field.find('.');
         spec == schema_.end() && dot != std::string::npos;
         dot = field.find('.', dot + 1)) {
      if (dot + 1 < field.size())
        spec = schema_.find(field.substr(0, dot) + ".*");
    }
    if (spec == schema_.end()) {
      std::vector<std::string> names;
      for (const auto& [name, s] : schema_) names.push_back(name);
      return Error(absl::StrCat("unknown field \"", field, "\" (fields: ",
                                absl::StrJoin(names, ", "), ")"));
    }
    pos_ = end;
    SkipSpace();
    Op op;
    absl::string_view rest = text_.substr(pos_);
    if (absl::StartsWith(rest, "!=")) {
      op = Op::kNe;
      pos_ += 2;
    } else if (absl::StartsWith(rest, "<=")) {
      op = Op::kLe;
      pos_ += 2;
    } else if (absl::StartsWith(rest, ">=")) {
      op = Op::kGe;
      pos_ += 2;
    } else if (absl::StartsWith(rest, "=")) {
      op = Op::kEq;
      ++pos_;
    } else if (absl::StartsWith(rest, "<")) {
      op = Op::kLt;
      ++pos_;
    } else if (absl::StartsWith(rest, ">")) {
      op = Op::kGt;
      ++pos_;
    } else if (absl::StartsWith(rest, ":")) {
      op = Op::kHas;
      ++pos_;
    } else {
      return Error(absl::StrCat(
          "expected an operator (= != < > <= >= :) after \"", field, "\""));
    }
    if ((op == Op::kLt || op == Op::kGt || op == Op::kLe || op == Op::kGe) &&
        !spec->second.ordered) {
      pos_ = field_pos;
      return Error(
          absl::StrCat("operator ", OpText(op), " does not apply to ", field));
    }
    SkipSpace();
    const size_t value_pos = pos_;
    auto literal = Literal();
    if (!literal.ok()) return literal.status();
    auto value = spec->second.parse(*literal);
    if (!value.ok()) {
      pos_ = value_pos;
      return Error(absl::StrCat(value.status().message(), " for ", field));
    }
    auto node = std::make_shared<Node>();
    node->kind = Node::kCompare;
    node->field = field;
    node->op = op;
    node->value = *std::move(value);
    return NodePtr(node);
  }

  absl::StatusOr<std::string> Literal() {
    if (pos_ >= text_.size()) return Error("expected a value, found the end");
    std::string out;
    if (text_[pos_] == '"') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        out.push_back(text_[pos_++]);
      }
      if (pos_ >= text_.size()) return Error("unterminated string");
      ++pos_;
      return out;
    }
    while (pos_ < text_.size() &&
           !std::isspace(static_cast<unsigned char>(text_[pos_])) &&
           text_[pos_] != '(' && text_[pos_] != ')') {
      out.push_back(text_[pos_++]);
    }
    if (out.empty())
      return Error(absl::StrCat("expected a value, found \"", Peek(), "\""));
    return out;
  }

  static NodePtr Combine(Node::Kind kind, std::vector<NodePtr> parts) {
    if (parts.size() == 1) return parts[0];
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->children = std::move(parts);
    return node;
  }

  absl::string_view text_;
  const Schema& schema_;
  size_t pos_ = 0;
  int depth_ = 0;  // open parentheses around pos_
};

bool Compare(const Value& got, Op op, const Value& want) {
  if (got.kind == Value::kAbsent) return op == Op::kNe;
  if (got.kind == Value::kList) {
    bool has =
        std::find(got.list.begin(), got.list.end(), want.str) != got.list.end();
    return op == Op::kNe ? !has : (op == Op::kHas || op == Op::kEq) && has;
  }
  if (got.kind == Value::kString) {
    switch (op) {
      case Op::kEq:
        return got.str == want.str;
      case Op::kNe:
        return got.str != want.str;
      case Op::kHas:
        return absl::StrContains(absl::AsciiStrToLower(got.str),
                                 absl::AsciiStrToLower(want.str));
      default:
        return false;
    }
  }
  switch (op) {
    case Op::kEq:
    case Op::kHas:
      return got.num == want.num;
    case Op::kNe:
      return got.num != want.num;
    case Op::kLt:
      return got.num < want.num;
    case Op::kGt:
      return got.num > want.num;
    case Op::kLe:
      return got.num <= want.num;
    case Op::kGe:
      return got.num >= want.num;
  }
  return false;
}

bool Eval(const Node& node, const Getter& get) {
  switch (node.kind) {
    case Node::kAnd:
      for (const auto& c : node.children) {
        if (!Eval(*c, get)) return false;
      }
      return true;
    case Node::kOr:
      for (const auto& c : node.children) {
        if (Eval(*c, get)) return true;
      }
      return false;
    case Node::kNot:
      return !Eval(*node.children[0], get);
    case Node::kCompare:
      return Compare(get(node.field), node.op, node.value);
  }
  return false;
}

bool OnlyMentions(const Node& node, const std::string& field) {
  if (node.kind == Node::kCompare) return node.field == field;
  for (const auto& c : node.children) {
    if (!OnlyMentions(*c, field)) return false;
  }
  return true;
}

bool NodeMentionsOnly(const Node& node, const std::set<std::string>& fields) {
  if (node.kind == Node::kCompare) return fields.count(node.field) > 0;
  for (const auto& c : node.children) {
    if (!NodeMentionsOnly(*c, fields)) return false;
  }
  return true;
}

std::vector<NodePtr> TopTerms(const NodePtr& root) {
  if (root == nullptr) return {};
  if (root->kind == Node::kAnd) return root->children;
  return {root};
}

}  // namespace

absl::StatusOr<Filter> Filter::Parse(absl::string_view text,
                                     const Schema& schema) {
  Filter f;
  if (absl::StripAsciiWhitespace(text).empty()) return f;
  if (text.size() > kMaxFilterLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter is ", text.size(), " bytes; at most ",
                     kMaxFilterLength, " are allowed"));
  }
  Parser parser(text, schema);
  auto root = parser.ParseAll();
  if (!root.ok()) return root.status();
  f.root_ = *root;
  return f;
}

bool Filter::Matches(const Getter& get) const {
  return root_ == nullptr || Eval(*root_, get);
}

std::optional<Value> Filter::RequiredEquals(const std::string& field) const {
  for (const auto& t : TopTerms(root_)) {
    if (t->kind == Node::kCompare && t->field == field && t->op == Op::kEq) {
      return t->value;
    }
  }
  return std::nullopt;
}

bool Filter::Allows(const std::string& field, const Value& candidate) const {
  Getter get = [&](const std::string&) { return candidate; };
  for (const auto& t : TopTerms(root_)) {
    if (OnlyMentions(*t, field) && !Eval(*t, get)) return false;
  }
  return true;
}

void Filter::IntBounds(const std::string& field, int64_t* lo,
                       int64_t* hi) const {
  *lo = std::numeric_limits<int64_t>::min();
  *hi = std::numeric_limits<int64_t>::max();
  for (const auto& t : TopTerms(root_)) {
    if (t->kind != Node::kCompare || t->field != field ||
        t->value.kind != Value::kInt) {
      continue;
    }
    const int64_t v = t->value.num;
    switch (t->op) {
      case Op::kEq:
        *lo = std::max(*lo, v);
        *hi = std::min(*hi, v);
        break;
      case Op::kGe:
        *lo = std::max(*lo, v);
        break;
      case Op::kGt:
        if (v < std::numeric_limits<int64_t>::max()) *lo = std::max(*lo, v + 1);
        break;
      case Op::kLe:
        *hi = std::min(*hi, v);
        break;
      case Op::kLt:
        if (v > std::numeric_limits<int64_t>::min()) *hi = std::min(*hi, v - 1);
        break;
      default:
        break;
    }
  }
}

absl::StatusOr<OrderBy> ParseOrderBy(absl::string_view text,
                                     const std::vector<std::string>& fields,
                                     const std::string& default_field) {
  OrderBy order{default_field, false};
  std::vector<std::string> words;
  for (absl::string_view w : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    words.emplace_back(w);
  }
  if (words.empty()) return order;
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "order_by \"", text, "\": ", why, "; use one of ",
        absl::StrJoin(fields, ", "), ", optionally followed by asc or desc"));
  };
  if (words.size() > 2 || absl::StrContains(text, ",")) {
    return bad("only one field is supported");
  }
  if (std::find(fields.begin(), fields.end(), words[0]) == fields.end()) {
    return bad(absl::StrCat("cannot order by \"", words[0], "\""));
  }
  order.field = words[0];
  if (words.size() == 2) {
    std::string dir = absl::AsciiStrToLower(words[1]);
    if (dir != "asc" && dir != "desc")
      return bad("direction must be asc or desc");
    order.desc = dir == "desc";
  }
  return order;
}

absl::StatusOr<Value> ParseTimeLiteral(absl::string_view literal) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, literal, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", literal,
                     "\" is not an RFC 3339 time (e.g. 2026-12-01T17:00:00Z)"));
  }
  return Value::Int(absl::ToUnixMicros(t));
}

absl::StatusOr<Value> ParseStringLiteral(absl::string_view literal) {
  return Value::String(std::string(literal));
}

absl::StatusOr<Value> ParseBoolLiteral(absl::string_view literal) {
  if (literal == "true" || literal == "false") {
    return Value::String(std::string(literal));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", literal, "\" is not true or false"));
}

std::function<absl::StatusOr<Value>(absl::string_view)> EnumLiteral(
    const google::protobuf::EnumDescriptor* type, std::string what) {
  return [type, what](absl::string_view literal) -> absl::StatusOr<Value> {
    const google::protobuf::EnumValueDescriptor* v =
        type->FindValueByName(absl::AsciiStrToUpper(literal));
    if (v == nullptr || v->number() == 0) {
      std::vector<std::string> names;
      for (int i = 1; i < type->value_count(); ++i) {
        names.push_back(type->value(i)->name());
      }
      return absl::InvalidArgumentError(
          absl::StrCat("\"", literal, "\" is not ", what, " (",
                       absl::StrJoin(names, ", "), ")"));
    }
    return Value::Int(v->number());
  };
}

std::function<absl::StatusOr<Value>(absl::string_view)> NameLiteral(
    std::string prefix) {
  return [prefix](absl::string_view literal) -> absl::StatusOr<Value> {
    std::string v(literal);
    if (v.find('/') == std::string::npos) v = prefix + v;
    return Value::String(v);
  };
}

std::function<absl::StatusOr<Value>(absl::string_view)> UserLiteral(
    std::string me) {
  auto name = NameLiteral("users/");
  return [me, name](absl::string_view literal) -> absl::StatusOr<Value> {
    if (literal == "me" || literal == "users/me") return Value::String(me);
    return name(literal);
  };
}

bool Filter::MentionsOnly(const std::set<std::string>& fields) const {
  return root_ == nullptr || NodeMentionsOnly(*root_, fields);
}

}  // namespace mops::services::filter

// AIP-160 filters (a subset) and order_by, typed by a per-resource schema.
//
//   expression := sequence { "AND" sequence }
//   sequence   := factor { factor }            (juxtaposition is AND)
//   factor     := term { "OR" term }           (OR binds tighter than AND)
//   term       := [ "NOT" | "-" ] simple
//   simple     := restriction | "(" expression ")"
//   restriction:= FIELD COMPARATOR VALUE       (= != < > <= >= :)
//   VALUE      := "quoted string" | bare-word
//
// Errors are INVALID_ARGUMENT and say where ("filter: ... at position 12").
// A filter is at most kMaxFilterLength bytes and nests parentheses at most
// kMaxFilterDepth deep: parsing and matching recurse once per level, so an
// unbounded depth let any caller exhaust the stack of a server thread.
#ifndef MOPS_SERVICES_COMMON_FILTER_H_
#define MOPS_SERVICES_COMMON_FILTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace mops::services::filter {

inline constexpr size_t kMaxFilterLength = 4096;
inline constexpr int kMaxFilterDepth = 32;

// A field's value on a record, or a literal's value after parsing.
struct Value {
  enum Kind { kAbsent, kString, kInt, kList };
  Kind kind = kAbsent;
  std::string str;
  int64_t num = 0;
  std::vector<std::string> list;

  static Value Absent() { return {}; }
  static Value String(std::string s) {
    Value v;
    v.kind = kString;
    v.str = std::move(s);
    return v;
  }
  static Value Int(int64_t n) {
    Value v;
    v.kind = kInt;
    v.num = n;
    return v;
  }
  static Value List(std::vector<std::string> l) {
    Value v;
    v.kind = kList;
    v.list = std::move(l);
    return v;
  }
};

enum class Op { kEq, kNe, kLt, kGt, kLe, kGe, kHas };

struct FieldSpec {
  // Whether < > <= >= apply (times, priorities).
  bool ordered = false;
  // Turns a literal into a comparable Value; the error text is embedded in
  // the filter's error ("... for FIELD at position N").
  std::function<absl::StatusOr<Value>(absl::string_view literal)> parse;
};
// A key "NAME.*" accepts every field "NAME.KEY" (a map's entries; the
// leftmost such entry wins); the Getter is asked for the full "NAME.KEY".
using Schema = std::map<std::string, FieldSpec>;

using Getter = std::function<Value(const std::string& field)>;

class Filter {
 public:
  // An empty text matches everything.
  static absl::StatusOr<Filter> Parse(absl::string_view text,
                                      const Schema& schema);

  bool empty() const { return root_ == nullptr; }
  bool Matches(const Getter& get) const;

  // For planning from the top-level AND of the filter:
  // the value of a top-level `field = value` term, if any;
  std::optional<Value> RequiredEquals(const std::string& field) const;
  // whether every top-level term that mentions only `field` holds when the
  // field is `candidate` (true when no such term exists);
  bool Allows(const std::string& field, const Value& candidate) const;
  // the tightest [lo, hi] implied by top-level comparisons of an int field
  // (inclusive bounds).
  void IntBounds(const std::string& field, int64_t* lo, int64_t* hi) const;
  // Whether every field the filter mentions is one of `fields`.
  bool MentionsOnly(const std::set<std::string>& fields) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

struct OrderBy {
  std::string field;
  bool desc = false;
};
// "FIELD" or "FIELD asc|desc"; empty text gives `default_field` ascending.
absl::StatusOr<OrderBy> ParseOrderBy(absl::string_view text,
                                     const std::vector<std::string>& fields,
                                     const std::string& default_field);

// Literal parsers shared by schemas.
absl::StatusOr<Value> ParseTimeLiteral(absl::string_view literal);
absl::StatusOr<Value> ParseStringLiteral(absl::string_view literal);
// `true` or `false`, as the strings a getter gives for a bool field.
absl::StatusOr<Value> ParseBoolLiteral(absl::string_view literal);
// A protobuf enum's value by name, case-blind; `what` names it in errors
// ("a task state"). The zero (UNSPECIFIED) value is refused.
std::function<absl::StatusOr<Value>(absl::string_view)> EnumLiteral(
    const google::protobuf::EnumDescriptor* type, std::string what);
// A resource name; a bare id gets `prefix` ("teams/").
std::function<absl::StatusOr<Value>(absl::string_view)> NameLiteral(
    std::string prefix);
// A user: "me" and "users/me" are `me` ("users/{caller}"), a bare id gets
// "users/".
std::function<absl::StatusOr<Value>(absl::string_view)> UserLiteral(
    std::string me);

}  // namespace mops::services::filter

#endif  // MOPS_SERVICES_COMMON_FILTER_H_

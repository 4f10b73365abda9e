#include "services/common/event_condition.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/common/events.h"

namespace mops::services {
namespace event_condition_internal {

using filter::Value;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

enum class Leaf { kString, kEnum, kInt, kBool, kTime, kDuration };

// How to read one name off a payload.
struct Accessor {
  std::vector<const FieldDescriptor*> path;  // from the payload message
  const FieldDescriptor* item = nullptr;     // the leaf (a map's value)
  Leaf leaf = Leaf::kString;
  bool list = false;  // a repeated field on the path
  bool map = false;   // the path ends at a map; the name's rest is the key
};

struct TypeSchema {
  std::string type;
  const FieldDescriptor* payload = nullptr;   // in Event's payload oneof
  const FieldDescriptor* resource = nullptr;  // in the payload; may be null
  filter::Schema schema;
  std::map<std::string, Accessor> fields;
  std::vector<std::string> listed;  // sorted, without the alias spellings
};

namespace {

// Messages entered below the payload (the resource is the first): deep
// enough for groups.team, shallow enough to keep the schemas small.
constexpr size_t kMaxDepth = 3;
constexpr size_t kMaxListed = 40;

std::optional<Leaf> LeafOf(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (f->type() == FieldDescriptor::TYPE_BYTES) return std::nullopt;
      return Leaf::kString;
    case FieldDescriptor::CPPTYPE_ENUM:
      return Leaf::kEnum;
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return Leaf::kInt;
    case FieldDescriptor::CPPTYPE_BOOL:
      return Leaf::kBool;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string& type = f->message_type()->full_name();
      if (type == "google.protobuf.Timestamp") return Leaf::kTime;
      if (type == "google.protobuf.Duration") return Leaf::kDuration;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

bool InApi(const Descriptor* m) {
  return m != nullptr && m->file()->package() == "mops.v1";
}

std::string Text(const Value& v) {
  return v.kind == Value::kInt ? absl::StrCat(v.num) : v.str;
}

absl::StatusOr<Value> IntLiteral(absl::string_view literal) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(literal, &n)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", literal, "\" is not an integer"));
  }
  return Value::Int(n);
}

absl::StatusOr<Value> DurationLiteral(absl::string_view literal) {
  absl::Duration d;
  if (!absl::ParseDuration(literal, &d)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", literal, "\" is not a duration (e.g. 90m, 4h, 3600s)"));
  }
  return Value::Int(absl::ToInt64Microseconds(d));
}

std::function<absl::StatusOr<Value>(absl::string_view)> LiteralParser(
    const Accessor& a) {
  switch (a.leaf) {
    case Leaf::kEnum: {
      absl::string_view name = a.item->enum_type()->full_name();
      absl::ConsumePrefix(&name, "mops.v1.");
      const bool vowel = absl::StrContains("AEIOU", name.substr(0, 1));
      return filter::EnumLiteral(a.item->enum_type(),
                                 absl::StrCat(vowel ? "an " : "a ", name));
    }
    case Leaf::kInt:
      return IntLiteral;
    case Leaf::kBool:
      return filter::ParseBoolLiteral;
    case Leaf::kTime:
      return filter::ParseTimeLiteral;
    case Leaf::kDuration:
      return DurationLiteral;
    default:
      return filter::ParseStringLiteral;
  }
}

filter::FieldSpec SpecFor(const Accessor& a) {
  filter::FieldSpec spec;
  spec.ordered = !a.list && a.leaf != Leaf::kString && a.leaf != Leaf::kBool;
  spec.parse = LiteralParser(a);
  if (a.list) {
    // A list holds its items as text, so the literal becomes text too.
    spec.parse = [parse = std::move(spec.parse)](
                     absl::string_view literal) -> absl::StatusOr<Value> {
      absl::StatusOr<Value> v = parse(literal);
      if (!v.ok()) return v.status();
      return Value::String(Text(*v));
    };
  }
  return spec;
}

// Where a builder is in the payload's tree.
struct Scope {
  std::string prefix;  // "" or "groups."
  std::vector<const FieldDescriptor*> path;
  std::vector<const Descriptor*> types;  // the messages on the path
  bool list = false;
  bool listed = true;
};

class Builder {
 public:
  explicit Builder(TypeSchema* s) : s_(s) {}

  // `m`'s fields under `scope`; into nested mops.v1 messages with `recurse`.
  void AddMessage(const Descriptor* m, const Scope& scope, bool recurse) {
    for (int i = 0; i < m->field_count(); ++i) {
      const FieldDescriptor* f = m->field(i);
      Scope inner = scope;
      inner.prefix += f->name();
      inner.path.push_back(f);
      inner.list = scope.list || f->is_repeated();
      if (f->is_map()) {
        if (!scope.list) AddMap(f, inner);  // not below a repeated message
      } else if (std::optional<Leaf> leaf = LeafOf(f)) {
        Add(inner.prefix, {inner.path, f, *leaf, inner.list, false},
            inner.listed);
      } else if (recurse && InApi(f->message_type()) &&
                 scope.types.size() <= kMaxDepth &&
                 std::find(scope.types.begin(), scope.types.end(),
                           f->message_type()) == scope.types.end()) {
        inner.prefix += ".";
        inner.types.push_back(f->message_type());
        // The resource under its own name is an alias of the bare names.
        if (f == s_->resource && scope.path.empty()) inner.listed = false;
        AddMessage(f->message_type(), inner, true);
      }
    }
  }

 private:
  void AddMap(const FieldDescriptor* f, const Scope& scope) {
    const FieldDescriptor* key = f->message_type()->map_key();
    const FieldDescriptor* value = f->message_type()->map_value();
    std::optional<Leaf> leaf = LeafOf(value);
    if (key->cpp_type() != FieldDescriptor::CPPTYPE_STRING || !leaf) return;
    Add(scope.prefix + ".*", {scope.path, value, *leaf, false, true},
        scope.listed);
  }

  // The first to claim a name keeps it: payload, resource, then the rest.
  void Add(const std::string& name, Accessor a, bool listed) {
    if (s_->fields.count(name)) return;
    s_->schema[name] = SpecFor(a);
    s_->fields.emplace(name, std::move(a));
    if (listed) s_->listed.push_back(name);
  }

  TypeSchema* s_;
};

const FieldDescriptor* ResourceOf(const Descriptor* payload) {
  for (int i = 0; i < payload->field_count(); ++i) {
    const FieldDescriptor* f = payload->field(i);
    if (!f->is_repeated() && InApi(f->message_type())) return f;
  }
  return nullptr;
}

TypeSchema Build(const FieldDescriptor* payload_field) {
  TypeSchema s;
  s.type = EventTypeOfField(payload_field->name());
  s.payload = payload_field;
  const Descriptor* payload = payload_field->message_type();
  s.resource = ResourceOf(payload);
  if (s.resource == nullptr) return s;
  Builder b(&s);
  Scope top{"", {}, {payload}, false, true};
  b.AddMessage(payload, top, /*recurse=*/false);
  Scope resource{
      "", {s.resource}, {payload, s.resource->message_type()}, false, true};
  b.AddMessage(s.resource->message_type(), resource, /*recurse=*/true);
  b.AddMessage(payload, top, /*recurse=*/true);
  std::sort(s.listed.begin(), s.listed.end());
  return s;
}

// Every type of the catalog; built once, read without locks.
const std::map<std::string, TypeSchema>& Schemas() {
  static const auto* schemas = [] {
    auto* out = new std::map<std::string, TypeSchema>;
    const std::vector<std::string> catalog = EventCatalog();
    const google::protobuf::OneofDescriptor* oneof =
        v1::Event::descriptor()->FindOneofByName("payload");
    for (int i = 0; i < oneof->field_count(); ++i) {
      const std::string type = EventTypeOfField(oneof->field(i)->name());
      if (std::find(catalog.begin(), catalog.end(), type) != catalog.end()) {
        out->emplace(type, Build(oneof->field(i)));
      }
    }
    return out;
  }();
  return *schemas;
}

absl::StatusOr<const TypeSchema*> Find(absl::string_view type_field,
                                       absl::string_view type) {
  auto it = Schemas().find(std::string(type));
  if (it == Schemas().end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        type_field, ": \"", type,
        "\" is no event type; see the catalog in mops/v1/events.proto, e.g. "
        "\"task.created\""));
  }
  if (it->second.resource == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(type_field, ": ", type,
                     " events carry no resource (a task, an approval, ...) "
                     "for a condition to be about"));
  }
  return &it->second;
}

// The names to suggest for `unknown`: those under its first part when that
// is a message ("groups.tem"), else the top level with "NAME.*" for paths.
std::string Suggestions(const TypeSchema& s, absl::string_view unknown) {
  absl::ConsumePrefix(&unknown, absl::StrCat(s.resource->name(), "."));
  std::vector<std::string> out;
  const size_t dot = unknown.find('.');
  if (dot != absl::string_view::npos) {
    for (const std::string& name : s.listed) {
      if (absl::StartsWith(name, unknown.substr(0, dot + 1))) {
        out.push_back(name);
      }
    }
  }
  if (out.empty()) {
    for (const std::string& name : s.listed) {
      const size_t d = name.find('.');
      std::string top =
          d == std::string::npos ? name : name.substr(0, d) + ".*";
      if (out.empty() || out.back() != top) out.push_back(std::move(top));
    }
  }
  if (out.size() > kMaxListed) {
    out.resize(kMaxListed);
    out.push_back("...");
  }
  return absl::StrJoin(out, ", ");
}

// The parser's error under `field`; its list of every name would run long
// with the resource's paths, so an unknown name gets a shorter one.
absl::Status FilterError(const absl::Status& error, absl::string_view field,
                         const TypeSchema& s) {
  absl::string_view message = error.message();
  absl::ConsumePrefix(&message, "filter: ");
  absl::string_view rest = message;
  if (absl::ConsumePrefix(&rest, "unknown field \"")) {
    const size_t quote = rest.find('"');
    const size_t at = rest.rfind(" at position ");
    if (quote != absl::string_view::npos && at != absl::string_view::npos) {
      const absl::string_view name = rest.substr(0, quote);
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": unknown field \"", name, "\" for ", s.type, " events",
          rest.substr(at), " (fields: ", Suggestions(s, name), ")"));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

Value LeafValue(const Message& m, const FieldDescriptor* f, int i) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return Value::String(rep ? r->GetRepeatedString(m, f, i)
                               : r->GetString(m, f));
    case FieldDescriptor::CPPTYPE_ENUM:
      return Value::Int(rep ? r->GetRepeatedEnumValue(m, f, i)
                            : r->GetEnumValue(m, f));
    case FieldDescriptor::CPPTYPE_INT32:
      return Value::Int(rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return Value::Int(rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return Value::Int(rep ? r->GetRepeatedUInt32(m, f, i)
                            : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return Value::Int(static_cast<int64_t>(rep ? r->GetRepeatedUInt64(m, f, i)
                                                 : r->GetUInt64(m, f)));
    case FieldDescriptor::CPPTYPE_BOOL:
      return Value::String(
          (rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "true"
                                                                 : "false");
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Timestamp and Duration alike: seconds, nanos; as microseconds,
      // which is what ParseTimeLiteral gives.
      const Message& t =
          rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
      const Reflection* tr = t.GetReflection();
      const Descriptor* td = t.GetDescriptor();
      return Value::Int(tr->GetInt64(t, td->field(0)) * 1000000 +
                        tr->GetInt32(t, td->field(1)) / 1000);
    }
    default:
      return Value::Absent();
  }
}

// Appends the values at `a.path[step]` and below, across repeated messages.
void Collect(const Message& m, const Accessor& a, size_t step,
             absl::string_view key, std::vector<Value>* out) {
  const FieldDescriptor* f = a.path[step];
  const Reflection* r = m.GetReflection();
  const bool leaf = step + 1 == a.path.size();
  if (leaf && !a.map) {
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        out->push_back(LeafValue(m, f, i));
      }
    } else if (!f->has_presence() || r->HasField(m, f)) {
      out->push_back(LeafValue(m, f, -1));
    }
    return;
  }
  const int n = f->is_repeated() ? r->FieldSize(m, f) : r->HasField(m, f);
  for (int i = 0; i < n; ++i) {
    const Message& sub =
        f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
    if (!leaf) {
      Collect(sub, a, step + 1, key, out);
    } else if (sub.GetReflection()->GetString(
                   sub, f->message_type()->map_key()) == key) {
      out->push_back(LeafValue(sub, a.item, -1));
    }
  }
}

Value ValueOf(const TypeSchema& s, const Message& payload,
              const std::string& name) {
  auto it = s.fields.find(name);
  absl::string_view key;
  // A map's entry: the leftmost "NAME.*", as the parser resolved it.
  for (size_t dot = name.find('.');
       it == s.fields.end() && dot != std::string::npos;
       dot = name.find('.', dot + 1)) {
    it = s.fields.find(name.substr(0, dot) + ".*");
    key = absl::string_view(name).substr(dot + 1);
  }
  if (it == s.fields.end()) return Value::Absent();
  std::vector<Value> found;
  Collect(payload, it->second, 0, key, &found);
  if (it->second.list) {
    std::vector<std::string> items;
    for (const Value& v : found) items.push_back(Text(v));
    return Value::List(std::move(items));
  }
  return found.empty() ? Value::Absent() : std::move(found.front());
}

}  // namespace
}  // namespace event_condition_internal

using event_condition_internal::Find;
using event_condition_internal::TypeSchema;

absl::StatusOr<EventCondition> EventCondition::Compile(
    absl::string_view type_field, absl::string_view event_type,
    absl::string_view filter_field, absl::string_view filter) {
  absl::StatusOr<const TypeSchema*> schema = Find(type_field, event_type);
  if (!schema.ok()) return schema.status();
  absl::StatusOr<filter::Filter> f =
      filter::Filter::Parse(filter, (*schema)->schema);
  if (!f.ok()) {
    return event_condition_internal::FilterError(f.status(), filter_field,
                                                 **schema);
  }
  return EventCondition(*schema, *std::move(f));
}

const std::string& EventCondition::event_type() const { return schema_->type; }

bool EventCondition::Matches(const v1::Event& event) const {
  if (static_cast<int>(event.payload_case()) != schema_->payload->number()) {
    return false;
  }
  const google::protobuf::Message& payload =
      event.GetReflection()->GetMessage(event, schema_->payload);
  return filter_.Matches([&](const std::string& name) {
    return event_condition_internal::ValueOf(*schema_, payload, name);
  });
}

absl::StatusOr<std::vector<std::string>> EventConditionFields(
    absl::string_view event_type) {
  absl::StatusOr<const TypeSchema*> schema = Find("event_type", event_type);
  if (!schema.ok()) return schema.status();
  return (*schema)->listed;
}

}  // namespace mops::services

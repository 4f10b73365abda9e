#include "services/common/message_checks.h"

#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "mops/v1/options.pb.h"
#include "storage/status_macros.h"

namespace mops::services {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int32_t kMaxNanos = 999999999;

struct Plan;

// A field with something to check.
struct FieldPlan {
  enum class Shape : uint8_t { kSingular, kRepeated, kMap };
  const FieldDescriptor* field = nullptr;
  // Kept here: FieldDescriptor::is_map() costs a call_once.
  Shape shape = Shape::kSingular;
  // A message field (for a map: the entry type) whose type has checks.
  const Plan* message = nullptr;
  bool check_enum = false;
  // From (mops.v1.field); 0 is no limit.
  uint32_t max_bytes = 0;
  uint32_t max_items = 0;
  uint32_t max_item_bytes = 0;

  bool Empty() const {
    return message == nullptr && !check_enum && max_bytes == 0 &&
           max_items == 0 && max_item_bytes == 0;
  }
};

// What a message type needs.
struct Plan {
  enum class Kind { kMessage, kTimestamp, kDuration };
  Kind kind = Kind::kMessage;
  // kTimestamp and kDuration.
  const FieldDescriptor* seconds = nullptr;
  const FieldDescriptor* nanos = nullptr;
  // kMessage: the fields to visit, in declaration order.
  std::vector<FieldPlan> fields;
  // An option of the type that does not fit its field.
  absl::Status misapplied;
  // Whether a message of this type can break a rule at all.
  bool needed = false;
};

void Misapplied(const FieldDescriptor* f, absl::string_view rule,
                absl::string_view fits, absl::Status* status) {
  if (!status->ok()) return;
  *status = absl::InternalError(absl::StrCat(
      f->full_name(), ": (mops.v1.field).", rule, " applies only to ", fits));
}

// The checks a field needs by itself: its enum type and its options.
FieldPlan OwnChecks(const FieldDescriptor* f, absl::Status* misapplied) {
  FieldPlan fp;
  fp.field = f;
  fp.shape = f->is_map()        ? FieldPlan::Shape::kMap
             : f->is_repeated() ? FieldPlan::Shape::kRepeated
                                : FieldPlan::Shape::kSingular;
  fp.check_enum = f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM;
  if (!f->options().HasExtension(v1::field)) return fp;
  const v1::FieldRules& rules = f->options().GetExtension(v1::field);
  const bool is_string = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
  const bool map_of_strings =
      f->is_map() && f->message_type()->map_value()->cpp_type() ==
                         FieldDescriptor::CPPTYPE_STRING;
  if (rules.max_bytes() != 0 && (f->is_repeated() || !is_string)) {
    Misapplied(f, "max_bytes", "singular string and bytes fields", misapplied);
  }
  if (rules.max_items() != 0 && !f->is_repeated()) {
    Misapplied(f, "max_items", "repeated and map fields", misapplied);
  }
  if (rules.max_item_bytes() != 0 && !(f->is_repeated() && is_string) &&
      !map_of_strings) {
    Misapplied(f, "max_item_bytes",
               "repeated string and bytes fields and maps of them", misapplied);
  }
  fp.max_bytes = rules.max_bytes();
  fp.max_items = rules.max_items();
  fp.max_item_bytes = rules.max_item_bytes();
  return fp;
}

// Plans by descriptor, built on first sight of a type for it and every type
// it reaches, and never dropped: descriptors of the generated pool live as
// long as the process.
class PlanCache {
 public:
  const Plan& Get(const Descriptor* d) ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = plans_.find(d);
      if (it != plans_.end()) return *it->second;
    }
    absl::MutexLock lock(&mu_);
    if (!plans_.contains(d)) Build(d);
    return *plans_.at(d);
  }

 private:
  // Adds a plan for `root` and for every type it reaches that has none.
  void Build(const Descriptor* root) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds empty plans for `root` and what it reaches; returns the new types.
  std::vector<const Descriptor*> AddReachable(const Descriptor* root)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Needed(const Descriptor* d) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return plans_.at(d)->needed;
  }

  absl::Mutex mu_;
  absl::flat_hash_map<const Descriptor*, std::unique_ptr<Plan>> plans_
      ABSL_GUARDED_BY(mu_);
};

std::vector<const Descriptor*> PlanCache::AddReachable(const Descriptor* root) {
  std::vector<const Descriptor*> fresh;
  std::vector<const Descriptor*> stack = {root};
  while (!stack.empty()) {
    const Descriptor* d = stack.back();
    stack.pop_back();
    auto [it, inserted] = plans_.try_emplace(d, std::make_unique<Plan>());
    if (!inserted) continue;
    fresh.push_back(d);
    Plan& plan = *it->second;
    const bool timestamp = d->full_name() == "google.protobuf.Timestamp";
    if (timestamp || d->full_name() == "google.protobuf.Duration") {
      plan.kind = timestamp ? Plan::Kind::kTimestamp : Plan::Kind::kDuration;
      plan.seconds = d->FindFieldByName("seconds");
      plan.nanos = d->FindFieldByName("nanos");
      plan.needed = true;
      continue;
    }
    for (int i = 0; i < d->field_count(); ++i) {
      const Descriptor* sub = d->field(i)->message_type();
      if (sub != nullptr) stack.push_back(sub);
    }
  }
  return fresh;
}

void PlanCache::Build(const Descriptor* root) {
  const std::vector<const Descriptor*> fresh = AddReachable(root);
  // Each field's own checks; a type with any needs checking.
  for (const Descriptor* d : fresh) {
    Plan& plan = *plans_.at(d);
    if (plan.kind != Plan::Kind::kMessage) continue;
    for (int i = 0; i < d->field_count(); ++i) {
      plan.fields.push_back(OwnChecks(d->field(i), &plan.misapplied));
      if (!plan.fields.back().Empty()) plan.needed = true;
    }
    if (!plan.misapplied.ok()) plan.needed = true;
  }
  // So does a type with a field of a type that needs checking. Types may be
  // recursive, hence until nothing changes.
  for (bool changed = true; changed;) {
    changed = false;
    for (const Descriptor* d : fresh) {
      Plan& plan = *plans_.at(d);
      if (plan.needed) continue;
      for (int i = 0; i < d->field_count() && !plan.needed; ++i) {
        const Descriptor* sub = d->field(i)->message_type();
        plan.needed = sub != nullptr && Needed(sub);
      }
      changed = changed || plan.needed;
    }
  }
  // Link message fields to the plans of their types and keep only the fields
  // with something to check.
  for (const Descriptor* d : fresh) {
    Plan& plan = *plans_.at(d);
    std::vector<FieldPlan> kept;
    for (FieldPlan& fp : plan.fields) {
      const Descriptor* sub = fp.field->message_type();
      if (sub != nullptr && Needed(sub)) fp.message = plans_.at(sub).get();
      if (!fp.Empty()) kept.push_back(fp);
    }
    plan.fields = std::move(kept);
  }
}

// The plan for `d`. Plans never move or die, so each thread keeps the ones
// it has used and takes the lock only for a type it has not seen yet: this
// runs for every request.
const Plan& PlanFor(const Descriptor* d) {
  static PlanCache* const cache = new PlanCache;
  thread_local absl::flat_hash_map<const Descriptor*, const Plan*> seen;
  const Plan*& plan = seen[d];
  if (plan == nullptr) plan = &cache->Get(d);
  return *plan;
}

std::string FormatTimestamp(int64_t seconds, int32_t nanos) {
  return absl::FormatTime(
      "%E4Y-%m-%dT%H:%M:%E*SZ",
      absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos),
      absl::UTCTimeZone());
}

// As the JSON mapping writes a duration, "1.5s"; seconds and nanos of one
// sign.
std::string FormatDuration(int64_t seconds, int32_t nanos) {
  const bool negative = seconds < 0 || nanos < 0;
  const uint64_t abs_seconds = seconds < 0 ? 0 - static_cast<uint64_t>(seconds)
                                           : static_cast<uint64_t>(seconds);
  std::string out = absl::StrCat(negative ? "-" : "", abs_seconds);
  if (nanos != 0) {
    std::string fraction = absl::StrFormat("%09d", nanos < 0 ? -nanos : nanos);
    fraction.erase(fraction.find_last_not_of('0') + 1);
    absl::StrAppend(&out, ".", fraction);
  }
  return out + "s";
}

// Of a Timestamp or a Duration; without reflection for the generated types,
// which are what requests hold.
std::pair<int64_t, int32_t> SecondsAndNanos(const Message& m,
                                            const Plan& plan) {
  if (typeid(m) == typeid(google::protobuf::Timestamp)) {
    const auto& t = static_cast<const google::protobuf::Timestamp&>(m);
    return {t.seconds(), t.nanos()};
  }
  if (typeid(m) == typeid(google::protobuf::Duration)) {
    const auto& d = static_cast<const google::protobuf::Duration&>(m);
    return {d.seconds(), d.nanos()};
  }
  const Reflection* r = m.GetReflection();
  return {r->GetInt64(m, plan.seconds), r->GetInt32(m, plan.nanos)};
}

std::string MapKey(const Message& entry) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  const Reflection* r = entry.GetReflection();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return absl::StrCat("\"", absl::CHexEscape(r->GetString(entry, key)),
                          "\"");
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(r->GetInt32(entry, key));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(r->GetInt64(entry, key));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(r->GetUInt32(entry, key));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(r->GetUInt64(entry, key));
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(entry, key) ? "true" : "false";
    default:
      return "?";  // no other type can be a map key
  }
}

// One walk over one message. The path to the current field is kept as
// descriptors and positions and turned into text only for an error.
class Walker {
 public:
  // `m` has the type `plan` is for.
  absl::Status Value(const Message& m, const Plan& plan);

 private:
  struct Step {
    const FieldDescriptor* field;
    int index = -1;                  // an entry of a repeated field
    const Message* entry = nullptr;  // an entry of a map
  };

  absl::Status Fields(const Message& m, const Plan& plan);
  // `r` is m.GetReflection(), fetched once per message: for a generated
  // type each call runs a std::call_once.
  absl::Status Singular(const Message& m, const Reflection* r,
                        const FieldPlan& fp);
  absl::Status Repeated(const Message& m, const Reflection* r,
                        const FieldPlan& fp);
  absl::Status Map(const Message& m, const Reflection* r, const FieldPlan& fp);
  absl::Status Timestamp(const Message& m, const Plan& plan);
  absl::Status Duration(const Message& m, const Plan& plan);
  absl::Status Enum(int value, const FieldDescriptor* f) const;
  absl::Status Bytes(size_t size, uint32_t max) const;
  absl::Status Items(int count, uint32_t max) const;
  absl::Status Fail(absl::string_view what) const;

  absl::InlinedVector<Step, 8> path_;
};

absl::Status Walker::Value(const Message& m, const Plan& plan) {
  switch (plan.kind) {
    case Plan::Kind::kTimestamp:
      return Timestamp(m, plan);
    case Plan::Kind::kDuration:
      return Duration(m, plan);
    case Plan::Kind::kMessage:
      break;
  }
  return Fields(m, plan);
}

absl::Status Walker::Fields(const Message& m, const Plan& plan) {
  if (!plan.misapplied.ok()) return plan.misapplied;
  const Reflection* r = m.GetReflection();
  for (const FieldPlan& fp : plan.fields) {
    path_.push_back(Step{fp.field});
    absl::Status s;
    switch (fp.shape) {
      case FieldPlan::Shape::kSingular:
        s = Singular(m, r, fp);
        break;
      case FieldPlan::Shape::kRepeated:
        s = Repeated(m, r, fp);
        break;
      case FieldPlan::Shape::kMap:
        s = Map(m, r, fp);
        break;
    }
    path_.pop_back();
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Walker::Singular(const Message& m, const Reflection* r,
                              const FieldPlan& fp) {
  if (fp.check_enum) return Enum(r->GetEnumValue(m, fp.field), fp.field);
  if (fp.max_bytes != 0) {
    std::string scratch;
    return Bytes(r->GetStringReference(m, fp.field, &scratch).size(),
                 fp.max_bytes);
  }
  if (fp.message != nullptr && r->HasField(m, fp.field)) {
    return Value(r->GetMessage(m, fp.field), *fp.message);
  }
  return absl::OkStatus();
}

absl::Status Walker::Repeated(const Message& m, const Reflection* r,
                              const FieldPlan& fp) {
  const int n = r->FieldSize(m, fp.field);
  RETURN_IF_ERROR(Items(n, fp.max_items));
  const size_t at = path_.size() - 1;  // path_ may grow below: no reference
  std::string scratch;
  for (int i = 0; i < n; ++i) {
    path_[at].index = i;
    if (fp.check_enum) {
      RETURN_IF_ERROR(Enum(r->GetRepeatedEnumValue(m, fp.field, i), fp.field));
    } else if (fp.max_item_bytes != 0) {
      RETURN_IF_ERROR(
          Bytes(r->GetRepeatedStringReference(m, fp.field, i, &scratch).size(),
                fp.max_item_bytes));
    } else if (fp.message != nullptr) {
      RETURN_IF_ERROR(
          Value(r->GetRepeatedMessage(m, fp.field, i), *fp.message));
    } else {
      break;  // only the count to check
    }
  }
  return absl::OkStatus();
}

absl::Status Walker::Map(const Message& m, const Reflection* r,
                         const FieldPlan& fp) {
  const int n = r->FieldSize(m, fp.field);
  RETURN_IF_ERROR(Items(n, fp.max_items));
  if (fp.message == nullptr && fp.max_item_bytes == 0) return absl::OkStatus();
  // An entry's key is never an enum or a message, so the entry type's plan
  // can only be about the value.
  const FieldDescriptor* value = fp.field->message_type()->map_value();
  const FieldPlan* value_plan =
      fp.message != nullptr && !fp.message->fields.empty()
          ? &fp.message->fields.front()
          : nullptr;
  const size_t at = path_.size() - 1;
  std::string scratch;
  const Reflection* er = nullptr;  // every entry's
  for (int i = 0; i < n; ++i) {
    const Message& entry = r->GetRepeatedMessage(m, fp.field, i);
    path_[at].entry = &entry;
    if (er == nullptr) er = entry.GetReflection();
    if (fp.max_item_bytes != 0) {
      RETURN_IF_ERROR(
          Bytes(er->GetStringReference(entry, value, &scratch).size(),
                fp.max_item_bytes));
    }
    if (value_plan != nullptr) {
      RETURN_IF_ERROR(Singular(entry, er, *value_plan));
    }
  }
  return absl::OkStatus();
}

absl::Status Walker::Timestamp(const Message& m, const Plan& plan) {
  const auto [seconds, nanos] = SecondsAndNanos(m, plan);
  if (nanos < 0 || nanos > kMaxNanos) {
    return Fail(
        absl::StrCat("nanos ", nanos, " is outside [0, ", kMaxNanos, "]"));
  }
  if (seconds < kMinTimestampSeconds) {
    return Fail(absl::StrCat(FormatTimestamp(seconds, nanos), " is before ",
                             FormatTimestamp(kMinTimestampSeconds, 0)));
  }
  if (seconds > kMaxTimestampSeconds) {
    return Fail(absl::StrCat(FormatTimestamp(seconds, nanos), " is after ",
                             FormatTimestamp(kMaxTimestampSeconds, 0)));
  }
  return absl::OkStatus();
}

absl::Status Walker::Duration(const Message& m, const Plan& plan) {
  const auto [seconds, nanos] = SecondsAndNanos(m, plan);
  if (nanos < -kMaxNanos || nanos > kMaxNanos) {
    return Fail(absl::StrCat("nanos ", nanos, " is outside [-", kMaxNanos, ", ",
                             kMaxNanos, "]"));
  }
  if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
    return Fail(absl::StrCat("seconds ", seconds, " and nanos ", nanos,
                             " have different signs"));
  }
  if (seconds < 0 || nanos < 0) {
    return Fail(absl::StrCat(FormatDuration(seconds, nanos), " is negative"));
  }
  if (seconds > kMaxDurationSeconds ||
      (seconds == kMaxDurationSeconds && nanos > 0)) {
    return Fail(absl::StrCat(FormatDuration(seconds, nanos),
                             " is more than 10 years (", kMaxDurationSeconds,
                             "s)"));
  }
  return absl::OkStatus();
}

absl::Status Walker::Enum(int value, const FieldDescriptor* f) const {
  if (f->enum_type()->FindValueByNumber(value) != nullptr) {
    return absl::OkStatus();
  }
  return Fail(
      absl::StrCat(value, " is not a value of ", f->enum_type()->full_name()));
}

absl::Status Walker::Bytes(size_t size, uint32_t max) const {
  if (max == 0 || size <= max) return absl::OkStatus();
  return Fail(absl::StrCat(size, " bytes; at most ", max, " are allowed"));
}

absl::Status Walker::Items(int count, uint32_t max) const {
  if (max == 0 || static_cast<uint32_t>(count) <= max) {
    return absl::OkStatus();
  }
  return Fail(absl::StrCat(count, " items; at most ", max, " are allowed"));
}

absl::Status Walker::Fail(absl::string_view what) const {
  std::string path;
  for (const Step& step : path_) {
    if (!path.empty()) path += '.';
    path += step.field->name();
    if (step.index >= 0) absl::StrAppend(&path, "[", step.index, "]");
    if (step.entry != nullptr) {
      absl::StrAppend(&path, "[", MapKey(*step.entry), "]");
    }
  }
  if (path.empty()) return absl::InvalidArgumentError(what);
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

}  // namespace

absl::Status CheckMessage(const google::protobuf::Message& m) {
  const Plan& plan = PlanFor(m.GetDescriptor());
  if (!plan.needed) return absl::OkStatus();
  return Walker().Value(m, plan);
}

}  // namespace mops::services

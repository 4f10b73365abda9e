#include "services/common/event_filter.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "mops/v1/options.pb.h"
#include "services/common/events.h"

namespace mops::services {
namespace {

// The rule of the event's type. An event from before data format 3 has the
// payload `legacy`, whose field carries no rule: its type names the field
// ("token.created" is token_created), so old token events stay admins'.
// An event whose type the catalog lacks is for admins too.
const v1::EventRules& RulesOf(const v1::Event& e) {
  static const v1::EventRules* const kAdminOnly = [] {
    auto* rules = new v1::EventRules;
    rules->set_admin_only(true);
    return rules;
  }();
  const google::protobuf::Descriptor* event = v1::Event::descriptor();
  const google::protobuf::FieldDescriptor* field = nullptr;
  if (e.payload_case() == v1::Event::kLegacy ||
      e.payload_case() == v1::Event::PAYLOAD_NOT_SET) {
    std::string name = e.type();
    const size_t dot = name.find('.');
    if (dot != std::string::npos) name[dot] = '_';
    field = event->FindFieldByName(name);
    if (field == nullptr || field->containing_oneof() == nullptr) {
      return *kAdminOnly;
    }
  } else {
    field = event->FindFieldByNumber(e.payload_case());
  }
  return field->options().GetExtension(v1::event);
}

// "users/{id}/..." of the caller.
bool IsOwnersSubject(const Principal& p, absl::string_view subject) {
  return !p.user_id.empty() &&
         absl::StartsWith(subject, absl::StrCat("users/", p.user_id, "/"));
}

// Whether the field at `path` ("webhook.owner") of the event's payload
// names the caller ("users/{id}"). Singular message fields, then a string.
bool IsOwnerField(const Principal& p, const v1::Event& e,
                  absl::string_view path) {
  if (p.user_id.empty() || e.payload_case() == v1::Event::PAYLOAD_NOT_SET) {
    return false;
  }
  const google::protobuf::Message* m = &e;
  const google::protobuf::FieldDescriptor* field =
      v1::Event::descriptor()->FindFieldByNumber(e.payload_case());
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (field == nullptr ||
        field->cpp_type() !=
            google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return false;
    }
    m = &m->GetReflection()->GetMessage(*m, field);
    field = m->GetDescriptor()->FindFieldByName(std::string(part));
  }
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return false;
  }
  return m->GetReflection()->GetString(*m, field) == p.UserName();
}

}  // namespace

bool EventVisibleTo(const Principal& p, const v1::Event& e) {
  if (p.admin) return true;
  const v1::EventRules& rules = RulesOf(e);
  if (rules.admin_only()) return false;
  if (rules.owner_only()) return IsOwnersSubject(p, e.subject());
  if (!rules.owner_field().empty()) {
    return IsOwnerField(p, e, rules.owner_field());
  }
  return true;
}

absl::StatusOr<EventFilter> EventFilter::Parse(const v1::EventFilter& proto,
                                               absl::string_view field) {
  EventFilter f;
  const std::vector<std::string> catalog = EventCatalog();
  for (int i = 0; i < proto.types_size(); ++i) {
    const std::string& type = proto.types(i);
    bool known = false;
    if (absl::EndsWith(type, ".*")) {
      const std::string family = type.substr(0, type.size() - 1);
      known = std::any_of(catalog.begin(), catalog.end(), [&](const auto& t) {
        return absl::StartsWith(t, family);
      });
      if (known) f.families_.push_back(family);
    } else {
      known = std::find(catalog.begin(), catalog.end(), type) != catalog.end();
      if (known) f.types_.push_back(type);
    }
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".types[", i, "]: \"", type,
          "\" is no event type; see the catalog in mops/v1/events.proto, "
          "e.g. \"approval.decided\" or \"approval.*\""));
    }
  }
  for (int i = 0; i < proto.subjects_size(); ++i) {
    if (proto.subjects(i).empty() || proto.subjects(i) == "/") {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".subjects[", i,
                       "]: give a resource name (\"projects/q1\") or a prefix "
                       "(\"approvals/\")"));
    }
    f.subjects_.push_back(proto.subjects(i));
  }
  return f;
}

bool EventFilter::MatchesType(absl::string_view type) const {
  if (types_.empty() && families_.empty()) return true;
  return std::find(types_.begin(), types_.end(), type) != types_.end() ||
         std::any_of(families_.begin(), families_.end(),
                     [&](const auto& f) { return absl::StartsWith(type, f); });
}

bool EventFilter::Matches(const v1::Event& e) const {
  if (!MatchesType(e.type())) return false;
  if (subjects_.empty()) return true;
  const std::string& subject = e.subject();
  return std::any_of(subjects_.begin(), subjects_.end(), [&](const auto& s) {
    if (s.back() == '/') return absl::StartsWith(subject, s);
    return subject == s ||
           (absl::StartsWith(subject, s) && subject.size() > s.size() &&
            subject[s.size()] == '/');
  });
}

}  // namespace mops::services

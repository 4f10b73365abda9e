#include "services/common/events.h"

#include <utility>

#include "google/protobuf/descriptor.h"

namespace mops::services {
namespace {

const google::protobuf::OneofDescriptor* PayloadOneof() {
  static const google::protobuf::OneofDescriptor* oneof =
      v1::Event::descriptor()->FindOneofByName("payload");
  return oneof;
}

}  // namespace

std::string EventTypeOfField(absl::string_view payload_field) {
  std::string type(payload_field);
  const size_t underscore = type.find('_');
  if (underscore != std::string::npos) type[underscore] = '.';
  return type;
}

std::string EventTypeOf(const v1::Event& e) {
  if (e.payload_case() == v1::Event::PAYLOAD_NOT_SET) return "";
  const google::protobuf::FieldDescriptor* field =
      v1::Event::descriptor()->FindFieldByNumber(e.payload_case());
  return EventTypeOfField(field->name());
}

std::vector<std::string> EventCatalog() {
  std::vector<std::string> types;
  const google::protobuf::OneofDescriptor* oneof = PayloadOneof();
  for (int i = 0; i < oneof->field_count(); ++i) {
    if (oneof->field(i)->number() == v1::Event::kLegacyFieldNumber) continue;
    types.push_back(EventTypeOfField(oneof->field(i)->name()));
  }
  return types;
}

void Emit(storage::Txn& txn, const Principal& p, absl::string_view subject,
          v1::Event e) {
  e.set_type(EventTypeOf(e));
  e.set_subject(std::string(subject));
  p.Stamp(&e);
  txn.Emit(std::move(e));
}

void EmitReaction(storage::Txn& txn, const v1::Event& cause,
                  absl::string_view subject, v1::Event e) {
  e.set_type(EventTypeOf(e));
  e.set_subject(std::string(subject));
  e.set_actor(cause.actor());
  e.set_on_behalf_of(cause.on_behalf_of());
  txn.Emit(std::move(e));
}

}  // namespace mops::services

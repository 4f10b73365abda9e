#include "services/webhooks/payload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/time_util.h"
#include "services/identity/identity.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks {

std::string DeliveryBody(const v1::Event& e) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string data;
  // An Event always prints: its Any-free fields cannot fail.
  (void)google::protobuf::util::MessageToJsonString(e, &data, options);
  // The type is a catalog name ([a-z_.]), safe inside quotes as it is.
  return absl::StrCat(
      "{\"type\":\"", e.type(), "\",\"timestamp\":\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", FromProtoTime(e.time()),
                       absl::UTCTimeZone()),
      "\",\"data\":", data, "}");
}

absl::StatusOr<Audience> Audience::Of(const storage::Reader& reader,
                                      const v1::Webhook& w) {
  ASSIGN_OR_RETURN(EventFilter filter,
                   EventFilter::Parse(w.filter(), "filter"));
  const std::string owner_id = w.owner().substr(w.owner().find('/') + 1);
  ASSIGN_OR_RETURN(auto user, identity::SharedUser(reader, owner_id));
  if (user->state() != v1::User::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("its owner ", w.owner(), " is deactivated"));
  }
  Principal owner;
  owner.user_id = owner_id;
  owner.admin = user->admin();
  owner.kind = user->kind();
  return Audience(std::move(filter), std::move(owner));
}

}  // namespace mops::services::webhooks

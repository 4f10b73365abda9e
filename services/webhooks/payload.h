// What a webhook delivery sends and to whom it may: the request body per
// Standard Webhooks, and the owner's view of the feed.
#ifndef MOPS_SERVICES_WEBHOOKS_PAYLOAD_H_
#define MOPS_SERVICES_WEBHOOKS_PAYLOAD_H_

#include <string>

#include "absl/status/statusor.h"
#include "mops/v1/events.pb.h"
#include "mops/v1/webhooks.pb.h"
#include "services/common/event_filter.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::webhooks {

// {"type": "...", "timestamp": "...", "data": <the event in the protobuf
// JSON mapping, every field printed>}.
std::string DeliveryBody(const v1::Event& e);

// Which events a webhook sends: its filter, and what its owner may read.
class Audience {
 public:
  // NOT_FOUND when the owner is gone; FAILED_PRECONDITION when deactivated.
  static absl::StatusOr<Audience> Of(const storage::Reader& reader,
                                     const v1::Webhook& w);
  bool Wants(const v1::Event& e) const {
    return filter_.Matches(e) && EventVisibleTo(owner_, e);
  }

 private:
  Audience(EventFilter filter, Principal owner)
      : filter_(std::move(filter)), owner_(std::move(owner)) {}
  EventFilter filter_;
  Principal owner_;
};

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_PAYLOAD_H_

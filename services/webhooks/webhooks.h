// Webhooks: what the server wires. Subscriptions are kept by the commands
// of WebhookService (service.h); the Dispatcher (dispatcher.h) delivers.
#ifndef MOPS_SERVICES_WEBHOOKS_WEBHOOKS_H_
#define MOPS_SERVICES_WEBHOOKS_WEBHOOKS_H_

#include "absl/time/time.h"
#include "services/webhooks/rules.h"

namespace mops::services::webhooks {

struct WebhookOptions {
  // Deliver to loopback, private and link-local addresses too
  // (--webhook-allow-private-targets): for tests and closed networks.
  bool allow_private_targets = false;
  RetrySchedule schedule = RetrySchedule::Default();
  // No answer within this is a failed attempt (--webhook-timeout).
  absl::Duration timeout = absl::Seconds(15);
  // A webhook whose deliveries failed this long, without one success, is
  // disabled (--webhook-disable-after).
  absl::Duration disable_after = absl::Hours(24 * 5);
  // Deliveries in flight at once, over all webhooks (one per webhook).
  int workers = 4;
};

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_WEBHOOKS_H_

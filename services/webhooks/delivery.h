// One job of one lane (a webhook): its due retries, then new events, each
// POSTed and signed; what happened is recorded in one command (record.h).
#ifndef MOPS_SERVICES_WEBHOOKS_DELIVERY_H_
#define MOPS_SERVICES_WEBHOOKS_DELIVERY_H_

#include <atomic>
#include <string>

#include "absl/strings/string_view.h"
#include "services/webhooks/dispatcher.h"
#include "services/webhooks/http_client.h"
#include "services/webhooks/webhooks.h"
#include "storage/engine.h"

namespace mops::services::webhooks {

// Runs the job and returns the lane's state for the next one. Stops early
// (sending nothing more, recording what was sent) when `stopping` is set.
LaneState RunLane(storage::Engine& engine, const WebhookOptions& options,
                  HttpClient& http, absl::string_view id,
                  const LaneState& before, const std::atomic<bool>& stopping);

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_DELIVERY_H_

// WebhookService: subscriptions, their secrets, the delivery log and
// redelivery. Delivery itself is the Dispatcher's (dispatcher.h).
#ifndef MOPS_SERVICES_WEBHOOKS_SERVICE_H_
#define MOPS_SERVICES_WEBHOOKS_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/rpc.h"
#include "services/webhooks/webhooks.h"
#include "storage/engine.h"
#include "storage/key_spaces.h"

namespace mops::services::webhooks {

// `options` must outlive the service. `changed` runs after each of its
// commands that succeeded (the dispatcher reads the webhooks again).
absl::StatusOr<std::unique_ptr<grpc::Service>> BindWebhookService(
    const Authenticator& auth, storage::Engine& engine,
    const WebhookOptions& options, std::function<void()> changed);

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_SERVICE_H_

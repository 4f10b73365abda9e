#include "services/webhooks/service.h"

#include <utility>

#include "mops/v1/webhooks.grpc.pb.h"
#include "services/common/binder.h"
#include "services/webhooks/commands/commands.h"
#include "services/webhooks/keys.h"
#include "services/webhooks/queries.h"

namespace mops::services::webhooks {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindWebhookService(
    const Authenticator& auth, storage::Engine& engine,
    const WebhookOptions& options, std::function<void()> changed) {
  return Binder("mops.v1.WebhookService", auth, engine)
      .Query<queries::GetWebhook>("GetWebhook")
      .Query<queries::ListWebhooks>("ListWebhooks")
      .Query<queries::ListWebhookDeliveries>("ListWebhookDeliveries")
      .Command("CreateWebhook", commands::CreateWebhook{&options})
      .Command("UpdateWebhook", commands::UpdateWebhook{&options})
      .Command<commands::DeleteWebhook>("DeleteWebhook")
      .Command<commands::RotateWebhookSecret>("RotateWebhookSecret")
      .Command<commands::RedeliverWebhook>("RedeliverWebhook")
      .AfterCommit(std::move(changed))
      .Finish();
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

}  // namespace mops::services::webhooks

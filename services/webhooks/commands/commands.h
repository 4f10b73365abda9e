// The write RPCs of webhooks, one command each (the pattern is in
// services/common/binder.h); each is defined in its own file here.
#ifndef MOPS_SERVICES_WEBHOOKS_COMMANDS_COMMANDS_H_
#define MOPS_SERVICES_WEBHOOKS_COMMANDS_COMMANDS_H_

#include "mops/v1/webhooks.pb.h"
#include "services/common/command.h"
#include "services/webhooks/webhooks.h"

namespace mops::services::webhooks::commands {

// The URL checks depend on the server's --webhook-allow-private-targets.
#define MOPS_DECLARE_WEBHOOK_COMMAND(Name, RequestType, ResponseType) \
  struct Name {                                                       \
    using Request = RequestType;                                      \
    using Response = ResponseType;                                    \
    const WebhookOptions* options = nullptr;                          \
    absl::Status Validate(const Request& req) const;                  \
    absl::Status Apply(storage::Txn& txn, const Principal& p,         \
                       const Request& req, Response* out) const;      \
  }

MOPS_DECLARE_WEBHOOK_COMMAND(CreateWebhook, v1::CreateWebhookRequest,
                             v1::CreateWebhookResponse);
MOPS_DECLARE_WEBHOOK_COMMAND(UpdateWebhook, v1::UpdateWebhookRequest,
                             v1::Webhook);
MOPS_DECLARE_COMMAND(DeleteWebhook, v1::DeleteWebhookRequest,
                     v1::DeleteWebhookResponse);
MOPS_DECLARE_COMMAND(RotateWebhookSecret, v1::RotateWebhookSecretRequest,
                     v1::RotateWebhookSecretResponse);
MOPS_DECLARE_COMMAND(RedeliverWebhook, v1::RedeliverWebhookRequest,
                     v1::RedeliverWebhookResponse);

#undef MOPS_DECLARE_WEBHOOK_COMMAND

// Checks one settable field of a webhook ("url", "filter", "description",
// "state"), naming it as webhook.<path>. In fields.cc.
absl::Status CheckField(absl::string_view path, const v1::Webhook& w,
                        const WebhookOptions& options);

}  // namespace mops::services::webhooks::commands

#endif  // MOPS_SERVICES_WEBHOOKS_COMMANDS_COMMANDS_H_

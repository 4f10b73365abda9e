#include "absl/strings/str_cat.h"
#include "services/common/event_filter.h"
#include "services/common/validation.h"
#include "services/webhooks/commands/commands.h"
#include "services/webhooks/targets.h"

namespace mops::services::webhooks::commands {

absl::Status CheckField(absl::string_view path, const v1::Webhook& w,
                        const WebhookOptions& options) {
  if (path == "url") {
    return ValidateUrl("webhook.url", w.url(), options.allow_private_targets);
  }
  if (path == "filter") {
    return EventFilter::Parse(w.filter(), "webhook.filter").status();
  }
  if (path == "description") {
    return ValidateLength("webhook.description", w.description(), 1000);
  }
  if (path == "state") {
    if (w.state() == v1::Webhook::STATE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          "webhook.state: must be ENABLED or DISABLED");
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("webhook.", path, " cannot be set"));
}

}  // namespace mops::services::webhooks::commands

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/webhooks/commands/commands.h"
#include "services/webhooks/signing.h"
#include "services/webhooks/state.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks::commands {

using storage::Txn;

absl::Status RotateWebhookSecret::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("name", req.name(), "webhooks/*").status());
  if (req.has_overlap() && FromProtoDuration(req.overlap()) > kMaxOverlap) {
    return absl::InvalidArgumentError(
        "overlap: at most 7 days (168h); the default is 24h");
  }
  return absl::OkStatus();
}

// The old secret keeps signing for the overlap, so that receivers can
// switch without losing a delivery: each carries a signature with both.
absl::Status RotateWebhookSecret::Apply(Txn& txn, const Principal& p,
                                        const Request& req,
                                        Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "webhooks/*"));
  ASSIGN_OR_RETURN(WebhookRecord r, LoadWebhook(txn, p, id));
  const absl::Duration overlap =
      req.has_overlap() ? FromProtoDuration(req.overlap()) : kDefaultOverlap;
  v1::Webhook* w = r.mutable_webhook();
  if (overlap > absl::ZeroDuration()) {
    r.set_previous_secret(r.secret());
    *w->mutable_previous_secret_expire_time() =
        ToProtoTime(txn.Now() + overlap);
  } else {
    r.clear_previous_secret();
    w->clear_previous_secret_expire_time();
  }
  r.set_secret(GenerateSecret());
  SaveWebhook(txn, id, &r, /*created=*/false);
  ASSIGN_OR_RETURN(WebhookProgress progress, LoadProgress(txn, id));
  v1::Event e;
  *e.mutable_webhook_secret_rotated()->mutable_webhook() = *w;
  Emit(txn, p, w->name(), std::move(e));
  *out->mutable_webhook() = ToApi(r, progress);
  out->set_secret(r.secret());
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks::commands

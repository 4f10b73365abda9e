#include <string>
#include <utility>
#include <vector>

#include "services/common/events.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "services/webhooks/commands/commands.h"
#include "services/webhooks/state.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks::commands {

using storage::Txn;

namespace {

constexpr absl::string_view kUpdatable[] = {"url", "filter", "description",
                                            "state"};

void SetPath(const std::string& path, const v1::Webhook& in, v1::Webhook* w) {
  if (path == "url") {
    w->set_url(in.url());
  } else if (path == "filter") {
    *w->mutable_filter() = in.filter();
  } else if (path == "description") {
    w->set_description(in.description());
  } else if (path == "state") {
    w->set_state(in.state());
  }
}

// A person turned the webhook on or off: off drops what waits for a retry,
// on starts at the head of the feed with a clean slate.
absl::Status ChangeState(Txn& txn, absl::string_view id, v1::Webhook* w,
                         WebhookProgress* progress) {
  w->clear_disabled_reason();
  if (w->state() == v1::Webhook::DISABLED) {
    return DeleteAllPending(txn, id, progress);
  }
  progress->set_delivered_revision(txn.revision());
  progress->set_epoch(txn.revision());  // never a value used before
  progress->clear_failing_since();
  return absl::OkStatus();
}

}  // namespace

absl::Status UpdateWebhook::Validate(const Request& req) const {
  RETURN_IF_ERROR(
      ParseId("webhook.name", req.webhook().name(), "webhooks/*").status());
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), req.webhook(), kUpdatable));
  for (const std::string& path : paths) {
    RETURN_IF_ERROR(CheckField(path, req.webhook(), *options));
  }
  return absl::OkStatus();
}

absl::Status UpdateWebhook::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("webhook.name", req.webhook().name(), "webhooks/*"));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), req.webhook(), kUpdatable));
  ASSIGN_OR_RETURN(WebhookRecord r, LoadWebhook(txn, p, id));
  v1::Webhook* w = r.mutable_webhook();
  RETURN_IF_ERROR(CheckEtag(req.webhook().etag(), w->etag(), w->name()));
  ASSIGN_OR_RETURN(WebhookProgress progress, LoadProgress(txn, id));
  const v1::Webhook::State before = w->state();
  for (const std::string& path : paths) SetPath(path, req.webhook(), w);
  if (w->state() != before) {
    RETURN_IF_ERROR(ChangeState(txn, id, w, &progress));
    SaveProgress(txn, id, progress);
  }
  SaveWebhook(txn, id, &r, /*created=*/false);
  v1::Event e;
  *e.mutable_webhook_updated()->mutable_webhook() = *w;
  for (const std::string& path : paths) {
    e.mutable_webhook_updated()->add_fields(path);
  }
  Emit(txn, p, w->name(), std::move(e));
  *out = ToApi(r, progress);
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks::commands

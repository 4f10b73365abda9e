#include <string>
#include <utility>
#include <vector>

#include "services/common/events.h"
#include "services/common/validation.h"
#include "services/webhooks/commands/commands.h"
#include "services/webhooks/keys.h"
#include "services/webhooks/state.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks::commands {

using storage::Cf;
using storage::Txn;

absl::Status DeleteWebhook::Validate(const Request& req) const {
  return ParseId("name", req.name(), "webhooks/*").status();
}

// The webhook goes with its progress, its pending deliveries and its log
// (at most kDeliveryLogSize rows: one command holds them).
absl::Status DeleteWebhook::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response*) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "webhooks/*"));
  ASSIGN_OR_RETURN(WebhookRecord r, LoadWebhook(txn, p, id));
  RETURN_IF_ERROR(CheckEtag(req.etag(), r.webhook().etag(), req.name()));
  ASSIGN_OR_RETURN(WebhookProgress progress, LoadProgress(txn, id));
  RETURN_IF_ERROR(DeleteAllPending(txn, id, &progress));
  std::vector<std::string> log;
  RETURN_IF_ERROR(txn.Scan(Cf::kRecords, keys::DeliveryPrefix(id), "",
                           [&](absl::string_view key, absl::string_view) {
                             log.emplace_back(key);
                             return true;
                           }));
  for (const std::string& key : log) txn.Delete(Cf::kRecords, key);
  txn.Delete(Cf::kRecords, keys::Progress(id));
  txn.Delete(Cf::kRecords, keys::Webhook(id));
  v1::Event e;
  *e.mutable_webhook_deleted()->mutable_webhook() = r.webhook();
  Emit(txn, p, r.webhook().name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks::commands

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/webhooks/keys.h"
#include "services/webhooks/state.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks {

using storage::Cf;
using storage::Reader;
using storage::Txn;

std::string WebhookName(absl::string_view id) {
  return absl::StrCat("webhooks/", id);
}

absl::StatusOr<std::optional<WebhookRecord>> FindWebhook(const Reader& reader,
                                                         absl::string_view id) {
  WebhookRecord r;
  ASSIGN_OR_RETURN(bool found,
                   reader.GetProto(Cf::kRecords, keys::Webhook(id), &r));
  if (!found) return std::nullopt;
  return r;
}

absl::StatusOr<WebhookRecord> LoadWebhook(const Reader& reader,
                                          const Principal& p,
                                          absl::string_view id) {
  ASSIGN_OR_RETURN(std::optional<WebhookRecord> r, FindWebhook(reader, id));
  if (!r || (!p.admin && r->webhook().owner() != p.UserName())) {
    return absl::NotFoundError(
        absl::StrCat("webhook \"", WebhookName(id), "\" not found"));
  }
  return *std::move(r);
}

void SaveWebhook(Txn& txn, absl::string_view id, WebhookRecord* r,
                 bool created) {
  v1::Webhook* w = r->mutable_webhook();
  w->set_etag(EtagOf(txn.revision()));
  if (created) *w->mutable_create_time() = ToProtoTime(txn.Now());
  *w->mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Webhook(id), *r);
}

absl::StatusOr<WebhookProgress> LoadProgress(const Reader& reader,
                                             absl::string_view id) {
  WebhookProgress progress;
  RETURN_IF_ERROR(
      reader.GetProto(Cf::kRecords, keys::Progress(id), &progress).status());
  return progress;
}

void SaveProgress(Txn& txn, absl::string_view id,
                  const WebhookProgress& progress) {
  txn.PutProto(Cf::kRecords, keys::Progress(id), progress);
}

v1::Webhook ToApi(const WebhookRecord& r, const WebhookProgress& progress) {
  v1::Webhook w = r.webhook();
  w.set_delivered_revision(progress.delivered_revision());
  if (progress.has_failing_since()) {
    *w.mutable_failing_since() = progress.failing_since();
  }
  if (progress.has_last_success_time()) {
    *w.mutable_last_success_time() = progress.last_success_time();
  }
  w.set_pending_deliveries(progress.pending());
  return w;
}

void AppendDelivery(Txn& txn, absl::string_view id, v1::WebhookDelivery d,
                    WebhookProgress* progress) {
  const uint64_t n = std::max<uint64_t>(progress->next_attempt(), 1);
  d.set_name(absl::StrCat(WebhookName(id), "/deliveries/", n));
  txn.PutProto(Cf::kRecords, keys::Delivery(id, n), d);
  progress->set_next_attempt(n + 1);
  uint64_t first = std::max<uint64_t>(progress->first_attempt(), 1);
  // The log never holds more than kDeliveryLogSize: one in, one out.
  for (; n + 1 - first > kDeliveryLogSize; ++first) {
    txn.Delete(Cf::kRecords, keys::Delivery(id, first));
  }
  progress->set_first_attempt(first);
}

void PutPending(Txn& txn, absl::string_view id, absl::Time due,
                const WebhookPending& pending, WebhookProgress* progress) {
  txn.PutProto(Cf::kRecords,
               keys::Pending(id, due, pending.event_revision(),
                             pending.event_index(), txn.revision()),
               pending);
  progress->set_pending(progress->pending() + 1);
}

absl::Status DeletePending(Txn& txn, absl::string_view key,
                           WebhookProgress* progress) {
  ASSIGN_OR_RETURN(std::optional<std::string> row, txn.Get(Cf::kRecords, key));
  if (!row) return absl::OkStatus();
  txn.Delete(Cf::kRecords, key);
  progress->set_pending(std::max<int64_t>(progress->pending() - 1, 0));
  return absl::OkStatus();
}

absl::Status DeleteAllPending(Txn& txn, absl::string_view id,
                              WebhookProgress* progress) {
  std::vector<std::string> rows;
  RETURN_IF_ERROR(txn.Scan(Cf::kRecords, keys::PendingPrefix(id), "",
                           [&](absl::string_view key, absl::string_view) {
                             rows.emplace_back(key);
                             return true;
                           }));
  for (const std::string& key : rows) txn.Delete(Cf::kRecords, key);
  progress->set_pending(0);
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks

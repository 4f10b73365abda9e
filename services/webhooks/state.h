// Load and save of webhooks, their progress, pending deliveries and the
// delivery log. Webhooks' own; other domains use webhooks.h.
#ifndef MOPS_SERVICES_WEBHOOKS_STATE_H_
#define MOPS_SERVICES_WEBHOOKS_STATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/webhooks.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::webhooks {

// Most webhooks one user may own; admins too.
inline constexpr int kMaxWebhooksPerOwner = 100;
// The delivery log keeps this many attempts per webhook, the newest.
inline constexpr uint64_t kDeliveryLogSize = 10000;
// How long a rotated-out secret keeps signing, by default and at most.
inline constexpr absl::Duration kDefaultOverlap = absl::Hours(24);
inline constexpr absl::Duration kMaxOverlap = absl::Hours(24 * 7);

using WebhookRecord = mops::internal::v1::WebhookRecord;
using WebhookProgress = mops::internal::v1::WebhookProgress;
using WebhookPending = mops::internal::v1::WebhookPending;

// "webhooks/{id}".
std::string WebhookName(absl::string_view id);

// NOT_FOUND naming the webhook when it is absent or `p` may not see it
// (only admins and the owner do: to others it does not exist).
absl::StatusOr<WebhookRecord> LoadWebhook(const storage::Reader& reader,
                                          const Principal& p,
                                          absl::string_view id);
// The same without the check, for the dispatcher; nullopt when absent.
absl::StatusOr<std::optional<WebhookRecord>> FindWebhook(
    const storage::Reader& reader, absl::string_view id);
// Sets etag and times, and writes it.
void SaveWebhook(storage::Txn& txn, absl::string_view id, WebhookRecord* r,
                 bool created);

absl::StatusOr<WebhookProgress> LoadProgress(const storage::Reader& reader,
                                             absl::string_view id);
void SaveProgress(storage::Txn& txn, absl::string_view id,
                  const WebhookProgress& progress);

// The webhook as the API shows it: its record with the progress's output
// fields, never a secret.
v1::Webhook ToApi(const WebhookRecord& r, const WebhookProgress& progress);

// Appends `d` (its name set here) to the log, dropping the oldest attempt
// past kDeliveryLogSize; updates `progress` (save it after).
void AppendDelivery(storage::Txn& txn, absl::string_view id,
                    v1::WebhookDelivery d, WebhookProgress* progress);

// Adds a pending delivery due at `due`; updates `progress`.
void PutPending(storage::Txn& txn, absl::string_view id, absl::Time due,
                const WebhookPending& pending, WebhookProgress* progress);
// Deletes the pending row `key`, when it is there; updates `progress`.
absl::Status DeletePending(storage::Txn& txn, absl::string_view key,
                           WebhookProgress* progress);
// Every pending row of `id`; updates `progress`.
absl::Status DeleteAllPending(storage::Txn& txn, absl::string_view id,
                              WebhookProgress* progress);

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_STATE_H_

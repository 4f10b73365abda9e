// Webhooks' key spaces. Registered with storage by RegisterKeySpaces; every
// webhook key is built here.
#ifndef MOPS_SERVICES_WEBHOOKS_KEYS_H_
#define MOPS_SERVICES_WEBHOOKS_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::webhooks::keys {

// webhook -> WebhookRecord
inline constexpr storage::KeySpace kWebhook{0x20, "webhook",
                                            storage::Cf::kRecords};
// webhook -> WebhookProgress
inline constexpr storage::KeySpace kProgress{0x21, "webhook progress",
                                             storage::Cf::kRecords};
// webhook, ~attempt number -> WebhookDelivery (newest first)
inline constexpr storage::KeySpace kDelivery{0x22, "webhook delivery",
                                             storage::Cf::kRecords,
                                             storage::HeadShape::kFirstString};
// webhook, due time, revision, index, revision that queued it ->
// WebhookPending. The last part keeps a row queued again for the same event
// and time (a redelivery) apart from the one a job is about to delete.
inline constexpr storage::KeySpace kPending{0x23, "webhook pending delivery",
                                            storage::Cf::kRecords,
                                            storage::HeadShape::kFirstString};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

std::string Webhook(absl::string_view id);
std::string WebhookPrefix();
std::string Progress(absl::string_view id);
std::string Delivery(absl::string_view id, uint64_t attempt);
std::string DeliveryPrefix(absl::string_view id);
std::string Pending(absl::string_view id, absl::Time due, uint64_t revision,
                    uint32_t index, uint64_t queued_at);
std::string PendingPrefix(absl::string_view id);
// The first key of `id`'s pending rows due after `t`: a scan from the
// prefix up to it finds the ones due by `t`.
std::string PendingAfter(absl::string_view id, absl::Time t);
// The due time of a Pending key; InfinitePast when it does not parse.
absl::Time DueOfPending(absl::string_view key);

}  // namespace mops::services::webhooks::keys

#endif  // MOPS_SERVICES_WEBHOOKS_KEYS_H_

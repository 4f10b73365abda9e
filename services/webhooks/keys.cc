#include "services/webhooks/keys.h"

namespace mops::services::webhooks::keys {

using storage::KeyBuilder;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  registry.Add(kWebhook);
  registry.Add(kProgress);
  registry.Add(kDelivery);
  registry.Add(kPending);
}

std::string Webhook(absl::string_view id) {
  return KeyBuilder(kWebhook).Str(id).Build();
}
std::string WebhookPrefix() { return KeyBuilder(kWebhook).Build(); }

std::string Progress(absl::string_view id) {
  return KeyBuilder(kProgress).Str(id).Build();
}

std::string Delivery(absl::string_view id, uint64_t attempt) {
  // Complemented: a scan from the prefix reads the newest first.
  return KeyBuilder(kDelivery).Str(id).U64(~attempt).Build();
}
std::string DeliveryPrefix(absl::string_view id) {
  return KeyBuilder(kDelivery).Str(id).Build();
}

std::string Pending(absl::string_view id, absl::Time due, uint64_t revision,
                    uint32_t index, uint64_t queued_at) {
  return KeyBuilder(kPending)
      .Str(id)
      .I64(absl::ToUnixMicros(due))
      .U64(revision)
      .U32(index)
      .U64(queued_at)
      .Build();
}
std::string PendingPrefix(absl::string_view id) {
  return KeyBuilder(kPending).Str(id).Build();
}
std::string PendingAfter(absl::string_view id, absl::Time t) {
  return KeyBuilder(kPending).Str(id).I64(absl::ToUnixMicros(t) + 1).Build();
}

absl::Time DueOfPending(absl::string_view key) {
  storage::KeyReader r(key);
  if (!r.In(kPending) || !r.SkipStr()) return absl::InfinitePast();
  std::optional<int64_t> micros = r.I64();
  return micros ? absl::FromUnixMicros(*micros) : absl::InfinitePast();
}

}  // namespace mops::services::webhooks::keys

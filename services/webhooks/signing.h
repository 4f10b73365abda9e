// Standard Webhooks (https://www.standardwebhooks.com): secrets, message
// ids and the webhook-signature header. Pure functions.
#ifndef MOPS_SERVICES_WEBHOOKS_SIGNING_H_
#define MOPS_SERVICES_WEBHOOKS_SIGNING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mops::services::webhooks {

inline constexpr char kSecretPrefix[] = "whsec_";

// "whsec_" and the base64 of 32 random bytes.
std::string GenerateSecret();

// The HMAC key of a secret: its base64 part, decoded. INVALID_ARGUMENT for
// anything that is not "whsec_<base64>".
absl::StatusOr<std::string> SecretKey(absl::string_view secret);

// "v1," and the base64 HMAC-SHA256, under `key`, of "{id}.{timestamp}.{body}".
std::string Sign(absl::string_view key, absl::string_view message_id,
                 int64_t timestamp, absl::string_view body);

// The webhook-signature header: one signature per key, space-separated.
std::string SignatureHeader(const std::vector<std::string>& keys,
                            absl::string_view message_id, int64_t timestamp,
                            absl::string_view body);

// The webhook-id of an event: "evt_{revision}_{index}", the same for every
// attempt and redelivery.
std::string MessageId(uint64_t revision, uint32_t index);
// INVALID_ARGUMENT naming `field` when `id` is not one.
absl::StatusOr<std::pair<uint64_t, uint32_t>> ParseMessageId(
    absl::string_view field, absl::string_view id);

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_SIGNING_H_

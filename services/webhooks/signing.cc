#include "services/webhooks/signing.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto.h"

namespace mops::services::webhooks {

std::string GenerateSecret() {
  return absl::StrCat(kSecretPrefix, absl::Base64Escape(RandomBytes(32)));
}

absl::StatusOr<std::string> SecretKey(absl::string_view secret) {
  std::string key;
  if (!absl::ConsumePrefix(&secret, kSecretPrefix) || secret.empty() ||
      !absl::Base64Unescape(secret, &key) || key.empty()) {
    return absl::InvalidArgumentError(
        "a webhook secret is \"whsec_\" followed by base64");
  }
  return key;
}

std::string Sign(absl::string_view key, absl::string_view message_id,
                 int64_t timestamp, absl::string_view body) {
  const std::string content =
      absl::StrCat(message_id, ".", timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(),
       mac, &size);
  return absl::StrCat("v1,", absl::Base64Escape(absl::string_view(
                                 reinterpret_cast<const char*>(mac), size)));
}

std::string SignatureHeader(const std::vector<std::string>& keys,
                            absl::string_view message_id, int64_t timestamp,
                            absl::string_view body) {
  std::vector<std::string> signatures;
  signatures.reserve(keys.size());
  for (const std::string& key : keys) {
    signatures.push_back(Sign(key, message_id, timestamp, body));
  }
  return absl::StrJoin(signatures, " ");
}

std::string MessageId(uint64_t revision, uint32_t index) {
  return absl::StrCat("evt_", revision, "_", index);
}

absl::StatusOr<std::pair<uint64_t, uint32_t>> ParseMessageId(
    absl::string_view field, absl::string_view id) {
  absl::string_view rest = id;
  std::vector<absl::string_view> parts;
  if (absl::ConsumePrefix(&rest, "evt_")) parts = absl::StrSplit(rest, '_');
  uint64_t revision = 0;
  uint32_t index = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &revision) ||
      !absl::SimpleAtoi(parts[1], &index) || revision == 0 ||
      MessageId(revision, index) != id) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", id,
                     "\" is not a webhook message id such as evt_1200_0"));
  }
  return std::make_pair(revision, index);
}

}  // namespace mops::services::webhooks

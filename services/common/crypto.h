// Randomness and hashing for tokens and request fingerprints (OpenSSL).
#ifndef MOPS_SERVICES_COMMON_CRYPTO_H_
#define MOPS_SERVICES_COMMON_CRYPTO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace mops::services {

// n cryptographically random bytes.
std::string RandomBytes(size_t n);
// Raw 32-byte SHA-256 digest.
std::string Sha256(absl::string_view data);
// Lowercase hex.
std::string HexEncode(absl::string_view bytes);
// Compares in time that does not depend on where the inputs differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_CRYPTO_H_

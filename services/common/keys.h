// The key spaces of services/common: the request log (request_id replay,
// request_log.h). Registered with storage by RegisterKeySpaces.
#ifndef MOPS_SERVICES_COMMON_KEYS_H_
#define MOPS_SERVICES_COMMON_KEYS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::keys {

// principal, method, request id
inline constexpr storage::KeySpace kRequest{
    0x15, "request", storage::Cf::kRecords, storage::HeadShape::kFirstString};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

std::string Request(absl::string_view principal, absl::string_view method,
                    absl::string_view request_id);
std::string RequestPrefix();

}  // namespace mops::services::keys

#endif  // MOPS_SERVICES_COMMON_KEYS_H_

// Server-chosen resource ids.
#ifndef MOPS_SERVICES_COMMON_IDS_H_
#define MOPS_SERVICES_COMMON_IDS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/engine.h"

namespace mops::services {

// `prefix` and 15 hex digits (60 random bits; the letter keeps it a valid
// id), drawn again in the unlikely case that `key_of(id)` exists in `cf`.
absl::StatusOr<std::string> FreshId(
    const storage::Reader& reader, storage::Cf cf, char prefix,
    const std::function<std::string(const std::string& id)>& key_of);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_IDS_H_

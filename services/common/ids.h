// Server-chosen resource ids.
#ifndef MOPS_SERVICES_COMMON_IDS_H_
#define MOPS_SERVICES_COMMON_IDS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/engine.h"

namespace mops::services {

// `prefix` (a letter keeps it a valid id) and 15 hex digits: 11 of the
// creation time in milliseconds, then 4 random. Ids sort by creation, so a
// new record's key lands at the end of its range, next to the last one
// written: the memtable inserts it without a search from the top (see
// Engine::Commit). Drawn again in the unlikely case that `key_of(id)`
// exists in `cf` (same millisecond and same draw). Ids are not secrets.
absl::StatusOr<std::string> FreshId(
    const storage::Reader& reader, storage::Cf cf, char prefix,
    const std::function<std::string(const std::string& id)>& key_of);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_IDS_H_

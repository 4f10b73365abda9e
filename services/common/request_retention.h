// request_id records do not stay for ever: a retry within the retention
// gets the first answer; after it, the same request_id is a new request.
#ifndef MOPS_SERVICES_COMMON_REQUEST_RETENTION_H_
#define MOPS_SERVICES_COMMON_REQUEST_RETENTION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/engine.h"

namespace mops::services {

// Deletes the request records answered before `older_than`, reading at most
// `max_rows` of them after *cursor (the key the last call stopped at; empty:
// from the start, and set empty again at the end, so that calls go round),
// in commands of at most 1000 deletions each (so writers wait for one small
// command at a time). A record from before records had a time gets the
// current one, and goes a retention later. Returns how many were deleted.
absl::StatusOr<int64_t> ExpireRequests(storage::Engine& engine,
                                       absl::Time older_than,
                                       std::string* cursor,
                                       size_t max_rows = 100000);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_REQUEST_RETENTION_H_

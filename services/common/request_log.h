// request_id handling (DESIGN.md section 5): a retried Create or custom
// method returns its first answer and changes nothing. Used inside commands,
// so the lookup and the record are serialized with the change itself.
#ifndef MOPS_SERVICES_COMMON_REQUEST_LOG_H_
#define MOPS_SERVICES_COMMON_REQUEST_LOG_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services {

// When `request_id` was seen before from this caller for `method`, parses
// the first answer into *response and returns true. A reused request_id with
// a different request is FAILED_PRECONDITION.
absl::StatusOr<bool> ReplayRequest(storage::Txn& txn,
                                   const Principal& principal,
                                   absl::string_view method,
                                   absl::string_view request_id,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message* response);

// Remembers the answer to a request that carried `request_id` (no-op when
// it is empty).
void RememberRequest(storage::Txn& txn, const Principal& principal,
                     absl::string_view method, absl::string_view request_id,
                     const google::protobuf::Message& request,
                     const google::protobuf::Message& response);

absl::Status ValidateRequestId(absl::string_view request_id);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_REQUEST_LOG_H_

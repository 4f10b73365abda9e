// update_mask (AIP-134), the same for every Update method.
#ifndef MOPS_SERVICES_COMMON_UPDATE_MASK_H_
#define MOPS_SERVICES_COMMON_UPDATE_MASK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace mops::services {

// The fields an Update changes, of `updatable` (top-level fields of
// `resource`, the request's resource):
//  - an empty mask: every updatable field set in `resource` (a scalar other
//    than its default, a present message, a non-empty list or map);
//  - "*", alone: every updatable field (full replacement: what `resource`
//    leaves unset is cleared);
//  - otherwise the listed paths, each of which must be updatable.
// The first two come in `updatable`'s order, the third as listed (repeats
// dropped). INVALID_ARGUMENT names the bad path and lists the updatable ones
// (then `note`, if any), or says that an empty mask found nothing to change.
absl::StatusOr<std::vector<std::string>> UpdatePaths(
    const google::protobuf::FieldMask& mask,
    const google::protobuf::Message& resource,
    absl::Span<const absl::string_view> updatable, absl::string_view note = "");

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_UPDATE_MASK_H_

// Checks that hold for every request, whatever its type, found by walking the
// message by reflection: through singular, repeated and map fields, into
// every sub-message.
//
//   * google.protobuf.Timestamp: seconds from 0001-01-01T00:00:00Z to
//     9999-12-31T23:59:59Z (the range RFC 3339 and the JSON mapping can
//     write) and nanos in [0, 999999999].
//   * google.protobuf.Duration: seconds and nanos of one sign, nanos in
//     [-999999999, 999999999], not negative and at most 10 years. The API's
//     durations (task.estimate so far) are spans of work: none is negative
//     and none is meant to last more than 10 years, so anything beyond is a
//     typo or a unit error. The bound also keeps every duration, added to an
//     accepted time, far from the int64 nanosecond limit (about 292 years)
//     that absl::Duration arithmetic and ToInt64Nanoseconds run into.
//   * enum fields, singular, repeated and map values: a declared value.
//     proto3 enums are open, so the parser keeps any number it reads.
//   * the (mops.v1.field) option (proto/mops/v1/options.proto): max_bytes,
//     max_items, max_item_bytes.
//
// google.protobuf.Any is not unpacked. A singular sub-message is checked only
// when set.
//
// What a message type needs is worked out once per descriptor and kept for
// the life of the process, so a type with nothing to check costs one lookup
// (about 20 ns) and a type with checks visits only the fields that have them.
// Thread-safe. Meant for the generated types; a type from a DescriptorPool
// that is destroyed later must not be checked (its plan would outlive it).
#ifndef MOPS_SERVICES_COMMON_MESSAGE_CHECKS_H_
#define MOPS_SERVICES_COMMON_MESSAGE_CHECKS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace mops::services {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;
// 10 years of 365.25 days.
inline constexpr int64_t kMaxDurationSeconds = 315576000;

// OK, or INVALID_ARGUMENT for the first field (in declaration order, depth
// first) that breaks a rule, as "PATH: what is wrong". PATH is the field's
// path from `m`: field names joined by '.', an index for an entry of a
// repeated field, a key for a map value:
//
//   task.due_time: 10000-01-01T00:00:00Z is after 9999-12-31T23:59:59Z
//   approval.groups[1].users: 101 items; at most 100 are allowed
//   task.custom_fields["cost"]: 1001 bytes; at most 1000 are allowed
//
// INTERNAL when an option of the message's type does not fit its field
// (max_bytes on a repeated field, say): a mistake in the .proto, not in the
// request.
absl::Status CheckMessage(const google::protobuf::Message& m);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_MESSAGE_CHECKS_H_

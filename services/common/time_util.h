#ifndef MOPS_SERVICES_COMMON_TIME_UTIL_H_
#define MOPS_SERVICES_COMMON_TIME_UTIL_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace mops::services {

google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& ts);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);
google::protobuf::Duration ToProtoDuration(absl::Duration d);

// A duration as operators write it in flags: "90d" (absl has no days),
// "12h", "5m30s", "0". False for anything else or a negative one.
bool ParseAge(absl::string_view spec, absl::Duration* out);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_TIME_UTIL_H_

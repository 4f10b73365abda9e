#ifndef MOPS_SERVICES_COMMON_TIME_UTIL_H_
#define MOPS_SERVICES_COMMON_TIME_UTIL_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace mops::services {

google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& ts);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_TIME_UTIL_H_

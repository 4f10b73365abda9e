#include "services/common/time_util.h"

#include <string>

#include "absl/strings/numbers.h"

namespace mops::services {

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp ts;
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest * 1000));
  return ts;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

bool ParseAge(absl::string_view spec, absl::Duration* out) {
  if (spec == "0") {
    *out = absl::ZeroDuration();
    return true;
  }
  if (!spec.empty() && spec.back() == 'd') {
    int64_t days = 0;
    if (!absl::SimpleAtoi(spec.substr(0, spec.size() - 1), &days) || days < 0 ||
        days > 100000) {
      return false;
    }
    *out = absl::Hours(24 * days);
    return true;
  }
  return absl::ParseDuration(std::string(spec), out) &&
         *out >= absl::ZeroDuration() && *out != absl::InfiniteDuration();
}

}  // namespace mops::services

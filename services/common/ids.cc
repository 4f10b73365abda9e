#include "services/common/ids.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/status_macros.h"

namespace mops::services {

absl::StatusOr<std::string> FreshId(
    const storage::Reader& reader, storage::Cf cf, char prefix,
    const std::function<std::string(const std::string& id)>& key_of) {
  // 44 bits of milliseconds last until the year 2527.
  const uint64_t millis =
      static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())) &
      ((uint64_t{1} << 44) - 1);
  // Ids need not be secret, only unlikely to collide (and each is checked):
  // a per-thread generator, not the system's cryptographic one.
  thread_local absl::BitGen bits;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string id = absl::StrCat(
        std::string(1, prefix), absl::Hex(millis, absl::kZeroPad11),
        absl::Hex(absl::Uniform<uint16_t>(bits), absl::kZeroPad4));
    ASSIGN_OR_RETURN(auto row, reader.Get(cf, key_of(id)));
    if (!row) return id;
  }
  return absl::InternalError("could not draw an unused id");
}

}  // namespace mops::services

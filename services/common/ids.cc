#include "services/common/ids.h"

#include "services/common/crypto.h"
#include "storage/status_macros.h"

namespace mops::services {

absl::StatusOr<std::string> FreshId(
    const storage::Reader& reader, storage::Cf cf, char prefix,
    const std::function<std::string(const std::string& id)>& key_of) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string id = prefix + HexEncode(RandomBytes(8)).substr(1);
    ASSIGN_OR_RETURN(auto row, reader.Get(cf, key_of(id)));
    if (!row) return id;
  }
  return absl::InternalError("could not draw an unused id");
}

}  // namespace mops::services

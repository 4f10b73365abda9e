#include "services/common/keys.h"

namespace mops::services::keys {

using storage::KeyBuilder;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  registry.Add(kRequest);
}

std::string Request(absl::string_view principal, absl::string_view method,
                    absl::string_view request_id) {
  return KeyBuilder(kRequest)
      .Str(principal)
      .Str(method)
      .Str(request_id)
      .Build();
}

std::string RequestPrefix() { return KeyBuilder(kRequest).Build(); }

}  // namespace mops::services::keys

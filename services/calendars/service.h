// The gRPC service of calendars (bindings only), and its key spaces.
#ifndef MOPS_SERVICES_CALENDARS_SERVICE_H_
#define MOPS_SERVICES_CALENDARS_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/rpc.h"
#include "storage/engine.h"
#include "storage/key_spaces.h"

namespace mops::services::calendars {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindCalendarService(
    const Authenticator& auth, storage::Engine& engine);

// Registers the key spaces of calendars (keys.h, private to the domain)
// with storage. Call before Open.
void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

}  // namespace mops::services::calendars

#endif  // MOPS_SERVICES_CALENDARS_SERVICE_H_

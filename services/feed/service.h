// EventService (the change feed, for every caller, each seeing what they
// may read): bindings only.
#ifndef MOPS_SERVICES_FEED_SERVICE_H_
#define MOPS_SERVICES_FEED_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/rpc.h"
#include "services/feed/hub.h"
#include "services/feed/watch.h"
#include "storage/engine.h"

namespace mops::services::feed {

// `hub` must outlive the service and get the engine's feed
// (Engine::SetFeedListener).
absl::StatusOr<std::unique_ptr<grpc::Service>> BindEventService(
    const Authenticator& auth, storage::Engine& engine, WatchHub& hub,
    const WatchOptions& options = {});

}  // namespace mops::services::feed

#endif  // MOPS_SERVICES_FEED_SERVICE_H_

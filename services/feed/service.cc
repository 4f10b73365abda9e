#include "services/feed/service.h"

#include "services/common/binder.h"
#include "services/feed/list_events.h"

namespace mops::services::feed {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindEventService(
    const Authenticator& auth, storage::Engine& engine, WatchHub& hub,
    const WatchOptions& options) {
  return Binder("mops.v1.EventService", auth, engine)
      .Query("ListEvents", ListEvents{&engine})
      .Stream("WatchEvents", WatchEvents{&auth, &engine, &hub, options})
      .Finish();
}

}  // namespace mops::services::feed

// WatchEvents: one server-streaming call, from its start revision through
// the stored feed (catch-up) and then live off the hub.
//
// A stream is driven by whoever holds its `busy_` flag: the call's start,
// a write's completion, or the hub when a batch or a tick finds it idle.
// Catching up reads pages of the stored feed on gRPC's threads; the hub
// queues what commits meanwhile (bounded; when that overflows, catch-up
// reads on from storage). Live, each watcher keeps at most `max_events` /
// `max_bytes` of events not yet written; past that the stream ends with
// RESOURCE_EXHAUSTED and the revision to resume from.
#ifndef MOPS_SERVICES_FEED_WATCH_H_
#define MOPS_SERVICES_FEED_WATCH_H_

#include <cstddef>
#include <memory>

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "mops/v1/events.pb.h"
#include "services/common/principal.h"
#include "services/common/rpc.h"
#include "services/feed/hub.h"
#include "storage/engine.h"

namespace mops::services::feed {

struct WatchOptions {
  // Most events (and bytes) one watch may have waiting to be written.
  size_t max_events = 10000;
  size_t max_bytes = size_t{8} << 20;
};

struct WatchEvents {
  using Request = v1::WatchEventsRequest;
  using Response = v1::WatchEventsResponse;
  const Authenticator* auth;
  const storage::Engine* engine;
  WatchHub* hub;
  WatchOptions options;

  absl::Status Validate(const Request& req) const;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(
      grpc::CallbackServerContext* context, Principal principal,
      Request request) const;
};

}  // namespace mops::services::feed

#endif  // MOPS_SERVICES_FEED_WATCH_H_

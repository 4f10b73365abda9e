// ListEvents: a page of the change feed, as the caller may see it.
#ifndef MOPS_SERVICES_FEED_LIST_EVENTS_H_
#define MOPS_SERVICES_FEED_LIST_EVENTS_H_

#include "mops/v1/events.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::feed {

struct ListEvents {
  using Request = v1::ListEventsRequest;
  using Response = v1::ListEventsResponse;
  const storage::Engine* engine;
  absl::Status Validate(const Request& req) const;
  absl::Status Run(const storage::Reader& reader, const Principal& p,
                   const Request& req, Response* out) const;
};

}  // namespace mops::services::feed

#endif  // MOPS_SERVICES_FEED_LIST_EVENTS_H_

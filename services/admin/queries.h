// The admin reads: the server's figures.
#ifndef MOPS_SERVICES_ADMIN_QUERIES_H_
#define MOPS_SERVICES_ADMIN_QUERIES_H_

#include "mops/v1/admin.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::admin::queries {

struct GetServerStats {
  using Request = v1::GetServerStatsRequest;
  using Response = v1::ServerStats;
  const storage::Engine* engine;
  absl::Status Run(const storage::Reader& reader, const Principal& p,
                   const Request& req, Response* out) const;
};

}  // namespace mops::services::admin::queries

#endif  // MOPS_SERVICES_ADMIN_QUERIES_H_

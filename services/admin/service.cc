#include "services/admin/service.h"

#include "services/admin/queries.h"
#include "services/common/binder.h"

namespace mops::services::admin {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindAdminService(
    const Authenticator& auth, storage::Engine& engine, BackupRunner& backups) {
  return Binder("mops.v1.AdminService", auth, engine)
      .Async<v1::BackupRequest, v1::BackupResponse>(
          "Backup",
          [&backups](const Principal& p, const v1::BackupRequest& req,
                     auto done) { backups.Start(p, req, std::move(done)); })
      .Query("GetServerStats", queries::GetServerStats{&engine})
      .Finish();
}

}  // namespace mops::services::admin

// AdminService (backups, figures; admins only): bindings only.
#ifndef MOPS_SERVICES_ADMIN_SERVICE_H_
#define MOPS_SERVICES_ADMIN_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/admin/backup.h"
#include "services/common/rpc.h"
#include "storage/engine.h"

namespace mops::services::admin {

// `backups` must outlive the service.
absl::StatusOr<std::unique_ptr<grpc::Service>> BindAdminService(
    const Authenticator& auth, storage::Engine& engine, BackupRunner& backups);

}  // namespace mops::services::admin

#endif  // MOPS_SERVICES_ADMIN_SERVICE_H_

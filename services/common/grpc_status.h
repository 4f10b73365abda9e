// The one place where an absl::Status becomes a grpc::Status.
#ifndef MOPS_SERVICES_COMMON_GRPC_STATUS_H_
#define MOPS_SERVICES_COMMON_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace mops::services {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_GRPC_STATUS_H_

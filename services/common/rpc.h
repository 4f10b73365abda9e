// The pieces of a call that the Binder (binder.h) puts together: who is
// calling, the call's deadline for reads, wire-form requests and responses,
// and the one place a failed call is logged and its status mapped.
#ifndef MOPS_SERVICES_COMMON_RPC_H_
#define MOPS_SERVICES_COMMON_RPC_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services {

// Turns a call's metadata into a Principal (or UNAUTHENTICATED /
// PERMISSION_DENIED). Implemented by the identity service.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual absl::StatusOr<Principal> Authenticate(
      const grpc::CallbackServerContext& context) const = 0;
};

// For a CheckedReader serving `context`'s call: DEADLINE_EXCEEDED once the
// call's deadline has passed, CANCELLED once the client has cancelled it.
std::function<absl::Status(uint64_t rows)> CallCheck(
    const grpc::CallbackServerContext& context);

// For methods served in wire form (gRPC raw callback methods, whose
// request and response are bytes): parses the request, INVALID_ARGUMENT when
// it is not a valid message;
absl::Status ParseWireRequest(const grpc::ByteBuffer& bytes,
                              google::protobuf::MessageLite* request);
// and hands serialized response bytes to gRPC without another copy.
void SetWireResponse(std::string bytes, grpc::ByteBuffer* response);

// Logs a failed call (internal errors loudly) and maps its status.
grpc::Status FinishStatus(absl::string_view method, const absl::Status& s);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_RPC_H_

// The shape of every handler (DESIGN.md section 7): authenticate, validate,
// then either read and finish, or submit a command and finish from the
// engine's completion, so no gRPC thread waits on a disk sync.
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

// A read gets the engine through a storage::CheckedReader that ends it once
// the call is over (CallCheck), so a long scan stops when its client stops
// waiting.
using ReadFn =
    std::function<absl::Status(const Principal&, const storage::Reader&)>;
using WriteFn = std::function<absl::Status(storage::Txn&, const Principal&)>;

// Authenticates, runs `read` over `engine` on this thread and finishes the
// call.
grpc::ServerUnaryReactor* RunRead(grpc::CallbackServerContext* context,
                                  absl::string_view method,
                                  const Authenticator& auth,
                                  const storage::Reader& engine,
                                  const ReadFn& read);

// For a CheckedReader serving `context`'s call: DEADLINE_EXCEEDED once the
// call's deadline has passed, CANCELLED once the client has cancelled it.
std::function<absl::Status(uint64_t rows)> CallCheck(
    const grpc::CallbackServerContext& context);

// Authenticates, then runs `write` as a command; the call finishes once the
// command is durable (or failed). `validate` runs first on this thread, so
// malformed requests never reach the apply thread. `on_committed` runs once
// the command is durable, before the reply.
grpc::ServerUnaryReactor* RunWrite(
    grpc::CallbackServerContext* context, absl::string_view method,
    const Authenticator& auth, storage::Engine& engine, WriteFn write,
    const std::function<absl::Status()>& validate = nullptr,
    std::function<void()> on_committed = nullptr);

// Moves a StatusOr's value into *out (a response message) and returns its
// status: the glue between rules that return values and adapters.
template <typename T>
absl::Status Assign(absl::StatusOr<T> value, T* out) {
  if (!value.ok()) return value.status();
  *out = *std::move(value);
  return absl::OkStatus();
}

// For methods served in wire form (gRPC raw callback methods, whose
// request and response are bytes): parses the request, INVALID_ARGUMENT when
// it is not a valid message;
absl::Status ParseWireRequest(const grpc::ByteBuffer& bytes,
                              google::protobuf::MessageLite* request);
// and hands serialized response bytes to gRPC without another copy.
void SetWireResponse(std::string bytes, grpc::ByteBuffer* response);

// RunRead for a method served in wire form: `read(principal, reader,
// request)` returns the serialized response, which is sent as it is.
template <typename Request, typename ReadWire>
grpc::ServerUnaryReactor* RunWireRead(grpc::CallbackServerContext* context,
                                      absl::string_view method,
                                      const Authenticator& auth,
                                      const storage::Reader& engine,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response,
                                      const ReadWire& read) {
  return RunRead(context, method, auth, engine,
                 [&](const Principal& p, const storage::Reader& reader) {
                   Request parsed;
                   absl::Status s = ParseWireRequest(*request, &parsed);
                   if (!s.ok()) return s;
                   absl::StatusOr<std::string> bytes = read(p, reader, parsed);
                   if (!bytes.ok()) return bytes.status();
                   SetWireResponse(*std::move(bytes), response);
                   return absl::OkStatus();
                 });
}

// Logs a failed call (internal errors loudly) and maps its status.
grpc::Status FinishStatus(absl::string_view method, const absl::Status& s);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_RPC_H_

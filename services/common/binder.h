// The command and read patterns (DESIGN.md section 3): a service is a
// Binder that maps each method of a proto service to a command, a query or
// an async handler. The Binder does what every method needs, once:
// authenticate, parse the request bytes (INVALID_ARGUMENT when they are not
// the message), check the message against its descriptor (message_checks),
// run Validate on the gRPC thread, then either read and reply, or submit
// the command to the engine's apply thread with request_id replay
// (AIP-155) and reply once it is durable.
//
// A command is a class with
//   using Request = ...; using Response = ...;
//   absl::Status Validate(const Request&) const;   // pure: no reads
//   absl::Status Apply(storage::Txn&, const Principal&, const Request&,
//                      Response*) const;           // on the apply thread
// A command whose answer must not be stored, since it holds a secret
// (CreateToken), also declares
//   static constexpr bool kNoRequestId = true;
// and its request has no request_id: a retry is a new call.
// A query is a class with Request, Response, an optional Validate and
//   absl::Status Run(const storage::Reader&, const Principal&,
//                    const Request&, Response*) const;
// or, to send bytes it built itself (hot reads),
//   absl::StatusOr<std::string> RunWire(const storage::Reader&,
//                                       const Principal&, const Request&)
//                                       const;
#ifndef MOPS_SERVICES_COMMON_BINDER_H_
#define MOPS_SERVICES_COMMON_BINDER_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/principal.h"
#include "services/common/rpc.h"
#include "storage/checked_reader.h"
#include "storage/engine.h"

namespace mops::services {

// What the pattern knows of one method, found from its descriptor.
struct MethodInfo {
  std::string name;       // "CreateTask": logs and the request log's key
  std::string full_name;  // "mops.v1.TaskService.CreateTask"
  // The request's request_id field, when it has one.
  const google::protobuf::FieldDescriptor* request_id = nullptr;
};

// A gRPC service built from a proto ServiceDescriptor whose methods are
// served in raw form (bytes in, bytes out), so that parsing is ours and a
// bad request is INVALID_ARGUMENT rather than gRPC's UNIMPLEMENTED.
class BoundService : public grpc::Service {
 public:
  using Handler = std::function<grpc::ServerUnaryReactor*(
      grpc::CallbackServerContext*, const grpc::ByteBuffer*,
      grpc::ByteBuffer*)>;

  using StreamHandler =
      std::function<grpc::ServerWriteReactor<grpc::ByteBuffer>*(
          grpc::CallbackServerContext*, const grpc::ByteBuffer*)>;

  explicit BoundService(const google::protobuf::ServiceDescriptor* service);
  void SetHandler(int method_index, Handler handler);
  // For a server-streaming method.
  void SetStreamHandler(int method_index, StreamHandler handler);
  // A place for a method's facts that lives as long as its handler.
  MethodInfo* AddInfo() { return &infos_.emplace_back(); }

 private:
  // RpcServiceMethod keeps a pointer to its path.
  std::deque<std::string> paths_;
  std::deque<MethodInfo> infos_;
};

// The steps shared by every kind of method, outside the templates.
namespace binder_internal {

// Authenticates, parses `bytes` into *request, checks it against its
// descriptor (message_checks.h: timestamp and duration ranges, enum values,
// (mops.v1.field) limits) and the request_id's length.
absl::Status Prepare(const Authenticator& auth,
                     const grpc::CallbackServerContext& context,
                     const MethodInfo& method, const grpc::ByteBuffer& bytes,
                     google::protobuf::Message* request, Principal* principal);

// Runs `apply` with request_id replay around it: a request_id seen before
// from this caller for this method answers its first response instead.
absl::Status ApplyWithReplay(storage::Txn& txn, const MethodInfo& method,
                             const Principal& principal,
                             const google::protobuf::Message& request,
                             google::protobuf::Message* response,
                             const std::function<absl::Status()>& apply);

// A stream that ends at once with `status` (a request that failed Prepare).
grpc::ServerWriteReactor<grpc::ByteBuffer>* FailedStream(
    const MethodInfo& method, const absl::Status& status);

// Serializes the response (when ok) and finishes the call.
void Reply(grpc::ServerUnaryReactor* reactor, const MethodInfo& method,
           const absl::Status& status,
           const google::protobuf::Message* response, grpc::ByteBuffer* bytes);

template <typename T, typename = void>
struct HasValidate : std::false_type {};
template <typename T>
struct HasValidate<T, std::void_t<decltype(std::declval<const T&>().Validate(
                          std::declval<const typename T::Request&>()))>>
    : std::true_type {};

template <typename T, typename = void>
struct HasRunWire : std::false_type {};
template <typename T>
struct HasRunWire<T, std::void_t<decltype(std::declval<const T&>().RunWire(
                         std::declval<const storage::Reader&>(),
                         std::declval<const Principal&>(),
                         std::declval<const typename T::Request&>()))>>
    : std::true_type {};

template <typename T, typename = void>
struct NoRequestId : std::false_type {};
template <typename T>
struct NoRequestId<T, std::void_t<decltype(T::kNoRequestId)>>
    : std::bool_constant<T::kNoRequestId> {};

template <typename T>
absl::Status ValidateIfAny(const T& handler, const typename T::Request& r) {
  if constexpr (HasValidate<T>::value) {
    return handler.Validate(r);
  } else {
    return absl::OkStatus();
  }
}

}  // namespace binder_internal

class Binder {
 public:
  // `service` is a proto service's full name ("mops.v1.TaskService").
  Binder(absl::string_view service, const Authenticator& auth,
         storage::Engine& engine);

  template <typename C>
  Binder& Command(absl::string_view method, C command = C{});
  template <typename Q>
  Binder& Query(absl::string_view method, Q query = Q{});

  // For a method that finishes later on its own (a backup on its own
  // thread): `run` gets the caller, the parsed request and a `done` to call
  // exactly once.
  template <typename Request, typename Response>
  using AsyncFn =
      std::function<void(const Principal&, const Request&,
                         std::function<void(absl::StatusOr<Response>)> done)>;
  template <typename Request, typename Response>
  Binder& Async(absl::string_view method, AsyncFn<Request, Response> run);

  // For a server-streaming method: `start` gets the call, the caller and
  // the checked request (Validate too, when Handler has one) and returns
  // the reactor that writes the stream.
  template <typename Handler>
  Binder& Stream(absl::string_view method, Handler handler);

  // `fn` runs after each command of this service that succeeded (replays
  // too), once it is durable and before the reply: for caches of what the
  // commands change.
  Binder& AfterCommit(std::function<void()> fn);

  // The service, once every method is bound; INTERNAL naming what is wrong
  // (an unbound method, a method bound twice or with other message types, a
  // Create or custom method without request_id unless its command declares
  // kNoRequestId).
  absl::StatusOr<std::unique_ptr<grpc::Service>> Finish();

 private:
  enum class Kind { kRead, kCommand, kCommandWithoutRequestId, kStream };
  // Finds `method`, checks its types; null (and an error for Finish) when
  // it does not fit.
  const MethodInfo* Register(absl::string_view method,
                             const google::protobuf::Descriptor* request,
                             const google::protobuf::Descriptor* response,
                             Kind kind, int* index);

  const google::protobuf::ServiceDescriptor* descriptor_;
  const Authenticator* auth_;
  storage::Engine* engine_;
  std::unique_ptr<BoundService> service_;
  std::vector<bool> bound_;
  std::vector<std::string> errors_;
  // Shared with the command handlers, so AfterCommit may come after them.
  std::shared_ptr<std::function<void()>> after_commit_ =
      std::make_shared<std::function<void()>>();
};

template <typename C>
Binder& Binder::Command(absl::string_view method, C command) {
  using Request = typename C::Request;
  using Response = typename C::Response;
  int index = 0;
  const MethodInfo* info = Register(
      method, Request::descriptor(), Response::descriptor(),
      binder_internal::NoRequestId<C>::value ? Kind::kCommandWithoutRequestId
                                             : Kind::kCommand,
      &index);
  if (info == nullptr) return *this;
  auto shared = std::make_shared<const C>(std::move(command));
  const Authenticator* auth = auth_;
  storage::Engine* engine = engine_;
  std::shared_ptr<const std::function<void()>> after = after_commit_;
  service_->SetHandler(index, [shared, info, auth, engine, after](
                                  grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* bytes,
                                  grpc::ByteBuffer* out) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    struct Call {
      Request request;
      Response response;
      Principal principal;
    };
    auto call = std::make_shared<Call>();
    absl::Status s = binder_internal::Prepare(*auth, *context, *info, *bytes,
                                              &call->request, &call->principal);
    if (s.ok()) s = binder_internal::ValidateIfAny(*shared, call->request);
    if (!s.ok()) {
      binder_internal::Reply(reactor, *info, s, nullptr, out);
      return reactor;
    }
    engine->Submit(
        [shared, info, call](storage::Txn& txn) {
          call->response.Clear();
          return binder_internal::ApplyWithReplay(
              txn, *info, call->principal, call->request, &call->response, [&] {
                return shared->Apply(txn, call->principal, call->request,
                                     &call->response);
              });
        },
        [reactor, info, call, out, after](absl::Status result) {
          if (result.ok() && *after) (*after)();
          binder_internal::Reply(reactor, *info, result, &call->response, out);
        });
    return reactor;
  });
  return *this;
}

template <typename Q>
Binder& Binder::Query(absl::string_view method, Q query) {
  using Request = typename Q::Request;
  using Response = typename Q::Response;
  int index = 0;
  const MethodInfo* info =
      Register(method, Request::descriptor(), Response::descriptor(),
               Kind::kRead, &index);
  if (info == nullptr) return *this;
  auto shared = std::make_shared<const Q>(std::move(query));
  const Authenticator* auth = auth_;
  const storage::Engine* engine = engine_;
  service_->SetHandler(
      index, [shared, info, auth, engine](grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* bytes,
                                          grpc::ByteBuffer* out) {
        grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
        Request request;
        Principal principal;
        absl::Status s = binder_internal::Prepare(*auth, *context, *info,
                                                  *bytes, &request, &principal);
        if (s.ok()) s = binder_internal::ValidateIfAny(*shared, request);
        if (!s.ok()) {
          binder_internal::Reply(reactor, *info, s, nullptr, out);
          return reactor;
        }
        storage::CheckedReader reader(*engine, CallCheck(*context));
        if constexpr (binder_internal::HasRunWire<Q>::value) {
          absl::StatusOr<std::string> wire =
              shared->RunWire(reader, principal, request);
          if (wire.ok()) SetWireResponse(*std::move(wire), out);
          binder_internal::Reply(reactor, *info, wire.status(), nullptr, out);
        } else {
          Response response;
          s = shared->Run(reader, principal, request, &response);
          binder_internal::Reply(reactor, *info, s, &response, out);
        }
        return reactor;
      });
  return *this;
}

template <typename Request, typename Response>
Binder& Binder::Async(absl::string_view method,
                      AsyncFn<Request, Response> run) {
  int index = 0;
  const MethodInfo* info =
      Register(method, Request::descriptor(), Response::descriptor(),
               Kind::kRead, &index);
  if (info == nullptr) return *this;
  const Authenticator* auth = auth_;
  service_->SetHandler(
      index, [run = std::move(run), info, auth](
                 grpc::CallbackServerContext* context,
                 const grpc::ByteBuffer* bytes, grpc::ByteBuffer* out) {
        grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
        Request request;
        Principal principal;
        absl::Status s = binder_internal::Prepare(*auth, *context, *info,
                                                  *bytes, &request, &principal);
        if (!s.ok()) {
          binder_internal::Reply(reactor, *info, s, nullptr, out);
          return reactor;
        }
        run(principal, request,
            [reactor, info, out](absl::StatusOr<Response> response) {
              binder_internal::Reply(reactor, *info, response.status(),
                                     response.ok() ? &*response : nullptr, out);
            });
        return reactor;
      });
  return *this;
}

// A stream handler is a class with Request, Response, an optional Validate
// and
//   grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(
//       grpc::CallbackServerContext*, Principal, Request) const;
template <typename Handler>
Binder& Binder::Stream(absl::string_view method, Handler handler) {
  using Request = typename Handler::Request;
  using Response = typename Handler::Response;
  int index = 0;
  const MethodInfo* info =
      Register(method, Request::descriptor(), Response::descriptor(),
               Kind::kStream, &index);
  if (info == nullptr) return *this;
  auto shared = std::make_shared<const Handler>(std::move(handler));
  const Authenticator* auth = auth_;
  service_->SetStreamHandler(
      index,
      [shared, info, auth](grpc::CallbackServerContext* context,
                           const grpc::ByteBuffer* bytes)
          -> grpc::ServerWriteReactor<grpc::ByteBuffer>* {
        Request request;
        Principal principal;
        absl::Status s = binder_internal::Prepare(*auth, *context, *info,
                                                  *bytes, &request, &principal);
        if (s.ok()) s = binder_internal::ValidateIfAny(*shared, request);
        if (!s.ok()) return binder_internal::FailedStream(*info, s);
        return shared->Start(context, std::move(principal), std::move(request));
      });
  return *this;
}

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_BINDER_H_

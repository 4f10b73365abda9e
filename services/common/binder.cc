#include "services/common/binder.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/impl/codegen/rpc_service_method.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "services/common/message_checks.h"
#include "services/common/request_log.h"
#include "storage/log.h"

namespace mops::services {

BoundService::BoundService(const google::protobuf::ServiceDescriptor* service) {
  for (int i = 0; i < service->method_count(); ++i) {
    paths_.push_back(absl::StrCat("/", service->full_name(), "/",
                                  service->method(i)->name()));
    AddMethod(new grpc::internal::RpcServiceMethod(
        paths_.back().c_str(),
        service->method(i)->server_streaming()
            ? grpc::internal::RpcMethod::SERVER_STREAMING
            : grpc::internal::RpcMethod::NORMAL_RPC,
        nullptr));
  }
}

void BoundService::SetHandler(int method_index, Handler handler) {
  MarkMethodRawCallback(
      method_index, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer,
                                                             grpc::ByteBuffer>(
                        std::move(handler)));
}

void BoundService::SetStreamHandler(int method_index, StreamHandler handler) {
  MarkMethodRawCallback(
      method_index,
      new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer,
                                                         grpc::ByteBuffer>(
          std::move(handler)));
}

namespace binder_internal {

namespace {

class FailedStreamReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit FailedStreamReactor(grpc::Status status) {
    Finish(std::move(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* FailedStream(
    const MethodInfo& method, const absl::Status& status) {
  return new FailedStreamReactor(FinishStatus(method.name, status));
}

absl::Status Prepare(const Authenticator& auth,
                     const grpc::CallbackServerContext& context,
                     const MethodInfo& method, const grpc::ByteBuffer& bytes,
                     google::protobuf::Message* request, Principal* principal) {
  absl::StatusOr<Principal> p = auth.Authenticate(context);
  if (!p.ok()) return p.status();
  *principal = *std::move(p);
  if (absl::Status s = ParseWireRequest(bytes, request); !s.ok()) return s;
  if (absl::Status s = CheckMessage(*request); !s.ok()) return s;
  if (method.request_id != nullptr) {
    return ValidateRequestId(request->GetReflection()->GetStringReference(
        *request, method.request_id, nullptr));
  }
  return absl::OkStatus();
}

absl::Status ApplyWithReplay(storage::Txn& txn, const MethodInfo& method,
                             const Principal& principal,
                             const google::protobuf::Message& request,
                             google::protobuf::Message* response,
                             const std::function<absl::Status()>& apply) {
  std::string scratch;
  const std::string& request_id =
      method.request_id == nullptr
          ? scratch
          : request.GetReflection()->GetStringReference(
                request, method.request_id, &scratch);
  if (!request_id.empty()) {
    absl::StatusOr<bool> replayed = ReplayRequest(
        txn, principal, method.name, request_id, request, response);
    if (!replayed.ok()) return replayed.status();
    if (*replayed) return absl::OkStatus();
  }
  if (absl::Status s = apply(); !s.ok()) return s;
  RememberRequest(txn, principal, method.name, request_id, request, *response);
  return absl::OkStatus();
}

void Reply(grpc::ServerUnaryReactor* reactor, const MethodInfo& method,
           const absl::Status& status,
           const google::protobuf::Message* response, grpc::ByteBuffer* bytes) {
  if (status.ok() && response != nullptr) {
    SetWireResponse(response->SerializeAsString(), bytes);
  }
  reactor->Finish(FinishStatus(method.name, status));
}

}  // namespace binder_internal

namespace {

const google::protobuf::ServiceDescriptor* FindService(absl::string_view name) {
  const google::protobuf::ServiceDescriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(name));
  // A typo in a bind line: nothing can serve, so fail at start.
  if (d == nullptr) {
    LogError("no proto service ", name, " is linked into this binary");
    std::abort();
  }
  return d;
}

}  // namespace

Binder::Binder(absl::string_view service, const Authenticator& auth,
               storage::Engine& engine)
    : descriptor_(FindService(service)),
      auth_(&auth),
      engine_(&engine),
      service_(std::make_unique<BoundService>(descriptor_)),
      bound_(descriptor_->method_count(), false) {}

namespace {

// Standard methods that AIP-155 does not ask a request_id of.
bool NeedsNoRequestId(absl::string_view method) {
  return absl::StartsWith(method, "Update") ||
         absl::StartsWith(method, "Delete");
}

}  // namespace

const MethodInfo* Binder::Register(absl::string_view method,
                                   const google::protobuf::Descriptor* request,
                                   const google::protobuf::Descriptor* response,
                                   Kind kind, int* index) {
  const google::protobuf::MethodDescriptor* m =
      descriptor_->FindMethodByName(std::string(method));
  if (m == nullptr) {
    errors_.push_back(
        absl::StrCat(descriptor_->full_name(), " has no method ", method));
    return nullptr;
  }
  if (m->client_streaming() ||
      m->server_streaming() != (kind == Kind::kStream)) {
    errors_.push_back(absl::StrCat(
        m->full_name(), m->client_streaming()
                            ? " streams requests, which the binder cannot serve"
                        : m->server_streaming()
                            ? " streams responses; bind it with Stream"
                            : " is unary; Stream is for streaming methods"));
    return nullptr;
  }
  if (m->input_type() != request || m->output_type() != response) {
    errors_.push_back(absl::StrCat(
        m->full_name(), " takes ", m->input_type()->full_name(),
        " and returns ", m->output_type()->full_name(), "; it was bound to ",
        request->full_name(), " -> ", response->full_name()));
    return nullptr;
  }
  if (bound_[m->index()]) {
    errors_.push_back(absl::StrCat(m->full_name(), " is bound twice"));
    return nullptr;
  }
  bound_[m->index()] = true;
  *index = m->index();
  MethodInfo& info = *service_->AddInfo();
  info.name = m->name();
  info.full_name = m->full_name();
  const google::protobuf::FieldDescriptor* rid =
      request->FindFieldByName("request_id");
  if (rid != nullptr &&
      rid->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !rid->is_repeated()) {
    info.request_id = rid;
  }
  if (kind == Kind::kCommand && info.request_id == nullptr &&
      !NeedsNoRequestId(method)) {
    errors_.push_back(absl::StrCat(
        info.full_name,
        " is a Create or custom method without a request_id (AIP-155)"));
  }
  if (kind == Kind::kCommandWithoutRequestId && info.request_id != nullptr) {
    errors_.push_back(absl::StrCat(
        info.full_name,
        "'s command declares kNoRequestId but its request has a request_id"));
  }
  return &info;
}

Binder& Binder::AfterCommit(std::function<void()> fn) {
  *after_commit_ = std::move(fn);
  return *this;
}

absl::StatusOr<std::unique_ptr<grpc::Service>> Binder::Finish() {
  for (int i = 0; i < descriptor_->method_count(); ++i) {
    if (!bound_[i]) {
      errors_.push_back(
          absl::StrCat(descriptor_->method(i)->full_name(), " is not bound"));
    }
  }
  if (!errors_.empty()) {
    return absl::InternalError(absl::StrJoin(errors_, "; "));
  }
  return std::unique_ptr<grpc::Service>(std::move(service_));
}

}  // namespace mops::services

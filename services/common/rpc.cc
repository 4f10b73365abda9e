#include "services/common/rpc.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "storage/log.h"

namespace mops::services {

absl::Status ParseWireRequest(const grpc::ByteBuffer& bytes,
                              google::protobuf::MessageLite* request) {
  std::vector<grpc::Slice> slices;
  bool ok = bytes.Dump(&slices).ok();
  if (ok && slices.size() == 1) {
    ok = request->ParseFromArray(slices[0].begin(),
                                 static_cast<int>(slices[0].size()));
  } else if (ok) {
    std::string joined;
    for (const grpc::Slice& slice : slices) {
      joined.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    ok = request->ParseFromString(joined);
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request is not a valid ", request->GetTypeName(), " message"));
  }
  return absl::OkStatus();
}

void SetWireResponse(std::string bytes, grpc::ByteBuffer* response) {
  auto* owned = new std::string(std::move(bytes));
  grpc::Slice slice(
      owned->data(), owned->size(),
      [](void* p) { delete static_cast<std::string*>(p); }, owned);
  *response = grpc::ByteBuffer(&slice, 1);
}

grpc::Status FinishStatus(absl::string_view method, const absl::Status& s) {
  if (!s.ok()) {
    switch (s.code()) {
      case absl::StatusCode::kInternal:
      case absl::StatusCode::kDataLoss:
      case absl::StatusCode::kUnknown:
        LogError(method, " failed: ", s.ToString());
        break;
      default:
        LogDebug(method, ": ", s.ToString());
    }
  }
  return ToGrpcStatus(s);
}

std::function<absl::Status(uint64_t rows)> CallCheck(
    const grpc::CallbackServerContext& context) {
  return [&context](uint64_t rows) {
    // The deadline first: gRPC also marks a call whose deadline passed as
    // cancelled, and the deadline is the more useful answer.
    if (std::chrono::system_clock::now() >= context.deadline()) {
      return absl::DeadlineExceededError(
          absl::StrCat("the call's deadline passed; the read stopped after ",
                       rows, " rows"));
    }
    if (context.IsCancelled()) {
      // Also what a client's own deadline looks like here: the client
      // cancels when it passes, before the server's copy of it (later by
      // the transit time) does.
      return absl::CancelledError(absl::StrCat(
          "the call was cancelled (the client gave up, or its deadline "
          "passed); the read stopped after ",
          rows, " rows"));
    }
    return absl::OkStatus();
  };
}

}  // namespace mops::services

#include "services/common/request_log.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "mops/internal/v1/records.pb.h"
#include "services/common/crypto.h"
#include "services/common/keys.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services {
namespace {

std::string Fingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return Sha256(bytes);
}

}  // namespace

absl::Status ValidateRequestId(absl::string_view request_id) {
  return ValidateLength("request_id", request_id, kMaxRequestIdLength);
}

absl::StatusOr<bool> ReplayRequest(storage::Txn& txn,
                                   const Principal& principal,
                                   absl::string_view method,
                                   absl::string_view request_id,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message* response) {
  if (request_id.empty()) return false;
  mops::internal::v1::RequestRecord record;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(storage::Cf::kRecords,
                   keys::Request(principal.RequestScope(), method, request_id),
                   &record));
  if (!found) return false;
  if (record.request_hash() != Fingerprint(request)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request_id \"", request_id,
        "\" was already used for a different request; use a new request_id"));
  }
  RETURN_IF_ERROR(storage::ParseStored(record.response(), response));
  return true;
}

void RememberRequest(storage::Txn& txn, const Principal& principal,
                     absl::string_view method, absl::string_view request_id,
                     const google::protobuf::Message& request,
                     const google::protobuf::Message& response) {
  if (request_id.empty()) return;
  mops::internal::v1::RequestRecord record;
  record.set_request_hash(Fingerprint(request));
  record.set_response(response.SerializeAsString());
  *record.mutable_create_time() = ToProtoTime(txn.Now());
  txn.PutProto(storage::Cf::kRecords,
               keys::Request(principal.RequestScope(), method, request_id),
               record);
}

}  // namespace mops::services

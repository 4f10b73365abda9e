#include "services/common/request_retention.h"

#include <algorithm>
#include <string>
#include <vector>

#include "mops/internal/v1/records.pb.h"
#include "services/common/keys.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services {
namespace {

using mops::internal::v1::RequestRecord;
using storage::Cf;

constexpr size_t kPerCommand = 1000;

// Deletes the rows of `keys` that are still expired (a retry may have
// written one again meanwhile) and dates the undated ones.
absl::StatusOr<int64_t> ExpireChunk(storage::Engine& engine,
                                    const std::vector<std::string>& keys,
                                    absl::Time older_than) {
  int64_t deleted = 0;
  RETURN_IF_ERROR(engine.Execute([&](storage::Txn& txn) -> absl::Status {
    deleted = 0;
    for (const std::string& key : keys) {
      RequestRecord record;
      ASSIGN_OR_RETURN(bool found, txn.GetProto(Cf::kRecords, key, &record));
      if (!found) continue;
      if (!record.has_create_time()) {
        *record.mutable_create_time() = ToProtoTime(txn.Now());
        txn.PutProto(Cf::kRecords, key, record);
      } else if (FromProtoTime(record.create_time()) < older_than) {
        txn.Delete(Cf::kRecords, key);
        ++deleted;
      }
    }
    return absl::OkStatus();
  }));
  return deleted;
}

}  // namespace

absl::StatusOr<int64_t> ExpireRequests(storage::Engine& engine,
                                       absl::Time older_than,
                                       std::string* cursor, size_t max_rows) {
  std::vector<std::string> due;
  size_t read = 0;
  std::string last;
  absl::Status parse = absl::OkStatus();
  RETURN_IF_ERROR(engine.Scan(
      Cf::kRecords, keys::RequestPrefix(), *cursor,
      [&](absl::string_view key, absl::string_view value) {
        last.assign(key.data(), key.size());
        RequestRecord record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          parse = absl::DataLossError("a request record does not parse");
          return false;
        }
        if (!record.has_create_time() ||
            FromProtoTime(record.create_time()) < older_than) {
          due.emplace_back(key);
        }
        return ++read < max_rows;
      }));
  RETURN_IF_ERROR(parse);
  *cursor = read < max_rows ? std::string() : last;
  int64_t deleted = 0;
  for (size_t i = 0; i < due.size(); i += kPerCommand) {
    std::vector<std::string> chunk(
        due.begin() + i, due.begin() + std::min(due.size(), i + kPerCommand));
    ASSIGN_OR_RETURN(int64_t n, ExpireChunk(engine, chunk, older_than));
    deleted += n;
  }
  return deleted;
}

}  // namespace mops::services

// RocksDB glue shared by the engine's files.
#ifndef MOPS_STORAGE_ROCKS_UTIL_H_
#define MOPS_STORAGE_ROCKS_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace mops::storage::detail {

inline rocksdb::Slice ToSlice(absl::string_view s) {
  return {s.data(), s.size()};
}

inline absl::Status FromRocks(const rocksdb::Status& s,
                              absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": the data folder is in use by another process (",
                     s.ToString(), ")"));
  }
  return absl::InternalError(msg);
}

}  // namespace mops::storage::detail

#endif  // MOPS_STORAGE_ROCKS_UTIL_H_

// A Reader for reads done on behalf of someone who may stop waiting: it asks
// `check` every kCheckEvery rows (scanned rows and point reads together)
// and, when check fails, ends the read with check's error. A list whose
// filter no index serves reads every task; without this it ran to the end
// after the client's deadline had passed or the client had cancelled,
// holding one of gRPC's few callback threads all the while.
#ifndef MOPS_STORAGE_CHECKED_READER_H_
#define MOPS_STORAGE_CHECKED_READER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"

namespace mops::storage {

class CheckedReader : public Reader {
 public:
  static constexpr uint64_t kCheckEvery = 256;

  // check(rows) gets the rows read so far, for its message. `base` must
  // outlive this reader; a CheckedReader serves one thread.
  CheckedReader(const Reader& base,
                std::function<absl::Status(uint64_t rows)> check)
      : base_(base), check_(std::move(check)) {}

  absl::StatusOr<std::optional<std::string>> Get(
      Cf cf, absl::string_view key) const override;
  absl::StatusOr<std::optional<std::string>> GetHot(
      Cf cf, absl::string_view key) const override;
  absl::Status ScanRange(Cf cf, absl::string_view start, absl::string_view end,
                         const ScanFn& fn) const override;

  uint64_t rows() const { return rows_; }

 private:
  // Counts one row; check's error when this row is a checkpoint and the
  // check fails.
  absl::Status Tick() const;

  const Reader& base_;
  std::function<absl::Status(uint64_t)> check_;
  mutable uint64_t rows_ = 0;
};

}  // namespace mops::storage

#endif  // MOPS_STORAGE_CHECKED_READER_H_

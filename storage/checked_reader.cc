#include "storage/checked_reader.h"

namespace mops::storage {

absl::Status CheckedReader::Tick() const {
  // The first row checks too, so a call that is already over reads nothing.
  if (rows_++ % kCheckEvery != 0) return absl::OkStatus();
  return check_(rows_ - 1);
}

absl::StatusOr<std::optional<std::string>> CheckedReader::Get(
    Cf cf, absl::string_view key) const {
  absl::Status s = Tick();
  if (!s.ok()) return s;
  return base_.Get(cf, key);
}

absl::StatusOr<std::optional<std::string>> CheckedReader::GetHot(
    Cf cf, absl::string_view key) const {
  absl::Status s = Tick();
  if (!s.ok()) return s;
  return base_.GetHot(cf, key);
}

absl::Status CheckedReader::ScanRange(Cf cf, absl::string_view start,
                                      absl::string_view end,
                                      const ScanFn& fn) const {
  absl::Status stopped;
  absl::Status s = base_.ScanRange(
      cf, start, end, [&](absl::string_view key, absl::string_view value) {
        stopped = Tick();
        return stopped.ok() && fn(key, value);
      });
  if (!s.ok()) return s;
  return stopped;
}

}  // namespace mops::storage

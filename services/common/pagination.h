// AIP-158 pagination over a key prefix. The page token is the last key
// returned, base64-encoded: opaque to clients, stable while others write
// (keys after it are still found; none is returned twice).
#ifndef MOPS_SERVICES_COMMON_PAGINATION_H_
#define MOPS_SERVICES_COMMON_PAGINATION_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "mops/internal/v1/records.pb.h"
#include "storage/engine.h"

namespace mops::services {

inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 1000;

struct PageRequest {
  size_t size = kDefaultPageSize;
  // Scan keys strictly after this (empty: from the start).
  std::string after;
};

// page_size: negative is an error, 0 the default, more than the max clamped.
absl::StatusOr<size_t> ParsePageSize(int32_t page_size);

// ParsePageSize, and page_token (must belong to `prefix`).
absl::StatusOr<PageRequest> ParsePageRequest(int32_t page_size,
                                             absl::string_view page_token,
                                             absl::string_view prefix);

// Reads one page of records of type M under `prefix`. `keep` (optional)
// filters records. Returns next_page_token ("" at the end).
template <typename M>
absl::StatusOr<std::string> ReadPage(
    const storage::Reader& reader, storage::Cf cf, absl::string_view prefix,
    const PageRequest& page, std::vector<M>* out,
    const std::function<bool(const M&)>& keep = nullptr);

std::string EncodePageToken(absl::string_view last_key);

// ParsePageRequest + ReadPage straight into a response's repeated field.
// Returns next_page_token.
template <typename M>
absl::StatusOr<std::string> ListInto(
    const storage::Reader& reader, storage::Cf cf, absl::string_view prefix,
    int32_t page_size, absl::string_view page_token,
    google::protobuf::RepeatedPtrField<M>* out) {
  absl::StatusOr<PageRequest> page =
      ParsePageRequest(page_size, page_token, prefix);
  if (!page.ok()) return page.status();
  std::vector<M> items;
  absl::StatusOr<std::string> next =
      ReadPage<M>(reader, cf, prefix, *page, &items);
  for (M& item : items) *out->Add() = std::move(item);
  return next;
}

// Sorted keyset pagination: rows order by (value, row key), absent values
// last in either direction.
struct SortKey {
  bool absent = false;
  int64_t num = 0;
  std::string text;
  std::string row;  // the row's storage key: unique, the tie-breaker
};
bool SortBefore(const SortKey& a, const SortKey& b, bool desc);
std::string QueryFingerprint(absl::string_view parent, absl::string_view filter,
                             absl::string_view order_by);
std::string EncodeCursor(const mops::internal::v1::PageCursor& cursor);
// An empty token gives an empty cursor.
absl::StatusOr<mops::internal::v1::PageCursor> DecodeCursor(
    absl::string_view token, absl::string_view query);

// ---- implementation

template <typename M>
absl::StatusOr<std::string> ReadPage(
    const storage::Reader& reader, storage::Cf cf, absl::string_view prefix,
    const PageRequest& page, std::vector<M>* out,
    const std::function<bool(const M&)>& keep) {
  std::string last_key;
  bool more = false;
  absl::Status parse_error;
  absl::Status s = reader.Scan(
      cf, prefix, page.after,
      [&](absl::string_view key, absl::string_view value) {
        if (out->size() == page.size) {
          more = true;
          return false;
        }
        M record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError("stored record does not parse");
          return false;
        }
        last_key.assign(key.data(), key.size());
        if (!keep || keep(record)) out->push_back(std::move(record));
        return true;
      });
  if (!s.ok()) return s;
  if (!parse_error.ok()) return parse_error;
  return more ? EncodePageToken(last_key) : std::string();
}

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_PAGINATION_H_

// AIP-158 pagination over a key prefix. The page token is the last key
// returned, base64-encoded: opaque to clients, stable while others write
// (keys after it are still found; none is returned twice).
#ifndef MOPS_SERVICES_COMMON_PAGINATION_H_
#define MOPS_SERVICES_COMMON_PAGINATION_H_

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
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

// Every record under `prefix`, parsed.
template <typename M>
absl::StatusOr<std::vector<M>> ReadAll(const storage::Reader& reader,
                                       storage::Cf cf,
                                       absl::string_view prefix);

// Sorts `rows` by key, skips those up to `cursor` and moves one page into
// `out`. Returns next_page_token ("" at the end).
template <typename M>
std::string TakeSortedPage(std::vector<std::pair<SortKey, M>>& rows, bool desc,
                           const mops::internal::v1::PageCursor& cursor,
                           absl::string_view query, size_t page_size,
                           google::protobuf::RepeatedPtrField<M>* out);

// ---- implementation

template <typename M>
absl::StatusOr<std::vector<M>> ReadAll(const storage::Reader& reader,
                                       storage::Cf cf,
                                       absl::string_view prefix) {
  std::vector<M> out;
  absl::Status error;
  absl::Status s = reader.Scan(
      cf, prefix, "", [&](absl::string_view, absl::string_view value) {
        M record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          error = absl::DataLossError(
              absl::StrCat("stored ", record.GetTypeName(), " does not parse"));
          return false;
        }
        out.push_back(std::move(record));
        return true;
      });
  if (!s.ok()) return s;
  if (!error.ok()) return error;
  return out;
}

template <typename M>
std::string TakeSortedPage(std::vector<std::pair<SortKey, M>>& rows, bool desc,
                           const mops::internal::v1::PageCursor& cursor,
                           absl::string_view query, size_t page_size,
                           google::protobuf::RepeatedPtrField<M>* out) {
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return SortBefore(a.first, b.first, desc);
  });
  SortKey after;
  bool has_cursor = !cursor.row_key().empty();
  after.absent = cursor.sort_absent();
  after.num = cursor.sort_value();
  after.text = cursor.sort_text();
  after.row = cursor.row_key();
  for (auto& [key, row] : rows) {
    if (has_cursor && !SortBefore(after, key, desc)) continue;
    if (static_cast<size_t>(out->size()) == page_size) {
      mops::internal::v1::PageCursor next;
      next.set_query(std::string(query));
      next.set_sort_absent(after.absent);
      next.set_sort_value(after.num);
      next.set_sort_text(after.text);
      next.set_row_key(after.row);
      return EncodeCursor(next);
    }
    *out->Add() = std::move(row);
    after = key;
    has_cursor = true;
  }
  return "";
}

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

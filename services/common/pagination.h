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

// One page of a sorted list, collected without holding every row: rows are
// offered in any order, and only the page_size + 1 first after the cursor
// are kept (a bounded heap), so a list over a million tasks uses one page of
// memory and n log(page) comparisons, not a sort of everything.
template <typename M>
class SortedPage {
 public:
  SortedPage(bool desc, const mops::internal::v1::PageCursor& cursor,
             absl::string_view query, size_t page_size);

  // Rows at or before the cursor, and rows after the page, are dropped.
  void Add(SortKey key, M row);
  // Moves the page, in order, into `out`; returns next_page_token ("" at
  // the end).
  std::string Take(google::protobuf::RepeatedPtrField<M>* out);

 private:
  bool Before(const SortKey& a, const SortKey& b) const {
    return SortBefore(a, b, desc_);
  }

  const bool desc_;
  const std::string query_;
  const size_t page_size_;
  SortKey after_;  // the cursor's row, then the page's last
  bool has_cursor_;
  // A max-heap in list order: front() is the last row kept.
  std::vector<std::pair<SortKey, M>> heap_;
};

// ---- implementation

template <typename M>
absl::StatusOr<std::vector<M>> ReadAll(const storage::Reader& reader,
                                       storage::Cf cf,
                                       absl::string_view prefix) {
  std::vector<M> out;
  absl::Status s = storage::ScanParsed<M>(reader, cf, prefix, "",
                                          [&](absl::string_view, M&& record) {
                                            out.push_back(std::move(record));
                                            return true;
                                          });
  if (!s.ok()) return s;
  return out;
}

template <typename M>
SortedPage<M>::SortedPage(bool desc,
                          const mops::internal::v1::PageCursor& cursor,
                          absl::string_view query, size_t page_size)
    : desc_(desc),
      query_(query),
      page_size_(page_size),
      has_cursor_(!cursor.row_key().empty()) {
  after_.absent = cursor.sort_absent();
  after_.num = cursor.sort_value();
  after_.text = cursor.sort_text();
  after_.row = cursor.row_key();
}

template <typename M>
void SortedPage<M>::Add(SortKey key, M row) {
  if (has_cursor_ && !Before(after_, key)) return;
  auto later = [this](const auto& a, const auto& b) {
    return Before(a.first, b.first);
  };
  // One more than the page, to know whether another page follows.
  if (heap_.size() == page_size_ + 1) {
    if (!Before(key, heap_.front().first)) return;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
  heap_.emplace_back(std::move(key), std::move(row));
  std::push_heap(heap_.begin(), heap_.end(), later);
}

template <typename M>
std::string SortedPage<M>::Take(google::protobuf::RepeatedPtrField<M>* out) {
  std::sort_heap(heap_.begin(), heap_.end(),
                 [this](const auto& a, const auto& b) {
                   return Before(a.first, b.first);
                 });
  const bool more = heap_.size() > page_size_;
  if (more) heap_.pop_back();
  for (auto& [key, row] : heap_) {
    *out->Add() = std::move(row);
    after_ = std::move(key);
  }
  heap_.clear();
  if (!more) return "";
  mops::internal::v1::PageCursor next;
  next.set_query(query_);
  next.set_sort_absent(after_.absent);
  next.set_sort_value(after_.num);
  next.set_sort_text(after_.text);
  next.set_row_key(after_.row);
  return EncodeCursor(next);
}

template <typename M>
absl::StatusOr<std::string> ReadPage(
    const storage::Reader& reader, storage::Cf cf, absl::string_view prefix,
    const PageRequest& page, std::vector<M>* out,
    const std::function<bool(const M&)>& keep) {
  std::string last_key;
  bool more = false;
  absl::Status s = storage::ScanParsed<M>(
      reader, cf, prefix, page.after, [&](absl::string_view key, M&& record) {
        if (out->size() == page.size) {
          more = true;
          return false;
        }
        last_key.assign(key.data(), key.size());
        if (!keep || keep(record)) out->push_back(std::move(record));
        return true;
      });
  if (!s.ok()) return s;
  return more ? EncodePageToken(last_key) : std::string();
}

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_PAGINATION_H_

#include "services/common/pagination.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"

namespace mops::services {

absl::StatusOr<size_t> ParsePageSize(int32_t page_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must not be negative (got ", page_size, ")"));
  }
  return page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
}

absl::StatusOr<PageRequest> ParsePageRequest(int32_t page_size,
                                             absl::string_view page_token,
                                             absl::string_view prefix) {
  PageRequest page;
  absl::StatusOr<size_t> size = ParsePageSize(page_size);
  if (!size.ok()) return size.status();
  page.size = *size;
  if (!page_token.empty()) {
    std::string key;
    if (!absl::WebSafeBase64Unescape(page_token, &key) ||
        !absl::StartsWith(key, prefix)) {
      return absl::InvalidArgumentError(
          "page_token is not valid for this list; pass the next_page_token "
          "of the previous page with the same other parameters");
    }
    page.after = std::move(key);
  }
  return page;
}

std::string EncodePageToken(absl::string_view last_key) {
  return absl::WebSafeBase64Escape(last_key);
}

bool SortBefore(const SortKey& a, const SortKey& b, bool desc) {
  if (a.absent != b.absent) return !a.absent;
  if (!a.absent) {
    if (a.num != b.num) return desc ? a.num > b.num : a.num < b.num;
    if (a.text != b.text) return desc ? a.text > b.text : a.text < b.text;
  }
  return a.row < b.row;
}

std::string QueryFingerprint(absl::string_view parent, absl::string_view filter,
                             absl::string_view order_by) {
  return Sha256(absl::StrCat(parent, "\n", filter, "\n", order_by))
      .substr(0, 8);
}

std::string EncodeCursor(const mops::internal::v1::PageCursor& cursor) {
  return absl::WebSafeBase64Escape(cursor.SerializeAsString());
}

absl::StatusOr<mops::internal::v1::PageCursor> DecodeCursor(
    absl::string_view token, absl::string_view query) {
  mops::internal::v1::PageCursor cursor;
  if (token.empty()) return cursor;
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes) ||
      !cursor.ParseFromString(bytes) || cursor.query() != query) {
    return absl::InvalidArgumentError(
        "page_token is not valid for this list; pass the next_page_token of "
        "the previous page with the same parent, filter and order_by");
  }
  return cursor;
}

}  // namespace mops::services

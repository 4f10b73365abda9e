#include "services/common/pagination.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

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

}  // namespace mops::services

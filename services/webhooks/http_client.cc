#include "services/webhooks/http_client.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "services/webhooks/targets.h"

namespace mops::services::webhooks {
namespace {

// An answer past this is not read further: the excerpt is all we keep.
constexpr size_t kMaxBodyRead = size_t{1} << 20;

struct Transfer {
  bool allow_private = false;
  const std::atomic<bool>* cancel = nullptr;
  std::string refused;  // the private address a connection was refused to
  std::string excerpt;
  size_t read = 0;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->excerpt.size() < kExcerptBytes) {
    t->excerpt.append(data, std::min(n, kExcerptBytes - t->excerpt.size()));
  }
  t->read += n;
  return t->read > kMaxBodyRead ? 0 : n;  // 0 ends the transfer
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->cancel != nullptr && t->cancel->load() ? 1 : 0;  // 1 aborts
}

// The length of the valid UTF-8 sequence at s[0..n), or 0.
size_t Utf8Length(const unsigned char* s, size_t n) {
  const unsigned char c = s[0];
  size_t len = c < 0x80           ? 1
               : (c >> 5) == 0x6  ? 2
               : (c >> 4) == 0xE  ? 3
               : (c >> 3) == 0x1E ? 4
                                  : 0;
  if (len == 0 || len > n) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
  }
  const uint32_t cp =
      len == 1   ? c
      : len == 2 ? ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu)
      : len == 3 ? ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu)
                 : ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
                       ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return 0;
  }
  return len;
}

}  // namespace

// A protobuf string field must hold UTF-8; receivers answer in anything.
std::string ValidUtf8(absl::string_view bytes) {
  std::string out;
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  for (size_t i = 0; i < bytes.size();) {
    const size_t len = Utf8Length(s + i, bytes.size() - i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(bytes.data() + i, len);
      i += len;
    }
  }
  return out;
}

namespace {

// Called for each address curl is about to connect to, after resolving:
// the place to refuse private ones, whatever the name said.
curl_socket_t OpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->allow_private && IsPrivateAddress(&address->addr)) {
    t->refused = AddressText(&address->addr);
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC,
                  address->protocol);
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

HttpClient::HttpClient() {
  InitCurlOnce();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResult HttpClient::Post(const HttpRequest& request) {
  HttpResult result;
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) {
    result.error = "the HTTP client could not start (curl_easy_init)";
    return result;
  }
  curl_easy_reset(curl);  // keeps the connection cache
  Transfer transfer;
  transfer.allow_private = request.allow_private;
  transfer.cancel = request.cancel;
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers =
        curl_slist_append(headers, absl::StrCat(name, ": ", value).c_str());
  }
  // curl would send "Expect: 100-continue" for big bodies and wait for it.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(
      curl, CURLOPT_TIMEOUT_MS,
      static_cast<long>(absl::ToInt64Milliseconds(request.timeout)));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);

  const absl::Time start = absl::Now();
  const CURLcode code = curl_easy_perform(curl);
  result.latency = absl::Now() - start;
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  result.status_code = static_cast<int>(status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
      retry_after > 0) {
    result.retry_after = absl::Seconds(retry_after);
  }
  result.excerpt = ValidUtf8(transfer.excerpt);
  result.cancelled = code == CURLE_ABORTED_BY_CALLBACK;
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && status != 0)) {
    result.status_code = 0;
    if (!transfer.refused.empty()) {
      result.error = absl::StrCat(
          "refused to connect to the private address ", transfer.refused,
          " (the server allows it only with --webhook-allow-private-targets)");
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      result.error = absl::StrCat("no answer within ",
                                  absl::FormatDuration(request.timeout));
    } else {
      result.error = *error != '\0' ? error : curl_easy_strerror(code);
    }
  }
  curl_slist_free_all(headers);
  // CURLOPT_ERRORBUFFER points at this frame.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  return result;
}

}  // namespace mops::services::webhooks

// One POST of a webhook delivery, with libcurl: no redirects, no proxies
// from the environment, http(s) only, a total timeout, and (unless private
// targets are allowed) no connection to a private address, checked on each
// address the name resolves to.
#ifndef MOPS_SERVICES_WEBHOOKS_HTTP_CLIENT_H_
#define MOPS_SERVICES_WEBHOOKS_HTTP_CLIENT_H_

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mops::services::webhooks {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  absl::Duration timeout = absl::Seconds(15);
  bool allow_private = false;
  // When set and it turns true, the transfer is abandoned (server stopping).
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResult {
  int status_code = 0;  // 0: no answer (see error)
  std::string error;
  absl::Duration latency;
  // The start of the answer's body, at most kExcerptBytes, as valid UTF-8
  // (other bytes become U+FFFD).
  std::string excerpt;
  // The answer's Retry-After (seconds or an HTTP date), when it had one.
  std::optional<absl::Duration> retry_after;
  // Abandoned through HttpRequest::cancel: nothing else here counts.
  bool cancelled = false;
};

inline constexpr size_t kExcerptBytes = 1024;

// `bytes` with each byte that is not part of valid UTF-8 as U+FFFD.
std::string ValidUtf8(absl::string_view bytes);

// Not thread-safe: one per worker thread. It keeps connections open between
// requests to the same receiver.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult Post(const HttpRequest& request);

 private:
  void* curl_;  // CURL*
};

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_HTTP_CLIENT_H_

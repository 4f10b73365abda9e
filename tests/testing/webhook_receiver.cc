#include "tests/testing/webhook_receiver.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "httplib.h"

namespace mops::testing {

WebhookReceiver::WebhookReceiver(int port)
    : server_(std::make_unique<httplib::Server>()) {
  server_->Post(".*",
                [this](const httplib::Request& req, httplib::Response& res) {
                  ReceivedRequest r;
                  r.path = req.path;
                  for (const auto& [name, value] : req.headers) {
                    r.headers[absl::AsciiStrToLower(name)] = value;
                  }
                  r.body = req.body;
                  ScriptedAnswer answer;
                  {
                    absl::MutexLock lock(&mu_);
                    requests_.push_back(std::move(r));
                    if (!script_.empty()) {
                      answer = script_.front();
                      script_.pop_front();
                    }
                  }
                  absl::SleepFor(answer.delay);
                  res.status = answer.status;
                  for (const auto& [name, value] : answer.headers) {
                    res.set_header(name, value);
                  }
                  res.set_content(answer.body, "text/plain");
                });
  if (port == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
  } else if (server_->bind_to_port("127.0.0.1", port)) {
    port_ = port;
  }
  // Bound means listening: connections wait in the backlog until the loop
  // below accepts them.
  if (port_ <= 0) return;  // not bound: Requests() stays empty
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // A stop() before the loop runs would be lost and the join would hang.
  while (!server_->is_running()) absl::SleepFor(absl::Milliseconds(1));
}

WebhookReceiver::~WebhookReceiver() { Stop(); }

void WebhookReceiver::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

void WebhookReceiver::Script(std::vector<ScriptedAnswer> answers) {
  absl::MutexLock lock(&mu_);
  script_.assign(answers.begin(), answers.end());
}

std::vector<ReceivedRequest> WebhookReceiver::Requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

bool WebhookReceiver::WaitFor(size_t n, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return requests_.size() >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

bool SignedWith(const ReceivedRequest& r, const std::string& secret) {
  std::string key;
  if (!absl::StartsWith(secret, "whsec_") ||
      !absl::Base64Unescape(secret.substr(6), &key)) {
    return false;
  }
  auto header = [&](const char* name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  };
  const std::string content = absl::StrCat(
      header("webhook-id"), ".", header("webhook-timestamp"), ".", r.body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(),
       mac, &size);
  const std::string expected = absl::StrCat(
      "v1,",
      absl::Base64Escape(std::string(reinterpret_cast<char*>(mac), size)));
  for (absl::string_view sig :
       absl::StrSplit(header("webhook-signature"), ' ', absl::SkipEmpty())) {
    if (sig == expected) return true;
  }
  return false;
}

int SignatureCount(const ReceivedRequest& r) {
  auto it = r.headers.find("webhook-signature");
  if (it == r.headers.end()) return 0;
  std::vector<absl::string_view> parts =
      absl::StrSplit(it->second, ' ', absl::SkipEmpty());
  return static_cast<int>(parts.size());
}

}  // namespace mops::testing

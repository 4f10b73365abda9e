// A webhook receiver for tests: an HTTP server (cpp-httplib) on 127.0.0.1
// with a free port that records every request and answers as scripted.
#ifndef MOPS_TESTS_TESTING_WEBHOOK_RECEIVER_H_
#define MOPS_TESTS_TESTING_WEBHOOK_RECEIVER_H_

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace httplib {
class Server;
}

namespace mops::testing {

struct ReceivedRequest {
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct ScriptedAnswer {
  ScriptedAnswer(int status = 200, std::string body = "ok",
                 std::map<std::string, std::string> headers = {},
                 absl::Duration delay = absl::ZeroDuration())
      : status(status),
        body(std::move(body)),
        headers(std::move(headers)),
        delay(delay) {}
  int status;
  std::string body;
  std::map<std::string, std::string> headers;
  absl::Duration delay;  // how long to wait before answering
};

class WebhookReceiver {
 public:
  // Listens on 127.0.0.1 with a free port, or on `port` (to come back on
  // the same one after Stop).
  explicit WebhookReceiver(int port = 0);
  ~WebhookReceiver();  // Stop
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;
  // Answers to the next requests, in order; then 200 "ok".
  void Script(std::vector<ScriptedAnswer> answers);
  std::vector<ReceivedRequest> Requests() const;
  // Waits until at least `n` requests came; false after `timeout`.
  bool WaitFor(size_t n, absl::Duration timeout = absl::Seconds(20)) const;
  void Stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable absl::Mutex mu_;
  std::vector<ReceivedRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::deque<ScriptedAnswer> script_ ABSL_GUARDED_BY(mu_);
};

// Whether `signature_header` ("v1,<b64> v1,<b64>") holds a valid
// Standard Webhooks signature of the request under `secret` ("whsec_..."),
// computed here from the spec with OpenSSL, not with the server's code.
bool SignedWith(const ReceivedRequest& r, const std::string& secret);
// How many signatures the webhook-signature header carries.
int SignatureCount(const ReceivedRequest& r);

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_WEBHOOK_RECEIVER_H_

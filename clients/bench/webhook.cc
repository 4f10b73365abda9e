// The webhook scenario's side work: a receiver on 127.0.0.1 (cpp-httplib)
// and one webhook on task.created posting to it, timing each delivery from
// the event's commit to its arrival. The spawned mopsd allows private
// targets; a --server must run with --webhook-allow-private-targets.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/bench/bench.h"
#include "grpcpp/grpcpp.h"
#include "httplib.h"
#include "mops/v1/webhooks.grpc.pb.h"

namespace mops::bench {
namespace {

// The event's commit time: the first "time" of the body is the Event's.
std::optional<absl::Time> EventTime(const std::string& body) {
  const std::string key = "\"time\":\"";
  const size_t at = body.find(key);
  if (at == std::string::npos) return std::nullopt;
  const size_t end = body.find('"', at + key.size());
  absl::Time t;
  std::string err;
  if (end == std::string::npos ||
      !absl::ParseTime(absl::RFC3339_full,
                       body.substr(at + key.size(), end - at - key.size()), &t,
                       &err)) {
    return std::nullopt;
  }
  return t;
}

}  // namespace

std::string RunWebhook(const World& w, Clock::time_point at,
                       Clock::time_point end) {
  absl::Mutex mu;
  std::vector<double> latencies;
  httplib::Server receiver;
  receiver.Post(
      "/hook", [&](const httplib::Request& req, httplib::Response& res) {
        std::optional<absl::Time> t = EventTime(req.body);
        if (t) {
          absl::MutexLock lock(&mu);
          latencies.push_back(absl::ToDoubleMilliseconds(absl::Now() - *t));
        }
        res.status = 204;
      });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread serve([&] { receiver.listen_after_bind(); });

  auto stub = v1::WebhookService::NewStub(NewChannel(w.server, -4));
  auto call = [&](auto method, const auto& req, auto* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + w.admin);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    return (stub.get()->*method)(&ctx, req, resp);
  };
  std::this_thread::sleep_until(at);
  v1::CreateWebhookRequest create;
  create.mutable_webhook()->set_url(
      absl::StrCat("http://127.0.0.1:", port, "/hook"));
  create.mutable_webhook()->mutable_filter()->add_types("task.created");
  v1::CreateWebhookResponse created;
  grpc::Status s =
      call(&v1::WebhookService::Stub::CreateWebhook, create, &created);
  std::string result;
  if (!s.ok()) {
    result = "could not create the webhook: " + s.error_message();
  } else {
    std::this_thread::sleep_until(end);
    v1::DeleteWebhookRequest del;
    del.set_name(created.webhook().name());
    v1::DeleteWebhookResponse deleted;
    v1::GetWebhookRequest get;
    get.set_name(created.webhook().name());
    v1::Webhook state;
    (void)call(&v1::WebhookService::Stub::GetWebhook, get, &state);
    (void)call(&v1::WebhookService::Stub::DeleteWebhook, del, &deleted);
    absl::MutexLock lock(&mu);
    const double p50 = Percentile(latencies, 0.50);
    const double p99 = Percentile(latencies, 0.99);
    result = absl::StrFormat(
        "1 webhook on task.created: %d delivered in the window (%.0f/s), "
        "commit to receiver p50 %.1f ms, p99 %.1f ms; %d pending at the end",
        static_cast<int>(latencies.size()),
        latencies.size() / absl::ToDoubleSeconds(w.window), p50, p99,
        static_cast<int>(state.pending_deliveries()));
  }
  receiver.stop();
  serve.join();
  return result;
}

}  // namespace mops::bench

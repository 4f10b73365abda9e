// The watch scenario's side work: 1,000 idle WatchEvents streams (filtered
// on approval.*, which create-task never emits) and one that receives every
// task.created of the load, timing each from its commit to its arrival.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "clients/bench/bench.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/events.grpc.pb.h"

namespace mops::bench {
namespace {

constexpr int kIdleWatchers = 1000;

// One stream, read with gRPC's callback API: no thread per watcher.
class Watch : public grpc::ClientReadReactor<v1::WatchEventsResponse> {
 public:
  // `latencies`: when set, the commit-to-arrival time of each event
  // committed from `since` on goes there.
  Watch(v1::EventService::Stub* stub, const std::string& token,
        const v1::WatchEventsRequest& req, std::vector<double>* latencies,
        absl::Mutex* mu, absl::Time since = absl::InfinitePast())
      : latencies_(latencies), mu_(mu), since_(since) {
    ctx_.AddMetadata("authorization", "Bearer " + token);
    stub->async()->WatchEvents(&ctx_, &req, this);
    StartRead(&resp_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (latencies_ != nullptr && resp_.events_size() > 0) {
      const absl::Time now = absl::Now();
      absl::MutexLock lock(mu_);
      for (const auto& e : resp_.events()) {
        const absl::Time t = absl::FromUnixSeconds(e.time().seconds()) +
                             absl::Nanoseconds(e.time().nanos());
        if (t >= since_) {
          latencies_->push_back(absl::ToDoubleMilliseconds(now - t));
        }
      }
    }
    StartRead(&resp_);
  }
  void OnDone(const grpc::Status& s) override {
    absl::MutexLock lock(&done_mu_);
    status_ = s;
    done_ = true;
  }
  void Cancel() { ctx_.TryCancel(); }
  // Waits for OnDone; false when the stream failed other than by Cancel.
  bool Wait() {
    absl::MutexLock lock(&done_mu_);
    done_mu_.Await(absl::Condition(&done_));
    return status_.error_code() == grpc::CANCELLED;
  }

 private:
  grpc::ClientContext ctx_;
  v1::WatchEventsResponse resp_;
  std::vector<double>* latencies_;
  absl::Mutex* mu_;
  const absl::Time since_;
  absl::Mutex done_mu_;
  bool done_ = false;
  grpc::Status status_;
};

}  // namespace

std::string RunWatchers(const World& w, Clock::time_point at,
                        Clock::time_point end) {
  auto channel = NewChannel(w.server, -3);
  auto stub = v1::EventService::NewStub(channel);
  absl::Mutex mu;
  std::vector<double> latencies;
  v1::WatchEventsRequest delivered;
  delivered.set_from_now(true);
  delivered.mutable_filter()->add_types("task.created");
  // Opened first, counting from `at`: a stream opened at the window's start,
  // after a thousand others, could still be setting up when a short window
  // (the smoke test's) ends.
  const absl::Time since = absl::Now() + absl::FromChrono(at - Clock::now());
  std::vector<std::unique_ptr<Watch>> watches;
  watches.push_back(std::make_unique<Watch>(stub.get(), w.admin, delivered,
                                            &latencies, &mu, since));
  v1::WatchEventsRequest idle;
  idle.set_from_now(true);
  idle.mutable_filter()->add_types("approval.*");
  for (int i = 0; i < kIdleWatchers; ++i) {
    watches.push_back(
        std::make_unique<Watch>(stub.get(), w.admin, idle, nullptr, nullptr));
  }
  std::this_thread::sleep_until(end);
  for (auto& watch : watches) watch->Cancel();
  int failed = 0;
  for (auto& watch : watches) failed += watch->Wait() ? 0 : 1;
  absl::MutexLock lock(&mu);
  const double p50 = Percentile(latencies, 0.50);
  const double p99 = Percentile(latencies, 0.99);
  return absl::StrFormat(
      "%d idle watchers and 1 receiving task.created: %d events delivered, "
      "commit to client p50 %.1f ms, p99 %.1f ms; %d streams failed",
      kIdleWatchers, static_cast<int>(latencies.size()), p50, p99, failed);
}

}  // namespace mops::bench

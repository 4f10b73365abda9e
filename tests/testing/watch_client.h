// A WatchEvents stream read on a thread of its own, so that a test can wait
// for the next message with a timeout, or not read at all (a slow client).
#ifndef MOPS_TESTS_TESTING_WATCH_CLIENT_H_
#define MOPS_TESTS_TESTING_WATCH_CLIENT_H_

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/events.grpc.pb.h"

namespace mops::testing {

class WatchClient {
 public:
  // Starts reading at once unless `paused` (then Resume starts it).
  WatchClient(v1::EventService::Stub* stub, const std::string& token,
              const v1::WatchEventsRequest& req, bool paused = false) {
    if (!token.empty()) ctx_.AddMetadata("authorization", "Bearer " + token);
    reader_ = stub->WatchEvents(&ctx_, req);
    if (!paused) Resume();
  }
  ~WatchClient() {
    ctx_.TryCancel();
    if (!thread_.joinable()) Resume();
    thread_.join();
  }

  void Resume() {
    thread_ = std::thread([this] {
      v1::WatchEventsResponse resp;
      while (reader_->Read(&resp)) {
        absl::MutexLock lock(&mu_);
        messages_.push_back(resp);
      }
      grpc::Status s = reader_->Finish();
      absl::MutexLock lock(&mu_);
      status_ = s;
      auto it =
          ctx_.GetServerTrailingMetadata().find("mops-resume-after-revision");
      if (it != ctx_.GetServerTrailingMetadata().end()) {
        resume_ = std::string(it->second.data(), it->second.size());
      }
    });
  }

  // The next message, or nullopt when none came within `timeout` (or the
  // stream ended).
  std::optional<v1::WatchEventsResponse> Next(
      absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return !messages_.empty() || status_.has_value();
    };
    mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
    if (messages_.empty()) return std::nullopt;
    v1::WatchEventsResponse out = std::move(messages_.front());
    messages_.pop_front();
    return out;
  }

  // Reads until a message carries an event (skipping progress notices);
  // nullopt at the timeout.
  std::optional<v1::WatchEventsResponse> NextWithEvents(
      absl::Duration timeout = absl::Seconds(10)) {
    const absl::Time end = absl::Now() + timeout;
    while (absl::Now() < end) {
      auto m = Next(end - absl::Now());
      if (!m) return std::nullopt;
      if (m->events_size() > 0) return m;
    }
    return std::nullopt;
  }

  // The stream's final status, once it ended (waits up to `timeout`).
  std::optional<grpc::Status> Status(
      absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    auto ended = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return status_.has_value();
    };
    mu_.AwaitWithTimeout(absl::Condition(&ended), timeout);
    return status_;
  }
  std::string resume_metadata() {
    absl::MutexLock lock(&mu_);
    return resume_;
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  std::deque<v1::WatchEventsResponse> messages_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> status_ ABSL_GUARDED_BY(mu_);
  std::string resume_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_WATCH_CLIENT_H_

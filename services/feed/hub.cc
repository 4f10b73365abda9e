#include "services/feed/hub.h"

#include <algorithm>
#include <utility>

#include "google/protobuf/io/coded_stream.h"
#include "storage/log.h"

namespace mops::services::feed {

namespace {

constexpr absl::Duration kTick = absl::Milliseconds(200);
constexpr size_t kMaxQueuedBytes = size_t{64} << 20;

}  // namespace

// WatchEventsResponse.events is field 1, length-delimited.
std::string EventField(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() + 6);
  uint8_t head[1 + 5];  // tag, varint32
  head[0] = (1 << 3) | 2;
  uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(bytes.size()), head + 1);
  out.append(reinterpret_cast<const char*>(head), end - head);
  out.append(bytes);
  return out;
}

WatchHub::WatchHub() : thread_([this] { Loop(); }) {}

WatchHub::~WatchHub() { Shutdown(); }

void WatchHub::Publish(uint64_t revision, std::vector<std::string> events) {
  if (watchers_.load(std::memory_order_acquire) == 0) return;
  size_t bytes = 0;
  for (const std::string& e : events) bytes += e.size();
  absl::MutexLock lock(&mu_);
  if (stopping_ || overrun_) return;
  if (queued_bytes_ + bytes > kMaxQueuedBytes) {
    overrun_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    return;
  }
  queued_bytes_ += bytes;
  queue_.push_back(Committed{revision, std::move(events)});
}

bool WatchHub::Add(std::shared_ptr<Watcher> w) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  list_.push_back(std::move(w));
  // Under mu_: a Publish that reads the count after this queues its batch.
  watchers_.store(list_.size(), std::memory_order_release);
  return true;
}

void WatchHub::Remove(const Watcher* w) {
  absl::MutexLock lock(&mu_);
  auto it = std::find_if(list_.begin(), list_.end(),
                         [w](const auto& p) { return p.get() == w; });
  if (it == list_.end()) return;
  std::swap(*it, list_.back());
  list_.pop_back();
  watchers_.store(list_.size(), std::memory_order_release);
}

size_t WatchHub::watcher_count() const {
  return watchers_.load(std::memory_order_acquire);
}

std::vector<std::shared_ptr<Watcher>> WatchHub::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return list_;
}

std::shared_ptr<const FeedBatch> WatchHub::Parse(Committed committed) {
  auto batch = std::make_shared<FeedBatch>();
  batch->revision = committed.revision;
  batch->events.reserve(committed.events.size());
  for (std::string& bytes : committed.events) {
    FeedEvent e;
    // The engine wrote these bytes from an Event a moment ago.
    if (!e.event.ParseFromString(bytes)) {
      LogError("watch hub: an event of revision ", committed.revision,
               " does not parse; watchers will not see it");
      continue;
    }
    e.field = EventField(bytes);
    if (std::find(batch->types.begin(), batch->types.end(), e.event.type()) ==
        batch->types.end()) {
      batch->types.push_back(e.event.type());
    }
    batch->events.push_back(std::move(e));
  }
  return batch;
}

void WatchHub::Loop() {
  absl::Time next_tick = absl::Now() + kTick;
  for (;;) {
    std::deque<Committed> work;
    bool overrun = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || overrun_ || !queue_.empty();
      };
      mu_.AwaitWithDeadline(absl::Condition(&ready), next_tick);
      if (stopping_) return;
      work.swap(queue_);
      queued_bytes_ = 0;
      overrun = std::exchange(overrun_, false);
    }
    if (overrun) {
      for (const auto& w : Snapshot()) {
        w->Stop(absl::ResourceExhaustedError(
            "the server fell behind sending the feed to its watchers"));
      }
    }
    if (!work.empty()) {
      std::vector<std::shared_ptr<Watcher>> watchers = Snapshot();
      for (Committed& c : work) {
        std::shared_ptr<const FeedBatch> batch = Parse(std::move(c));
        for (const auto& w : watchers) w->Offer(batch);
      }
    }
    const absl::Time now = absl::Now();
    if (now >= next_tick) {
      for (const auto& w : Snapshot()) w->Tick(now);
      next_tick = now + kTick;
    }
  }
}

void WatchHub::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    queue_.clear();
  }
  if (thread_.joinable()) thread_.join();
  for (const auto& w : Snapshot()) {
    w->Stop(absl::UnavailableError("the server is shutting down"));
  }
}

}  // namespace mops::services::feed

#include "services/feed/hub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
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

namespace {

void Erase(std::vector<std::shared_ptr<Watcher>>& v, const Watcher* w) {
  auto it = std::find_if(v.begin(), v.end(),
                         [w](const auto& p) { return p.get() == w; });
  if (it == v.end()) return;
  std::swap(*it, v.back());
  v.pop_back();
}

}  // namespace

void WatchHub::Index(const std::shared_ptr<Watcher>& w, bool add) {
  const std::vector<std::string>& types = w->WantedTypes();
  if (types.empty()) {
    if (add) {
      every_type_.push_back(w);
    } else {
      Erase(every_type_, w.get());
    }
    return;
  }
  for (const std::string& t : types) {
    auto& v = by_type_[t];
    // A type named twice is indexed once.
    const bool there =
        std::any_of(v.begin(), v.end(), [&](const auto& p) { return p == w; });
    if (add && !there) v.push_back(w);
    if (!add) {
      Erase(v, w.get());
      if (v.empty()) by_type_.erase(t);
    }
  }
}

std::vector<std::shared_ptr<Watcher>> WatchHub::WatchersOf(
    const FeedBatch& batch) const {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<Watcher>> out = every_type_;
  const size_t untyped = out.size();
  auto add = [&](absl::string_view key) {
    auto it = by_type_.find(key);
    if (it == by_type_.end()) return;
    for (const auto& w : it->second) {
      if (std::find(out.begin() + untyped, out.end(), w) == out.end()) {
        out.push_back(w);
      }
    }
  };
  for (const std::string& type : batch.types) {
    add(type);
    const size_t dot = type.find('.');
    if (dot != std::string::npos) {
      add(absl::StrCat(absl::string_view(type).substr(0, dot + 1), "*"));
    }
  }
  return out;
}

bool WatchHub::Add(std::shared_ptr<Watcher> w) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  Index(w, true);
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
  Index(*it, false);
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
    for (Committed& c : work) {
      std::shared_ptr<const FeedBatch> batch = Parse(std::move(c));
      for (const auto& w : WatchersOf(*batch)) w->Offer(batch);
      offered_.store(batch->revision, std::memory_order_release);
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

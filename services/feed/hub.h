// The watch hub: hands each committed batch of the change feed to every
// open watch (WatchEvents), off the apply thread.
//
// The engine's feed listener (Publish) only queues the batch's serialized
// events; the hub's own thread parses them once, encodes each as a
// WatchEventsResponse.events field once, and offers the batch to every
// watcher, which keeps what it wants in its own bounded queue. With no
// watcher open, Publish drops the batch at once. Every 200 ms the hub ticks
// the watchers, which send their progress notices. Should the hub's thread
// fall more than 64 MiB of events behind the commits, it drops them and
// ends every watch (RESOURCE_EXHAUSTED), which resumes from storage.
#ifndef MOPS_SERVICES_FEED_HUB_H_
#define MOPS_SERVICES_FEED_HUB_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "mops/v1/events.pb.h"

namespace mops::services::feed {

// One event of a committed batch, parsed once for every watcher.
struct FeedEvent {
  v1::Event event;
  // The event as a WatchEventsResponse.events field: tag, length, bytes.
  std::string field;
};

struct FeedBatch {
  // The batch's last revision: every revision up to it is committed.
  uint64_t revision = 0;
  std::vector<FeedEvent> events;   // in revision order
  std::vector<std::string> types;  // each type among them, once
};

// `serialized` (an Event) as a WatchEventsResponse.events field.
std::string EventField(const std::string& serialized);

// What the hub knows of a watch.
class Watcher {
 public:
  virtual ~Watcher() = default;
  // A batch committed after the watcher was added (each once, in order).
  virtual void Offer(const std::shared_ptr<const FeedBatch>& batch) = 0;
  // Called every tick: time for a progress notice?
  virtual void Tick(absl::Time now) = 0;
  // Ends the watch with `status` (the server is stopping).
  virtual void Stop(const absl::Status& status) = 0;
  // The types it wants, exact or "noun.*"; empty: every type. Constant: the
  // hub offers a batch only to the watchers of its types.
  virtual const std::vector<std::string>& WantedTypes() const = 0;
};

class WatchHub {
 public:
  WatchHub();
  ~WatchHub();  // Shutdown
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // The engine's feed listener (Engine::SetFeedListener).
  void Publish(uint64_t revision, std::vector<std::string> events);

  // Every batch committed after Add returns is offered to `w`. False when
  // the hub has shut down.
  bool Add(std::shared_ptr<Watcher> w);
  void Remove(const Watcher* w);
  size_t watcher_count() const;
  // Every batch up to this revision has been offered to each watcher that
  // wants one of its types: what a watcher has not queued up to it, it
  // does not want.
  uint64_t offered_revision() const {
    return offered_.load(std::memory_order_acquire);
  }

  // Stops every watcher with UNAVAILABLE and the hub's thread; later
  // Publish calls do nothing and Add refuses. Idempotent.
  void Shutdown();

 private:
  struct Committed {
    uint64_t revision;
    std::vector<std::string> events;
  };
  void Loop();
  static std::shared_ptr<const FeedBatch> Parse(Committed committed);
  std::vector<std::shared_ptr<Watcher>> Snapshot() const;
  // The watchers that want one of `batch`'s types, each once.
  std::vector<std::shared_ptr<Watcher>> WatchersOf(
      const FeedBatch& batch) const;
  // "approval.decided" and "approval.*" are keys as they are.
  void Index(const std::shared_ptr<Watcher>& w, bool add)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::atomic<size_t> watchers_{0};
  mutable absl::Mutex mu_;
  std::vector<std::shared_ptr<Watcher>> list_ ABSL_GUARDED_BY(mu_);
  // The watchers by wanted type or "noun.*", and those that want every type.
  absl::flat_hash_map<std::string, std::vector<std::shared_ptr<Watcher>>>
      by_type_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Watcher>> every_type_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> offered_{0};
  std::deque<Committed> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  // The queue passed kMaxQueuedBytes and was dropped: the watchers missed
  // batches and must be ended.
  bool overrun_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mops::services::feed

#endif  // MOPS_SERVICES_FEED_HUB_H_

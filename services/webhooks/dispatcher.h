// The dispatcher delivers webhooks in the background, off the apply
// thread: a few worker threads, each taking one webhook ("lane") at a time.
//
// A lane's job (delivery.cc) reads what is due: its pending retries, then
// the feed after the lane's cursor, filtered by what the webhook wants and
// what its owner may read. It POSTs each event (one event per request, in
// revision order, each signed), then records what happened in one command
// (record.cc): the attempts in the delivery log, failed ones as pending
// rows with their next attempt time, and the cursor. A delivery is
// acknowledged to the dispatcher only once that command is durable, so a
// server killed mid-job sends those events again after the restart: at
// least once, with the same webhook-id.
#ifndef MOPS_SERVICES_WEBHOOKS_DISPATCHER_H_
#define MOPS_SERVICES_WEBHOOKS_DISPATCHER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/webhooks/webhooks.h"
#include "storage/engine.h"

namespace mops::services::webhooks {

// What a lane's job leaves for the next one.
struct LaneState {
  bool exists = true;
  bool enabled = false;
  // Every event up to this revision was looked at (delivered, pending or
  // not wanted); ahead of the stored cursor when nothing was wanted.
  uint64_t scanned = 0;
  // The stored progress's epoch the job saw.
  uint64_t epoch = 0;
  // The earliest pending retry.
  absl::Time next_due = absl::InfiniteFuture();
  // After a job that could not read or record: no job before this (engine
  // clock), whatever else makes the lane ready.
  absl::Time not_before = absl::InfinitePast();
};

class Dispatcher {
 public:
  Dispatcher(storage::Engine* engine, WebhookOptions options);
  ~Dispatcher();  // Stop
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Loads the webhooks and starts the workers. After Engine::Start.
  absl::Status Start();
  // Aborts the attempts in flight and joins the workers. Aborted attempts
  // are sent again after a restart. Idempotent.
  void Stop();

  // The engine's feed listener, on the apply thread: a batch committed.
  void OnCommit(uint64_t revision, bool has_events);
  // A WebhookService command committed: read the webhooks again.
  void Changed();

 private:
  struct Lane {
    LaneState state;
    bool busy = false;
    bool dirty = true;  // read it again from storage at its next job
    // When its last job started: the lane waiting longest goes first.
    absl::Time last_run = absl::InfinitePast();
  };

  void Work();
  // A lane that has work, marked busy; empty when none.
  std::string TakeLane(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // How long a worker may sleep: until the next retry, at most 250 ms.
  absl::Duration IdleWait(absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads every webhook's lane from storage (not holding mu_).
  absl::StatusOr<absl::flat_hash_map<std::string, LaneState>> ReadLanes() const;
  void Merge(absl::flat_hash_map<std::string, LaneState> lanes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::Engine* const engine_;
  const WebhookOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> any_lane_{false};
  std::vector<std::thread> workers_;

  absl::Mutex mu_;
  absl::CondVar cv_;
  absl::flat_hash_map<std::string, Lane> lanes_ ABSL_GUARDED_BY(mu_);
  // The last revision whose batch had events.
  uint64_t last_event_revision_ ABSL_GUARDED_BY(mu_) = 0;
  bool reload_ ABSL_GUARDED_BY(mu_) = true;
  bool reloading_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_DISPATCHER_H_

#include "services/webhooks/dispatcher.h"

#include <algorithm>
#include <utility>

#include "services/webhooks/delivery.h"
#include "services/webhooks/http_client.h"
#include "services/webhooks/keys.h"
#include "services/webhooks/state.h"
#include "storage/log.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks {

using storage::Cf;

namespace {
// Workers wake at least this often: retries come due on the engine's clock,
// which tests move by hand.
constexpr absl::Duration kMaxIdle = absl::Milliseconds(250);
}  // namespace

Dispatcher::Dispatcher(storage::Engine* engine, WebhookOptions options)
    : engine_(engine), options_(std::move(options)) {}

Dispatcher::~Dispatcher() { Stop(); }

absl::Status Dispatcher::Start() {
  ASSIGN_OR_RETURN(auto lanes, ReadLanes());
  {
    absl::MutexLock lock(&mu_);
    if (started_) return absl::OkStatus();
    started_ = true;
    reload_ = false;
    last_event_revision_ = engine_->committed_revision();
    Merge(std::move(lanes));
  }
  const int n = std::max(options_.workers, 1);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { Work(); });
  return absl::OkStatus();
}

void Dispatcher::Stop() {
  stopping_ = true;
  cv_.SignalAll();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void Dispatcher::OnCommit(uint64_t revision, bool has_events) {
  // No webhook, no cost on the apply thread beyond this load.
  if (!has_events || !any_lane_.load(std::memory_order_relaxed)) return;
  absl::MutexLock lock(&mu_);
  last_event_revision_ = std::max(last_event_revision_, revision);
  cv_.Signal();
}

void Dispatcher::Changed() {
  absl::MutexLock lock(&mu_);
  reload_ = true;
  cv_.Signal();
}

absl::StatusOr<absl::flat_hash_map<std::string, LaneState>>
Dispatcher::ReadLanes() const {
  absl::flat_hash_map<std::string, LaneState> lanes;
  RETURN_IF_ERROR(storage::ScanParsed<WebhookRecord>(
      *engine_, Cf::kRecords, keys::WebhookPrefix(), "",
      [&](absl::string_view, WebhookRecord&& r) {
        const std::string& name = r.webhook().name();
        LaneState& lane = lanes[name.substr(name.find('/') + 1)];
        lane.enabled = r.webhook().state() == v1::Webhook::ENABLED;
        return true;
      }));
  for (auto& [id, lane] : lanes) {
    ASSIGN_OR_RETURN(WebhookProgress progress, LoadProgress(*engine_, id));
    lane.scanned = progress.delivered_revision();
    lane.epoch = progress.epoch();
    // Retries may be due: the lane's first job finds out.
    lane.next_due = absl::InfinitePast();
  }
  return lanes;
}

void Dispatcher::Merge(absl::flat_hash_map<std::string, LaneState> lanes) {
  for (auto it = lanes_.begin(); it != lanes_.end();) {
    // A busy lane's job finds out itself that its webhook is gone.
    if (!lanes.contains(it->first) && !it->second.busy) {
      lanes_.erase(it++);
    } else {
      it->second.dirty = true;
      ++it;
    }
  }
  for (auto& [id, state] : lanes) {
    auto [it, added] = lanes_.try_emplace(id);
    if (added) it->second.state = state;
    if (!it->second.busy) it->second.state.enabled = state.enabled;
  }
  any_lane_ = !lanes_.empty();
}

std::string Dispatcher::TakeLane(absl::Time now) {
  Lane* best = nullptr;
  const std::string* best_id = nullptr;
  for (auto& [id, lane] : lanes_) {
    if (lane.busy || !lane.state.enabled || lane.state.not_before > now) {
      continue;
    }
    const bool ready = lane.dirty || lane.state.next_due <= now ||
                       lane.state.scanned < last_event_revision_;
    if (ready && (best == nullptr || lane.last_run < best->last_run)) {
      best = &lane;
      best_id = &id;
    }
  }
  if (best == nullptr) return "";
  best->busy = true;
  best->dirty = false;
  best->last_run = absl::Now();
  return *best_id;
}

absl::Duration Dispatcher::IdleWait(absl::Time now) const {
  absl::Duration wait = kMaxIdle;
  for (const auto& [id, lane] : lanes_) {
    if (!lane.busy && lane.state.enabled) {
      wait = std::min(
          wait, std::max(lane.state.next_due, lane.state.not_before) - now);
    }
  }
  return std::max(wait, absl::Milliseconds(1));
}

void Dispatcher::Work() {
  HttpClient http;
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    if (reload_ && !reloading_) {
      reload_ = false;
      reloading_ = true;
      mu_.Unlock();
      absl::StatusOr<absl::flat_hash_map<std::string, LaneState>> lanes =
          ReadLanes();
      mu_.Lock();
      reloading_ = false;
      if (lanes.ok()) {
        Merge(*std::move(lanes));
      } else {
        LogWarning("webhooks: cannot read the webhooks: ",
                   lanes.status().message());
        reload_ = true;
        cv_.WaitWithTimeout(&mu_, absl::Seconds(1));
      }
      continue;
    }
    const absl::Time now = engine_->clock()->Now();
    std::string id = TakeLane(now);
    if (id.empty()) {
      cv_.WaitWithTimeout(&mu_, IdleWait(now));
      continue;
    }
    const LaneState before = lanes_[id].state;
    mu_.Unlock();
    LaneState after = RunLane(*engine_, options_, http, id, before, stopping_);
    mu_.Lock();
    auto it = lanes_.find(id);
    if (it == lanes_.end()) continue;
    it->second.busy = false;
    if (!after.exists) {
      lanes_.erase(it);
      any_lane_ = !lanes_.empty();
    } else {
      it->second.state = after;
    }
    // Another worker may take what this one left (a lane still behind).
    cv_.Signal();
  }
}

}  // namespace mops::services::webhooks

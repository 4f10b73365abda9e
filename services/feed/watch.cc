#include "services/feed/watch.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/io/coded_stream.h"
#include "services/common/event_filter.h"
#include "services/common/time_util.h"

namespace mops::services::feed {

namespace {

// One message holds about this many events (or bytes), in whole revisions.
constexpr size_t kMessageEvents = 1000;
constexpr size_t kMessageBytes = size_t{1} << 20;
// Catching up reads the stored feed in pages of this many events, and with
// a narrow filter sends a progress notice after this many without a match.
constexpr size_t kCatchUpPage = 1000;
constexpr size_t kScanBeforeProgress = 10000;
constexpr absl::Duration kDefaultProgress = absl::Seconds(10);
constexpr char kResumeKey[] = "mops-resume-after-revision";

void AppendVarintField(int field, uint64_t value, std::string* out) {
  using google::protobuf::io::CodedOutputStream;
  uint8_t buf[1 + 10];                        // tag, varint64
  buf[0] = static_cast<uint8_t>(field << 3);  // wire type 0
  uint8_t* end = CodedOutputStream::WriteVarint64ToArray(value, buf + 1);
  out->append(reinterpret_cast<const char*>(buf), end - buf);
}

class WatchStream : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                    public Watcher,
                    public std::enable_shared_from_this<WatchStream> {
 public:
  WatchStream(grpc::CallbackServerContext* context, const WatchEvents& config,
              Principal principal, EventFilter filter,
              std::vector<std::string> types, absl::Duration progress)
      : context_(context),
        auth_(config.auth),
        engine_(config.engine),
        hub_(config.hub),
        options_(config.options),
        progress_(progress),
        filter_(std::move(filter)),
        types_(std::move(types)),
        principal_(std::move(principal)) {}

  void Begin(const v1::WatchEventsRequest& req);

  void Offer(const std::shared_ptr<const FeedBatch>& batch) override;
  void Tick(absl::Time now) override;
  void Stop(const absl::Status& status) override { End(status, true); }
  const std::vector<std::string>& WantedTypes() const override {
    return types_;
  }

  void OnWriteDone(bool ok) override;
  void OnCancel() override {
    End(absl::CancelledError("the client cancelled the watch"), false);
  }
  void OnDone() override;

 private:
  enum class Phase { kCatchUp, kLive };
  enum class Step { kWrite, kAgain };
  // A batch's events this watch wants (indexes into batch->events), and
  // how many of them were written.
  struct Queued {
    std::shared_ptr<const FeedBatch> batch;
    std::vector<uint32_t> picks;
    size_t next = 0;
  };

  // The hub offers only batches with a type this watch wants: every
  // revision up to this that is not queued is not wanted.
  uint64_t Offered() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::max(offered_, hub_->offered_revision());
  }
  bool Wants(const v1::Event& e) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return filter_.Matches(e) && EventVisibleTo(principal_, e);
  }
  // Asks for the stream to end; whoever is busy (or the caller, now)
  // finishes it. `resume`: the status names the revision to resume from.
  void End(const absl::Status& status, bool resume);
  void Fail(absl::Status status, bool resume)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs while busy_: writes the next message or goes idle.
  void Pump();
  Step CatchUp();
  bool TakeLive() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Encode(std::string fields, uint64_t next)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ClearQueue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  grpc::CallbackServerContext* const context_;
  const Authenticator* const auth_;
  const storage::Engine* const engine_;
  WatchHub* const hub_;
  const WatchOptions options_;
  const absl::Duration progress_;
  const EventFilter filter_;
  const std::vector<std::string> types_;  // the filter's, as asked
  // Held from Begin to OnDone: the hub may still hold it after.
  std::shared_ptr<WatchStream> self_;

  absl::Mutex mu_;
  Principal principal_ ABSL_GUARDED_BY(mu_);
  Phase phase_ ABSL_GUARDED_BY(mu_) = Phase::kCatchUp;
  // Every revision up to cursor_ is written or not wanted.
  uint64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  // next_after_revision of the last message the client got (or the start).
  uint64_t acked_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t writing_ ABSL_GUARDED_BY(mu_) = 0;  // ... of the one in flight
  // The last batch the hub offered: what is not queued up to it is unwanted.
  uint64_t offered_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_events_ ABSL_GUARDED_BY(mu_) = 0;
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  // Catching up, the queue overflowed and was dropped: read storage again.
  bool dropped_ ABSL_GUARDED_BY(mu_) = false;
  size_t scanned_ ABSL_GUARDED_BY(mu_) = 0;  // since the last message
  bool progress_due_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_write_ ABSL_GUARDED_BY(mu_) = absl::Now();
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
  bool end_resume_ ABSL_GUARDED_BY(mu_) = false;
  bool busy_ ABSL_GUARDED_BY(mu_) = true;  // Begin holds it
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ByteBuffer out_;  // the message in flight (busy_ owner)
};

void WatchStream::Begin(const v1::WatchEventsRequest& req) {
  self_ = shared_from_this();
  const bool added = hub_->Add(self_);
  // After Add: every batch committed after this read reaches Offer.
  const uint64_t head = engine_->committed_revision();
  {
    absl::MutexLock lock(&mu_);
    if (!added) {
      Fail(absl::UnavailableError("the server is shutting down"), false);
    } else if (req.from_now()) {
      cursor_ = head;
      phase_ = Phase::kLive;
    } else if (req.after_revision() > head) {
      Fail(absl::OutOfRangeError(
               absl::StrCat("after_revision: ", req.after_revision(),
                            " is past the head revision ", head)),
           false);
    } else {
      cursor_ = req.after_revision();
      const uint64_t first = engine_->first_event_revision();
      if (cursor_ + 1 < first) {
        Fail(absl::OutOfRangeError(absl::StrCat(
                 "after_revision: ", cursor_,
                 " is past the feed's retention; the first revision kept is ",
                 first, " (watch from after_revision ", first - 1, ")")),
             false);
      }
    }
    acked_ = cursor_;
    offered_ = cursor_;
    progress_due_ = true;  // the first message says where the watch starts
  }
  Pump();
}

void WatchStream::Fail(absl::Status status, bool resume) {
  if (end_) return;
  end_ = std::move(status);
  end_resume_ = resume;
  ClearQueue();
}

void WatchStream::ClearQueue() {
  queue_.clear();
  queued_events_ = 0;
  queued_bytes_ = 0;
}

void WatchStream::End(const absl::Status& status, bool resume) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    Fail(status, resume);
    if (busy_) return;  // the owner finishes it
    busy_ = true;
  }
  Pump();
}

void WatchStream::Offer(const std::shared_ptr<const FeedBatch>& batch) {
  // Most watchers want few types: most batches are not theirs at all.
  const bool typed = std::any_of(
      batch->types.begin(), batch->types.end(),
      [this](const std::string& t) { return filter_.MatchesType(t); });
  {
    absl::MutexLock lock(&mu_);
    if (finished_ || end_) return;
    offered_ = std::max(offered_, batch->revision);
    if (!typed) {
      if (phase_ == Phase::kLive && !busy_ && queue_.empty()) {
        cursor_ = std::max(cursor_, Offered());
      }
      return;
    }
    Queued q{batch, {}, 0};
    size_t bytes = 0;
    for (size_t i = 0; i < batch->events.size(); ++i) {
      const FeedEvent& e = batch->events[i];
      if (e.event.revision() > cursor_ && Wants(e.event)) {
        q.picks.push_back(static_cast<uint32_t>(i));
        bytes += e.field.size();
      }
    }
    if (!q.picks.empty()) {
      // One batch always fits: its events are the hub's, shared.
      if (!queue_.empty() &&
          (queued_events_ + q.picks.size() > options_.max_events ||
           queued_bytes_ + bytes > options_.max_bytes)) {
        if (phase_ == Phase::kCatchUp) {
          ClearQueue();  // catch-up reads it from storage instead
          dropped_ = true;
          return;
        }
        Fail(absl::ResourceExhaustedError(absl::StrCat(
                 "this watch fell behind: more than ", options_.max_events,
                 " events or ", options_.max_bytes,
                 " bytes were waiting for the client to read them")),
             true);
      } else {
        queued_events_ += q.picks.size();
        queued_bytes_ += bytes;
        queue_.push_back(std::move(q));
      }
    }
    if (busy_ || phase_ != Phase::kLive) return;
    if (queue_.empty() && !end_) {
      cursor_ = std::max(cursor_, Offered());
      return;
    }
    busy_ = true;
  }
  Pump();
}

void WatchStream::Tick(absl::Time now) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_ || busy_ || phase_ != Phase::kLive || !queue_.empty() ||
        now - last_write_ < progress_) {
      return;
    }
    progress_due_ = true;
    busy_ = true;
  }
  Pump();
}

void WatchStream::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    if (ok) {
      acked_ = writing_;
    } else {
      Fail(absl::CancelledError("the client stopped reading"), false);
    }
  }
  Pump();
}

void WatchStream::OnDone() {
  hub_->Remove(this);
  // The last reference may be the hub's, or this one.
  std::shared_ptr<WatchStream> keep = std::move(self_);
}

void WatchStream::Encode(std::string fields, uint64_t next) {
  AppendVarintField(2, next, &fields);
  AppendVarintField(3, engine_->committed_revision(), &fields);
  SetWireResponse(std::move(fields), &out_);
  writing_ = next;
  last_write_ = absl::Now();
  scanned_ = 0;
}

bool WatchStream::TakeLive() {
  std::string fields;
  size_t count = 0;
  uint64_t last = cursor_;
  while (!queue_.empty()) {
    Queued& q = queue_.front();
    for (; q.next < q.picks.size(); ++q.next) {
      const FeedEvent& e = q.batch->events[q.picks[q.next]];
      const uint64_t revision = e.event.revision();
      if (revision > cursor_) {
        // A message ends between revisions.
        if (revision != last &&
            (count >= kMessageEvents || fields.size() >= kMessageBytes)) {
          break;
        }
        fields += e.field;
        ++count;
        last = revision;
      }
      --queued_events_;
      queued_bytes_ -= e.field.size();
    }
    if (q.next < q.picks.size()) break;
    last = std::max(last, q.batch->revision);
    queue_.pop_front();
  }
  if (queue_.empty()) last = std::max(last, Offered());
  cursor_ = std::max(cursor_, last);
  if (count == 0) return false;
  Encode(std::move(fields), cursor_);
  return true;
}

WatchStream::Step WatchStream::CatchUp() {
  uint64_t cursor = 0;
  {
    absl::MutexLock lock(&mu_);
    cursor = cursor_;
  }
  const uint64_t head = engine_->committed_revision();
  absl::StatusOr<std::vector<v1::Event>> page =
      engine_->ReadEventPage(cursor, kCatchUpPage);
  absl::MutexLock lock(&mu_);
  // Checked after the read: a trim that ran meanwhile raised it first.
  const uint64_t first = engine_->first_event_revision();
  if (cursor + 1 < first) {
    Fail(absl::OutOfRangeError(
             absl::StrCat("the feed's retention passed this watch at revision ",
                          cursor, "; the first revision kept is ", first)),
         false);
    return Step::kAgain;
  }
  if (!page.ok()) {
    Fail(page.status(), true);
    return Step::kAgain;
  }
  if (page->empty()) {
    cursor_ = std::max(cursor_, head);
    if (std::exchange(dropped_, false)) return Step::kAgain;
    phase_ = Phase::kLive;  // what committed since is queued
    return Step::kAgain;
  }
  std::string fields;
  for (const v1::Event& e : *page) {
    if (Wants(e)) fields += EventField(e.SerializeAsString());
  }
  cursor_ = page->back().revision();
  scanned_ += page->size();
  if (!fields.empty()) {
    Encode(std::move(fields), cursor_);
    return Step::kWrite;
  }
  if (scanned_ >= kScanBeforeProgress) progress_due_ = true;
  return Step::kAgain;
}

void WatchStream::Pump() {
  for (;;) {
    absl::MutexLock lock(&mu_);
    if (end_) {
      finished_ = true;
      absl::Status status = *end_;
      if (end_resume_) {
        status =
            absl::Status(status.code(),
                         absl::StrCat(status.message(),
                                      "; resume with after_revision ", acked_));
      }
      context_->AddTrailingMetadata(kResumeKey, absl::StrCat(acked_));
      Finish(FinishStatus("WatchEvents", status));
      return;
    }
    if (progress_due_) {
      progress_due_ = false;
      if (phase_ == Phase::kLive && queue_.empty()) {
        cursor_ = std::max(cursor_, Offered());
      }
      // A long watch outlives its token's checks at the start: a revoked
      // token or a deactivated user ends it here.
      mu_.Unlock();
      absl::StatusOr<Principal> p = auth_->Authenticate(*context_);
      mu_.Lock();
      if (!p.ok()) {
        Fail(p.status(), true);
        continue;
      }
      principal_ = *std::move(p);
      Encode("", cursor_);
      StartWrite(&out_);
      return;
    }
    if (phase_ == Phase::kCatchUp) {
      mu_.Unlock();
      const Step step = CatchUp();
      mu_.Lock();
      if (step == Step::kWrite) {
        StartWrite(&out_);
        return;
      }
      continue;
    }
    if (TakeLive()) {
      StartWrite(&out_);
      return;
    }
    busy_ = false;
    return;
  }
}

}  // namespace

absl::Status WatchEvents::Validate(const Request& req) const {
  if (req.from_now() && req.after_revision() != 0) {
    return absl::InvalidArgumentError(
        "after_revision: must be 0 with from_now (watch from one or the "
        "other)");
  }
  if (req.has_progress_interval()) {
    const absl::Duration d = FromProtoDuration(req.progress_interval());
    if (d < absl::Seconds(1) || d > absl::Hours(1)) {
      return absl::InvalidArgumentError(
          "progress_interval: must be from 1s to 1h");
    }
  }
  return EventFilter::Parse(req.filter(), "filter").status();
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchEvents::Start(
    grpc::CallbackServerContext* context, Principal principal,
    Request request) const {
  // Validate passed, so this parses.
  EventFilter filter = *EventFilter::Parse(request.filter(), "filter");
  const absl::Duration progress =
      request.has_progress_interval()
          ? FromProtoDuration(request.progress_interval())
          : kDefaultProgress;
  std::vector<std::string> types(request.filter().types().begin(),
                                 request.filter().types().end());
  auto stream = std::make_shared<WatchStream>(
      context, *this, std::move(principal), std::move(filter), std::move(types),
      progress);
  stream->Begin(request);
  return stream.get();
}

}  // namespace mops::services::feed

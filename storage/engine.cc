#include "storage/engine.h"

#include <pthread.h>

#include <typeinfo>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/log.h"
#include "storage/rocks_util.h"
#include "storage/status_macros.h"

namespace mops::storage {
namespace {

using detail::FromRocks;
using detail::ToSlice;
using mops::internal::v1::TimerRecord;

// Calls fn over [start, end) of committed rows (Txn::ScanRange merges in
// the batch's rows itself).
absl::Status IterateRange(rocksdb::Iterator* it, absl::string_view start,
                          absl::string_view end, const ScanFn& fn) {
  for (it->Seek(ToSlice(start)); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    absl::string_view key(k.data(), k.size());
    if (!end.empty() && key >= end) break;
    if (!fn(key, absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status(), "scan");
}

}  // namespace

Engine::~Engine() { Close(); }

void Engine::RegisterTimerHandler(std::string kind, TimerHandler handler) {
  timer_handlers_[std::move(kind)] = std::move(handler);
}

void Engine::SetFeedListener(FeedListener listener) {
  feed_listener_ = std::move(listener);
}

void Engine::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
  // A name, so profiles and top show the apply thread apart.
  pthread_setname_np(thread_.native_handle(), "mops-apply");
}

void Engine::Submit(Command command, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back({std::move(command), std::move(done)});
      return;
    }
  }
  done(absl::UnavailableError("the server is shutting down"));
}

absl::Status Engine::Execute(Command command) {
  absl::Notification finished;
  absl::Status result;
  Submit(std::move(command), [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

void Engine::WakeTimers() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void Engine::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  if (db_ != nullptr) {
    // Everything is already in the synced WAL; flushing the memtables makes
    // the next start skip replaying it.
    rocksdb::FlushOptions flush;
    rocksdb::Status f = db_->Flush(flush, handles_);
    if (!f.ok()) LogWarning("flush at close: ", f.ToString());
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    handles_.clear();
    rocksdb::Status s = db_->Close();
    if (!s.ok()) LogError("closing the database: ", s.ToString());
    delete db_;
    db_ = nullptr;
  }
}

bool Engine::HasWorkLocked() const {
  return !queue_.empty() || stopping_ || wake_;
}

void Engine::Loop() {
  std::vector<Pending> batch;
  while (true) {
    bool stopping;
    {
      absl::Duration wait = absl::Seconds(1);
      if (next_timer_due_) {
        wait = std::clamp(*next_timer_due_ - options_.clock->Now(),
                          absl::ZeroDuration(), absl::Seconds(1));
      }
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(this, &Engine::HasWorkLocked), wait);
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stopping = stopping_ && queue_.empty();
      wake_ = false;
    }
    bool timers_due =
        next_timer_due_ && *next_timer_due_ <= options_.clock->Now();
    if (!batch.empty() || timers_due) RunBatch(batch);
    batch.clear();
    if (stopping) return;
  }
}

absl::Status Engine::RunOne(const Command& command, uint64_t* revision) {
  writes_.SetSavePoint();
  Txn txn(this, *revision + 1, options_.clock->Now());
  absl::Status s = command(txn);
  if (s.ok() && options_.after_command) s = options_.after_command(txn);
  if (!s.ok()) {
    writes_.RollbackToSavePoint();
    return s;
  }
  writes_.PopSavePoint();
  if (txn.wrote_) ++*revision;
  if (txn.touched_timers_) batch_touched_timers_ = true;
  return s;
}

void Engine::FireDueTimers(uint64_t* revision) {
  const absl::Time now = options_.clock->Now();
  std::vector<std::pair<std::string, TimerRecord>> due;
  {
    // Read through a Txn so that timers set earlier in this batch count.
    Txn view(this, *revision + 1, now);
    absl::Status s =
        view.Scan(Cf::kTimers, keys::TimerPrefix(), "",
                  [&](absl::string_view key, absl::string_view value) {
                    std::optional<absl::Time> at = keys::TimerDue(key);
                    if (!at || *at > now) return false;
                    TimerRecord record;
                    absl::Status parsed = ParseStored(value, &record);
                    if (!parsed.ok()) {
                      // Runs as a timer of no kind, which is dropped (and
                      // logged).
                      LogError("dropping timer ", absl::CHexEscape(key), ": ",
                               parsed.ToString());
                      record.Clear();
                    }
                    due.emplace_back(std::string(key), std::move(record));
                    return due.size() < options_.max_timers_per_batch;
                  });
    if (!s.ok()) LogError("scanning timers: ", s.ToString());
  }
  batch_touched_timers_ = true;
  for (auto& [key, record] : due) {
    const std::string& timer_key = key;
    const TimerRecord& timer = record;
    auto handler = timer_handlers_.find(timer.kind());
    absl::Status s = RunOne(
        [&](Txn& txn) -> absl::Status {
          txn.CancelTimer(timer_key);
          if (handler == timer_handlers_.end()) {
            if (!timer.kind().empty()) {  // empty: did not parse, logged
              LogError("dropping timer of unknown kind \"", timer.kind(),
                       "\" for ", timer.target());
            }
            return absl::OkStatus();
          }
          return handler->second(txn, timer);
        },
        revision);
    if (s.ok()) {
      absl::MutexLock lock(&stats_mu_);
      ++stats_.timers_fired;
      continue;
    }
    LogError("timer ", timer.kind(), " for ", timer.target(),
             " failed, retrying in ",
             absl::FormatDuration(options_.timer_retry), ": ", s.ToString());
    absl::Status retry = RunOne(
        [&](Txn& txn) {
          txn.CancelTimer(timer_key);
          txn.SetTimer(now + options_.timer_retry, timer);
          return absl::OkStatus();
        },
        revision);
    if (!retry.ok()) LogError("rescheduling timer: ", retry.ToString());
  }
}

// The commands wrote their rows in the order they ran, so consecutive rows
// would land far apart in each memtable's skip list and every insert would
// search it from the top. The write set holds the same rows sorted (and only
// the last write of a key), so they are written in that order: new keys that
// sort next to each other (ids ordered by creation time, events by
// revision) are then each inserted right after the previous one, where the
// memtable's remembered insert position already points.
rocksdb::Status Engine::Commit() {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (!sorted_) sorted_ = std::make_unique<rocksdb::WriteBatch>();
  sorted_->Clear();
  for (size_t i = 0; i < kCfNames.size(); ++i) {
    const Cf cf = static_cast<Cf>(i);
    for (const auto& [key, row] : writes_.rows(cf)) {
      if (!hot_.empty()) hot_.erase(HotKey(cf, key));
      rocksdb::ColumnFamilyHandle* h = handle(cf, key);
      rocksdb::Status s =
          row.deleted ? sorted_->Delete(h, ToSlice(key))
                      : sorted_->Put(h, ToSlice(key), ToSlice(row.value));
      if (!s.ok()) return s;
    }
  }
  return db_->Write(wo, sorted_.get());
}

const std::string& Engine::HotKey(Cf cf, absl::string_view key) {
  hot_key_.assign(1, static_cast<char>(CfIndex(cf)));
  hot_key_.append(key.data(), key.size());
  return hot_key_;
}

absl::StatusOr<Engine::HotRow*> Engine::FindHot(Cf cf, absl::string_view key) {
  // Enough for every project, team and active user of a large department.
  constexpr size_t kMaxHotRows = 4096;
  auto found = hot_.find(HotKey(cf, key));
  if (found != hot_.end()) return &found->second;
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handle(cf, key), ToSlice(key), &value);
  if (s.IsNotFound()) return nullptr;
  RETURN_IF_ERROR(FromRocks(s, "get"));
  if (hot_.size() >= kMaxHotRows) hot_.clear();
  return &hot_.emplace(HotKey(cf, key), HotRow{std::move(value), nullptr})
              .first->second;
}

absl::StatusOr<std::optional<std::string>> Engine::ReadHot(
    Cf cf, absl::string_view key) {
  ASSIGN_OR_RETURN(HotRow * row, FindHot(cf, key));
  if (row == nullptr) return std::nullopt;
  return row->value;
}

absl::StatusOr<std::shared_ptr<const google::protobuf::MessageLite>>
Engine::ReadHotParsed(Cf cf, absl::string_view key,
                      const google::protobuf::MessageLite& prototype) {
  ASSIGN_OR_RETURN(HotRow * row, FindHot(cf, key));
  if (row == nullptr) return nullptr;
  // A key holds one message type; the check keeps a caller that asks for
  // another type from getting the wrong one.
  const google::protobuf::MessageLite* cached = row->parsed.get();
  if (cached == nullptr || typeid(*cached) != typeid(prototype)) {
    std::shared_ptr<google::protobuf::MessageLite> parsed(prototype.New());
    RETURN_IF_ERROR(ParseStored(row->value, parsed.get()));
    row->parsed = std::move(parsed);
  }
  return row->parsed;
}

void Engine::RunBatch(std::vector<Pending>& batch) {
  writes_.Clear();
  batch_touched_timers_ = false;
  const uint64_t start_revision = committed_revision_.load();
  uint64_t revision = start_revision;
  std::vector<absl::Status> results;
  results.reserve(batch.size());
  for (Pending& p : batch) results.push_back(RunOne(p.command, &revision));
  if (next_timer_due_ && *next_timer_due_ <= options_.clock->Now()) {
    FireDueTimers(&revision);
  }

  if (revision != start_revision) {
    writes_.Put(Cf::kMeta, keys::MetaLastRevision(), absl::StrCat(revision));
    rocksdb::Status s = Commit();
    if (s.ok()) {
      committed_revision_ = revision;
      if (feed_listener_) {
        feed_listener_(revision, writes_.TakeValues(Cf::kEvents));
      }
      if (failed_commits_ > 0) {
        LogInfo("commits work again after ", failed_commits_, " failed");
        failed_commits_ = 0;
      }
    } else {
      // Logged when failures start, not for each batch: a full disk fails
      // every batch until RocksDB's own recovery finds space again.
      if (failed_commits_++ == 0) {
        LogError(
            "commit failed; no write is acknowledged until commits work "
            "again: ",
            s.ToString());
      }
      const absl::Status failed =
          s.IsNoSpace()
              ? absl::ResourceExhaustedError(
                    "the server's disk is full; nothing was saved")
              : absl::UnavailableError("commit failed; nothing was saved (" +
                                       s.ToString() + ")");
      for (absl::Status& r : results) {
        if (r.ok()) r = failed;
      }
    }
  }
  writes_.Clear();
  if (batch_touched_timers_) RefreshNextTimer();
  {
    absl::MutexLock lock(&stats_mu_);
    if (revision != start_revision) ++stats_.batches;
    if (failed_commits_ > 0 && revision != start_revision) {
      ++stats_.failed_commits;
    }
    stats_.commands += batch.size();
    stats_.largest_batch =
        std::max<uint64_t>(stats_.largest_batch, batch.size());
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(std::move(results[i]));
  }
}

void Engine::RefreshNextTimer() {
  next_timer_due_.reset();
  absl::Status s = Scan(Cf::kTimers, keys::TimerPrefix(), "",
                        [&](absl::string_view key, absl::string_view) {
                          next_timer_due_ = keys::TimerDue(key);
                          return false;
                        });
  if (!s.ok()) LogError("reading the next timer: ", s.ToString());
}

absl::StatusOr<std::optional<std::string>> Engine::Get(
    Cf cf, absl::string_view key) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handle(cf, key), ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(s, "get"));
  return value;
}

absl::Status Engine::ScanRange(Cf cf, absl::string_view start,
                               absl::string_view end, const ScanFn& fn) const {
  std::string upper(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ro, handle(cf, start)));
  return IterateRange(it.get(), start, end, fn);
}

absl::StatusOr<std::vector<mops::v1::Event>> Engine::ReadEventsUntil(
    uint64_t after_revision,
    const std::function<bool(const std::vector<mops::v1::Event>&,
                             const mops::v1::Event&)>& stop) const {
  std::vector<mops::v1::Event> events;
  RETURN_IF_ERROR(ScanEvents(after_revision, [&](mops::v1::Event&& e) {
    if (stop(events, e)) return false;
    events.push_back(std::move(e));
    return true;
  }));
  return events;
}

absl::Status Engine::ScanEvents(
    uint64_t after_revision,
    const std::function<bool(mops::v1::Event&&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handle(Cf::kEvents)));
  const std::string prefix = keys::EventPrefix();
  for (it->Seek(keys::EventsFrom(after_revision + 1)); it->Valid();
       it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    mops::v1::Event e;
    RETURN_IF_ERROR(ParseStored(
        absl::string_view(it->value().data(), it->value().size()), &e));
    if (!fn(std::move(e))) break;
  }
  return FromRocks(it->status(), "read events");
}

absl::StatusOr<std::vector<mops::v1::Event>> Engine::ReadEvents(
    uint64_t after_revision, size_t limit) const {
  return ReadEventsUntil(after_revision,
                         [limit](const auto& events, const auto&) {
                           return events.size() >= limit;
                         });
}

absl::StatusOr<std::vector<mops::v1::Event>> Engine::ReadEventPage(
    uint64_t after_revision, size_t limit) const {
  // Past the limit, only the rest of the last revision still belongs.
  return ReadEventsUntil(after_revision, [limit](const auto& events,
                                                 const auto& e) {
    return events.size() >= limit && e.revision() != events.back().revision();
  });
}
EngineStats Engine::stats() const {
  EngineStats out;
  {
    absl::MutexLock lock(&stats_mu_);
    out = stats_;
  }
  // Estimates RocksDB keeps current; reading them takes no lock of ours.
  if (db_ == nullptr) return out;  // closed
  db_->GetAggregatedIntProperty("rocksdb.live-sst-files-size",
                                &out.live_data_bytes);
  db_->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables",
                                &out.memtable_bytes);
  db_->GetAggregatedIntProperty("rocksdb.estimate-pending-compaction-bytes",
                                &out.pending_compaction_bytes);
  return out;
}

}  // namespace mops::storage

#include "storage/engine.h"

#include <pthread.h>

#include <filesystem>
#include <system_error>
#include <typeinfo>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/log.h"
#include "storage/status_macros.h"
#include "storage/wal_file_system.h"

namespace mops::storage {
namespace {

namespace fs = std::filesystem;
using mops::internal::v1::TimerRecord;

rocksdb::Slice ToSlice(absl::string_view s) { return {s.data(), s.size()}; }

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": the data folder is in use by another process (",
                     s.ToString(), ")"));
  }
  return absl::InternalError(msg);
}

// Block cache shared by every column family (and every engine in the
// process): reads are mostly point lookups of records spread over the whole
// key space, so the cache, not the OS page cache, should hold hot blocks.
constexpr size_t kBlockCacheBytes = 128 << 20;
// All memtables together; bounds memory under any write load.
constexpr size_t kMemtableBytes = 128 << 20;
// Live WAL files together. The meta column family gets one small row per
// batch and never fills a memtable, so without a bound it kept every WAL
// file since the start alive (570 MiB after a 1,000,000-task load, 3 s of
// replay after a kill -9, growing with every write). Past the bound RocksDB
// flushes the families holding the oldest file: replay stays under 2 s.
constexpr uint64_t kMaxWalBytes = 2 * kMemtableBytes;
// Zeros written ahead of the WAL at a time (wal_file_system.h): at full
// create load (a few MB of WAL and 2,000 to 3,000 syncs a second) one sync
// in several hundred pays the inode write and the zeros.
constexpr uint64_t kWalZeroChunkBytes = 1 << 20;

// The data format before kFormatVersion: every index kind in the one
// "index" family. Still opened, and moved on at the first start.
constexpr uint32_t kSharedIndexFormat = 1;

// Memtable insert hints per key head (keys::KeyHead): a batch writes a run
// of task rows, then a run of assignee rows, then of team rows ..., each
// right after where the previous batch left it. With one remembered insert
// position per memtable every run started with a search from the top; with
// one per head it starts next to the right place.
class KeyHeadTransform : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "mops.KeyHead"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    absl::string_view head = KeyHead({key.data(), key.size()});
    return {head.data(), head.size()};
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return !key.empty();
  }
};

rocksdb::ColumnFamilyOptions CfOptions() {
  static const std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(kBlockCacheBytes);
  static const std::shared_ptr<const rocksdb::SliceTransform> heads =
      std::make_shared<KeyHeadTransform>();
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Bloom filters let a Get skip files that cannot hold the key.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.write_buffer_size = 32 << 20;
  // And a bloom filter on the memtable, so most Gets skip its skip list.
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.02;
  options.memtable_insert_with_hint_prefix_extractor = heads;
  return options;
}

// Every family, in handle order (column_families.h).
std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors() {
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (absl::string_view name : kCfNames) {
    out.emplace_back(std::string(name), CfOptions());
  }
  for (absl::string_view name : kIndexKindCfNames) {
    out.emplace_back(std::string(name), CfOptions());
  }
  return out;
}

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

// Reads the format version of an existing database without writing to it.
absl::Status CheckExistingFormat(const std::string& path) {
  std::vector<std::string> cfs;
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &cfs);
  if (!s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data folder ", path, " is not a mops database: ", s.ToString()));
  }
  for (absl::string_view name : kCfNames) {
    if (std::find(cfs.begin(), cfs.end(), name) == cfs.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data folder ", path, " is not a mops database (column family \"",
          name, "\" is missing)"));
    }
  }
  // Read-only opens replay the whole WAL, but insert only the rows of the
  // families they open: opening all of them here doubled the time of a
  // start after a crash (the WAL replayed into every memtable twice).
  auto read_only =
      [&](std::initializer_list<Cf> families,
          const std::function<void(
              rocksdb::DB&, const std::vector<rocksdb::ColumnFamilyHandle*>&)>&
              fn) -> absl::Status {
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (Cf cf : families) {
      descriptors.emplace_back(std::string(kCfNames[CfIndex(cf)]), CfOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    RETURN_IF_ERROR(
        FromRocks(rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path,
                                               descriptors, &handles, &raw),
                  absl::StrCat("open ", path, " read-only")));
    std::unique_ptr<rocksdb::DB> db(raw);
    fn(*db, handles);
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    return absl::OkStatus();
  };
  std::string version;
  rocksdb::Status read;
  RETURN_IF_ERROR(read_only({Cf::kMeta}, [&](rocksdb::DB& db, const auto& h) {
    read = db.Get(rocksdb::ReadOptions(), h[0], keys::MetaFormatVersion(),
                  &version);
  }));
  if (read.IsNotFound()) {
    // A folder whose first start died before writing its version is empty.
    bool empty = true;
    RETURN_IF_ERROR(
        read_only({Cf::kMeta, Cf::kRecords, Cf::kEvents},
                  [&](rocksdb::DB& db, const auto& h) {
                    for (size_t i = 1; i < h.size(); ++i) {
                      std::unique_ptr<rocksdb::Iterator> it(
                          db.NewIterator(rocksdb::ReadOptions(), h[i]));
                      it->SeekToFirst();
                      if (it->Valid()) empty = false;
                    }
                  }));
    if (empty) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "data folder ", path, " has no data format version; not opening it"));
  }
  RETURN_IF_ERROR(FromRocks(read, "read format version"));
  uint32_t v = 0;
  if (!absl::SimpleAtoi(version, &v) ||
      (v != kSharedIndexFormat && v != kFormatVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data folder ", path, " has data format version \"", version,
        "\"; this mopsd reads only versions ", kSharedIndexFormat, " and ",
        kFormatVersion,
        ". Use a mopsd that matches the data; nothing was changed"));
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------- Reader

absl::Status ParseStored(absl::string_view bytes,
                         google::protobuf::MessageLite* out) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("stored ", out->GetTypeName(), " does not parse"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Reader::GetProto(Cf cf, absl::string_view key,
                                      google::protobuf::MessageLite* out,
                                      bool hot) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   hot ? GetHot(cf, key) : Get(cf, key));
  if (!value) return false;
  RETURN_IF_ERROR(ParseStored(*value, out));
  return true;
}

absl::StatusOr<std::shared_ptr<const google::protobuf::MessageLite>>
Reader::GetParsed(Cf cf, absl::string_view key,
                  const google::protobuf::MessageLite& prototype) const {
  std::shared_ptr<google::protobuf::MessageLite> out(prototype.New());
  ASSIGN_OR_RETURN(bool found, GetProto(cf, key, out.get(), /*hot=*/true));
  if (!found) return nullptr;
  return out;
}

absl::Status Reader::Scan(Cf cf, absl::string_view prefix,
                          absl::string_view after, const ScanFn& fn) const {
  std::string start(prefix);
  if (!after.empty() && after >= prefix) {
    start.assign(after.data(), after.size());
    start.push_back('\0');  // the smallest key after `after`
  }
  return ScanRange(cf, start, PrefixEnd(prefix), fn);
}

// ---------------------------------------------------------------- Txn

absl::StatusOr<std::optional<std::string>> Txn::Get(
    Cf cf, absl::string_view key) const {
  if (const WriteSet::Row* row = engine_->writes_.Find(cf, key)) {
    if (row->deleted) return std::nullopt;
    return row->value;
  }
  return engine_->Get(cf, key);
}

absl::StatusOr<std::optional<std::string>> Txn::GetHot(
    Cf cf, absl::string_view key) const {
  // A row this batch wrote is not committed yet: the batch has the answer.
  if (engine_->writes_.Find(cf, key) != nullptr) return Get(cf, key);
  return engine_->ReadHot(cf, key);
}

absl::StatusOr<std::shared_ptr<const google::protobuf::MessageLite>>
Txn::GetParsed(Cf cf, absl::string_view key,
               const google::protobuf::MessageLite& prototype) const {
  if (engine_->writes_.Find(cf, key) != nullptr) {
    return Reader::GetParsed(cf, key, prototype);
  }
  return engine_->ReadHotParsed(cf, key, prototype);
}

// Merges the batch's rows into the committed ones: a batch row replaces the
// committed row of its key (or hides it, when deleted).
absl::Status Txn::ScanRange(Cf cf, absl::string_view start,
                            absl::string_view end, const ScanFn& fn) const {
  const WriteSet& writes = engine_->writes_;
  const WriteSet::Rows& rows = writes.rows(cf);
  std::unique_ptr<rocksdb::Iterator> it(engine_->db_->NewIterator(
      rocksdb::ReadOptions(), engine_->handle(cf, start)));
  it->Seek(ToSlice(start));
  auto next = rows.lower_bound(start);
  uint64_t version = writes.version();
  std::string last;  // the last key passed to fn
  while (true) {
    if (writes.version() != version) {
      // fn wrote: the batch iterator may be invalid; find our place again.
      version = writes.version();
      next = rows.upper_bound(last);
    }
    bool db_valid = it->Valid();
    absl::string_view db_key;
    if (db_valid) {
      db_key = absl::string_view(it->key().data(), it->key().size());
      if (!end.empty() && db_key >= end) db_valid = false;
    }
    const bool batch_valid =
        next != rows.end() && (end.empty() || next->first < end);
    if (!db_valid && !batch_valid) break;
    bool go_on = true;
    if (batch_valid && (!db_valid || next->first <= db_key)) {
      if (db_valid && next->first == db_key) it->Next();
      last = next->first;
      const WriteSet::Row& row = next->second;
      ++next;
      if (!row.deleted) go_on = fn(last, row.value);
    } else {
      last.assign(db_key.data(), db_key.size());
      go_on =
          fn(db_key, absl::string_view(it->value().data(), it->value().size()));
      it->Next();
    }
    if (!go_on) break;
  }
  return FromRocks(it->status(), "scan");
}

void Txn::Put(Cf cf, absl::string_view key, absl::string_view value) {
  engine_->writes_.Put(cf, key, value);
  wrote_ = true;
}

void Txn::PutProto(Cf cf, absl::string_view key,
                   const google::protobuf::MessageLite& value) {
  Put(cf, key, value.SerializeAsString());
}

void Txn::Delete(Cf cf, absl::string_view key) {
  engine_->writes_.Delete(cf, key);
  wrote_ = true;
}

void Txn::Emit(mops::v1::Event event) {
  event.set_revision(revision_);
  event.set_index(next_event_index_++);
  if (cause_index_) event.set_cause_index(*cause_index_);
  if (!event.has_time()) {
    int64_t micros = absl::ToUnixMicros(now_);
    event.mutable_time()->set_seconds(micros / 1000000);
    event.mutable_time()->set_nanos(static_cast<int32_t>(micros % 1000000) *
                                    1000);
  }
  PutProto(Cf::kEvents, keys::Event(revision_, event.index()), event);
  emitted_.push_back(std::move(event));
}

std::string Txn::SetTimer(absl::Time due, TimerRecord timer) {
  std::string key = keys::Timer(due, revision_, next_timer_index_++);
  PutProto(Cf::kTimers, key, timer);
  touched_timers_ = true;
  return key;
}

void Txn::CancelTimer(absl::string_view timer_key) {
  Delete(Cf::kTimers, timer_key);
  touched_timers_ = true;
}

// ---------------------------------------------------------------- Engine

Engine::Engine(const EngineOptions& options) : options_(options) {}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("data folder path is empty");
  }
  std::error_code ec;
  if (fs::exists(fs::path(options.path) / "CURRENT", ec)) {
    RETURN_IF_ERROR(CheckExistingFormat(options.path));
  } else if (fs::exists(options.path, ec) && !fs::is_empty(options.path, ec)) {
    // Refuse to mix our files into a folder that holds something else. A
    // lone admin.token (left by an earlier first start) is ours.
    for (const auto& entry : fs::directory_iterator(options.path, ec)) {
      if (entry.path().filename() != "admin.token") {
        return absl::FailedPreconditionError(absl::StrCat(
            "data folder ", options.path,
            " is not empty and holds no mops database; use an empty or new "
            "folder"));
      }
    }
  }
  auto engine = std::unique_ptr<Engine>(new Engine(options));
  RETURN_IF_ERROR(engine->OpenDb());
  return engine;
}

absl::Status Engine::OpenDb() {
  std::error_code ec;
  fs::create_directories(options_.path, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create data folder ", options_.path, ": ", ec.message()));
  }
  env_ = rocksdb::NewCompositeEnv(NewZeroFilledWalFileSystem(
      options_.file_system ? options_.file_system
                           : rocksdb::FileSystem::Default(),
      kWalZeroChunkBytes));
  rocksdb::DBOptions db_options;
  db_options.env = env_.get();
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.db_write_buffer_size = kMemtableBytes;
  db_options.max_total_wal_size = kMaxWalBytes;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options_.path,
                                        Descriptors(), &handles_, &db_);
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("open ", options_.path)));

  std::string value;
  s = db_->Get(rocksdb::ReadOptions(), handle(Cf::kMeta),
               keys::MetaFormatVersion(), &value);
  if (s.ok() && value == absl::StrCat(kSharedIndexFormat)) {
    RETURN_IF_ERROR(MoveIndexRowsToKindFamilies());
  } else if (s.IsNotFound()) {
    rocksdb::WriteBatch init;
    init.Put(handle(Cf::kMeta), keys::MetaFormatVersion(),
             absl::StrCat(kFormatVersion));
    init.Put(handle(Cf::kMeta), keys::MetaLastRevision(), "0");
    rocksdb::WriteOptions wo;
    wo.sync = true;
    RETURN_IF_ERROR(FromRocks(db_->Write(wo, &init), "write format version"));
  } else {
    RETURN_IF_ERROR(FromRocks(s, "read format version"));
  }
  s = db_->Get(rocksdb::ReadOptions(), handle(Cf::kMeta),
               keys::MetaLastRevision(), &value);
  RETURN_IF_ERROR(FromRocks(s, "read last revision"));
  uint64_t revision = 0;
  if (!absl::SimpleAtoi(value, &revision)) {
    return absl::DataLossError("stored last revision does not parse");
  }
  committed_revision_ = revision;
  RefreshNextTimer();
  return absl::OkStatus();
}

// Each batch moves its rows at once (put into the kind's family, deleted
// from "index"), so a start that dies midway leaves every row in one place
// and the next start goes on from there; the new version is written last.
absl::Status Engine::MoveIndexRowsToKindFamilies() {
  constexpr uint32_t kRowsPerBatch = 10000;
  const absl::Time started = absl::Now();
  uint64_t moved = 0;
  rocksdb::WriteBatch batch;
  auto write = [&] {
    if (batch.Count() == 0) return absl::OkStatus();
    RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                              "move index rows"));
    moved += batch.Count() / 2;
    batch.Clear();
    return absl::OkStatus();
  };
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handle(Cf::kIndex)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const absl::string_view key(it->key().data(), it->key().size());
      if (StoredCfIndex(Cf::kIndex, key) == CfIndex(Cf::kIndex)) continue;
      RETURN_IF_ERROR(
          FromRocks(batch.Put(handle(Cf::kIndex, key), it->key(), it->value()),
                    "move index rows"));
      RETURN_IF_ERROR(FromRocks(batch.Delete(handle(Cf::kIndex), it->key()),
                                "move index rows"));
      if (batch.Count() >= 2 * kRowsPerBatch) RETURN_IF_ERROR(write());
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read index rows"));
  }
  RETURN_IF_ERROR(write());
  rocksdb::WriteOptions synced;
  synced.sync = true;  // and with it every batch before
  RETURN_IF_ERROR(
      FromRocks(db_->Put(synced, handle(Cf::kMeta), keys::MetaFormatVersion(),
                         absl::StrCat(kFormatVersion)),
                "write format version"));
  // The moved rows' tombstones would stay in "index" for good: nothing
  // writes there any more, so no compaction would come to drop them.
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  rocksdb::Status c =
      db_->CompactRange(compact, handle(Cf::kIndex), nullptr, nullptr);
  if (!c.ok()) LogWarning("compacting the old index family: ", c.ToString());
  LogInfo("data format 1 -> ", kFormatVersion, ": moved ", moved,
          " index rows into one column family per index kind in ",
          absl::FormatDuration(absl::Now() - started));
  return absl::OkStatus();
}

Engine::~Engine() { Close(); }

void Engine::RegisterTimerHandler(std::string kind, TimerHandler handler) {
  timer_handlers_[std::move(kind)] = std::move(handler);
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
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ro, handle(Cf::kEvents)));
  const std::string prefix = keys::EventPrefix();
  for (it->Seek(keys::EventsFrom(after_revision + 1)); it->Valid();
       it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    mops::v1::Event e;
    RETURN_IF_ERROR(ParseStored(
        absl::string_view(it->value().data(), it->value().size()), &e));
    if (stop(events, e)) break;
    events.push_back(std::move(e));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read events"));
  return events;
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

absl::StatusOr<uint64_t> Engine::Checkpoint(const std::string& dir) {
  std::error_code ec;
  fs::path target(dir);
  if (!target.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("destination: \"", dir, "\" is not an absolute path"));
  }
  if (fs::exists(target, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat("destination: ", dir, " already exists"));
  }
  if (!fs::is_directory(target.parent_path(), ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("destination: parent folder ",
                     target.parent_path().string(), " does not exist"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_, &raw), "backup"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(dir), "backup"));

  // Read the revision back from the copy: it proves the copy opens, and is
  // exact even while writes go on.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* copy_raw = nullptr;
  RETURN_IF_ERROR(FromRocks(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, Descriptors(),
                                   &handles, &copy_raw),
      "open backup"));
  std::unique_ptr<rocksdb::DB> copy(copy_raw);
  std::string value;
  rocksdb::Status s =
      copy->Get(rocksdb::ReadOptions(), handles[CfIndex(Cf::kMeta)],
                keys::MetaLastRevision(), &value);
  for (auto* h : handles) copy->DestroyColumnFamilyHandle(h);
  RETURN_IF_ERROR(FromRocks(s, "read backup revision"));
  uint64_t revision = 0;
  if (!absl::SimpleAtoi(value, &revision)) {
    return absl::DataLossError("backup revision does not parse");
  }
  return revision;
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

// The storage engine: one apply thread, group commit, revisions, change feed
// and timers (DESIGN.md section 3).
//
// Writes happen only inside commands. A command runs on the apply thread
// against a Txn (reads see the batch's earlier writes). A failing command is
// rolled back to its save point; the others in the batch go on. The batch is
// then written with one synced write, and only after that is every command's
// Done called: a command reported OK is on disk.
#ifndef MOPS_STORAGE_ENGINE_H_
#define MOPS_STORAGE_ENGINE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/events.pb.h"
#include "storage/clock.h"
#include "storage/column_families.h"
#include "storage/key_spaces.h"
#include "storage/write_set.h"

namespace google::protobuf {
class MessageLite;
}
namespace rocksdb {
class DB;
class Env;
class FileSystem;
class ColumnFamilyHandle;
class SliceTransform;
class Status;
class WriteBatch;
}  // namespace rocksdb

namespace mops::storage {

// The data format this build writes. Older folders are moved on, one step
// at a time, when opened (migrate.cc):
//   1 -> 2: each row of an index space with a family of its own
//           (KeySpace::family) goes there;
//   2 -> 3: events keep their string details in `legacy`, and timers'
//           text payloads become typed ones (EngineOptions::timer_upgrades).
// Opening a folder of any other version fails and changes nothing.
inline constexpr uint32_t kFormatVersion = 3;
inline constexpr uint32_t kOldestFormatVersion = 1;

using ScanFn =
    std::function<bool(absl::string_view key, absl::string_view value)>;

// Read access, shared by the engine (committed state) and a command's Txn
// (committed state plus the batch's writes so far).
class Reader {
 public:
  virtual ~Reader() = default;
  // nullopt when the key is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(
      Cf cf, absl::string_view key) const = 0;
  // Calls fn for each row with start <= key < end (an empty end: no bound),
  // in key order, until fn returns false.
  virtual absl::Status ScanRange(Cf cf, absl::string_view start,
                                 absl::string_view end,
                                 const ScanFn& fn) const = 0;
  // Calls fn for each row whose key starts with `prefix` and, when `after` is
  // not empty, is greater than `after`, in key order, until fn returns false.
  absl::Status Scan(Cf cf, absl::string_view prefix, absl::string_view after,
                    const ScanFn& fn) const;

  // Get for rows that most commands read and few write (projects, users,
  // teams, memberships): a Txn serves them from memory after the first read.
  // Same result as Get.
  virtual absl::StatusOr<std::optional<std::string>> GetHot(
      Cf cf, absl::string_view key) const {
    return Get(cf, key);
  }

  // Parses the stored message into *out; false when absent. `hot` reads it
  // with GetHot.
  absl::StatusOr<bool> GetProto(Cf cf, absl::string_view key,
                                google::protobuf::MessageLite* out,
                                bool hot = false) const;

  // The stored message, parsed, or nullptr when absent; for the rows GetHot
  // is for. A Txn parses such a row once and shares it with later commands
  // until it is written, which saves commands that only look at a project
  // or a user the parsing and the copy.
  template <typename T>
  absl::StatusOr<std::shared_ptr<const T>> GetShared(
      Cf cf, absl::string_view key) const {
    auto parsed = GetParsed(cf, key, T::default_instance());
    if (!parsed.ok()) return parsed.status();
    return std::static_pointer_cast<const T>(*std::move(parsed));
  }

 protected:
  // GetShared's work: the message is of prototype's type.
  virtual absl::StatusOr<std::shared_ptr<const google::protobuf::MessageLite>>
  GetParsed(Cf cf, absl::string_view key,
            const google::protobuf::MessageLite& prototype) const;
};

// Parses a stored row into *out; DATA_LOSS naming the type when it does not
// parse.
absl::Status ParseStored(absl::string_view bytes,
                         google::protobuf::MessageLite* out);

// Reader::Scan with each row parsed as an M: fn(key, M&&) until it returns
// false; DATA_LOSS (ParseStored) at the first row that does not parse.
template <typename M, typename Fn>
absl::Status ScanParsed(const Reader& reader, Cf cf, absl::string_view prefix,
                        absl::string_view after, const Fn& fn) {
  absl::Status parse_error;
  absl::Status s = reader.Scan(
      cf, prefix, after, [&](absl::string_view key, absl::string_view value) {
        M record;
        parse_error = ParseStored(value, &record);
        return parse_error.ok() && fn(key, std::move(record));
      });
  if (!s.ok()) return s;
  return parse_error;
}

class Engine;

// A command's view of the store. Valid only while the command runs.
class Txn : public Reader {
 public:
  absl::StatusOr<std::optional<std::string>> Get(
      Cf cf, absl::string_view key) const override;
  absl::StatusOr<std::optional<std::string>> GetHot(
      Cf cf, absl::string_view key) const override;
  absl::Status ScanRange(Cf cf, absl::string_view start, absl::string_view end,
                         const ScanFn& fn) const override;

  void Put(Cf cf, absl::string_view key, absl::string_view value);
  void PutProto(Cf cf, absl::string_view key,
                const google::protobuf::MessageLite& value);
  void Delete(Cf cf, absl::string_view key);

  // Appends an event under this command's revision; sets revision, index,
  // the cause index (while one is set) and, when unset, time.
  void Emit(mops::v1::Event event);
  // The events this command emitted so far, in order (index i at [i]).
  const std::vector<mops::v1::Event>& emitted() const { return emitted_; }
  // While set, emitted events record the event (by index) that caused them:
  // reactions set it around their handlers.
  void set_cause_index(uint32_t index) { cause_index_ = index; }
  void clear_cause_index() { cause_index_.reset(); }
  // Schedules a timer; returns its key, which CancelTimer takes.
  std::string SetTimer(absl::Time due, mops::internal::v1::TimerRecord timer);
  void CancelTimer(absl::string_view timer_key);

  // The engine clock's time when the command started.
  absl::Time Now() const { return now_; }
  // The revision this command's changes get if it succeeds.
  uint64_t revision() const { return revision_; }

 private:
  friend class Engine;
  Txn(Engine* engine, uint64_t revision, absl::Time now)
      : engine_(engine), revision_(revision), now_(now) {}

  Engine* engine_;
  uint64_t revision_;
  absl::Time now_;
  uint32_t next_event_index_ = 0;
  std::vector<mops::v1::Event> emitted_;
  std::optional<uint32_t> cause_index_;
  uint32_t next_timer_index_ = 0;
  bool wrote_ = false;
  bool touched_timers_ = false;

 protected:
  absl::StatusOr<std::shared_ptr<const google::protobuf::MessageLite>>
  GetParsed(Cf cf, absl::string_view key,
            const google::protobuf::MessageLite& prototype) const override;
};

struct EngineOptions {
  // The data folder; created when missing.
  std::string path;
  // Every domain's key spaces (storage adds its own). The engine opens a
  // family for each index space that names one; rows of prefixes no space
  // registers stay in their column family's shared family.
  KeySpaceRegistry key_spaces;
  Clock* clock = RealClock::Get();
  // Files besides the database that the server keeps in the data folder
  // (by name): a folder holding only these is still a new, empty one.
  std::vector<std::string> own_files;
  // The file system under the data folder; null for the local one. Tests
  // put one here that fails on purpose (a full disk).
  std::shared_ptr<rocksdb::FileSystem> file_system;
  // Most commands per group commit.
  size_t max_batch = 1024;
  // Most due timers fired per batch, so that a backlog cannot starve requests.
  size_t max_timers_per_batch = 256;
  // A timer whose handler fails is tried again after this long.
  absl::Duration timer_retry = absl::Minutes(1);
  // Data format 2 -> 3: turns a timer's text payload (format2_payload) into
  // its typed `payload`, by kind. Every kind that wrote a payload in format
  // 2 needs one; the domains that own the kinds fill this.
  absl::flat_hash_map<std::string, std::function<absl::Status(
                                       mops::internal::v1::TimerRecord*)>>
      timer_upgrades;
  // Runs after every command and timer handler that succeeded, in its Txn;
  // its error fails the command. The services put the reactions here.
  std::function<absl::Status(Txn&)> after_command;
};

struct EngineStats {
  uint64_t batches = 0;   // synced writes
  uint64_t commands = 0;  // commands run (including failed ones)
  uint64_t largest_batch = 0;
  uint64_t timers_fired = 0;
  uint64_t failed_commits = 0;  // batches whose write failed; none was saved
  // RocksDB's figures, summed over the column families.
  uint64_t live_data_bytes = 0;           // table files in use
  uint64_t memtable_bytes = 0;            // rows not yet flushed to files
  uint64_t pending_compaction_bytes = 0;  // estimated backlog
};

class Engine : public Reader {
 public:
  using Command = std::function<absl::Status(Txn&)>;
  using Done = std::function<void(absl::Status)>;
  // Runs when a timer of its kind is due, as a command; the timer's row is
  // already deleted in the same Txn.
  using TimerHandler =
      std::function<absl::Status(Txn&, const mops::internal::v1::TimerRecord&)>;

  // Opens (or creates) the data folder. Fails, changing nothing, when the
  // key spaces do not validate (INVALID_ARGUMENT), or the folder holds
  // another format version, a column family no key space names, or is not
  // a mops data folder (FAILED_PRECONDITION).
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const EngineOptions& options);
  ~Engine() override;

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Register before Start.
  void RegisterTimerHandler(std::string kind, TimerHandler handler);
  // Gets, on the apply thread after each durable batch, the batch's last
  // revision and its events serialized (mops.v1.Event), in revision order;
  // before the batch's commands are answered. Keep it short: it holds up
  // the next batch. Set before Start.
  using FeedListener =
      std::function<void(uint64_t revision, std::vector<std::string> events)>;
  void SetFeedListener(FeedListener listener);
  // Starts the apply thread.
  void Start();
  // Queues a command. `done` runs on the apply thread once the command's
  // batch is durable (or the command failed); keep it short and non-blocking.
  void Submit(Command command, Done done);
  // Submit and wait. Not for gRPC callback threads.
  absl::Status Execute(Command command);
  // Re-checks timers now (after a FakeClock moved).
  void WakeTimers();
  // Runs every queued command, stops the apply thread and closes the
  // database. Later Submits fail with UNAVAILABLE. Idempotent.
  void Close();

  absl::StatusOr<std::optional<std::string>> Get(
      Cf cf, absl::string_view key) const override;
  absl::Status ScanRange(Cf cf, absl::string_view start, absl::string_view end,
                         const ScanFn& fn) const override;

  // The latest durable revision.
  uint64_t committed_revision() const { return committed_revision_.load(); }
  // Events of revisions greater than `after_revision`, in order; at most
  // `limit` of them.
  absl::StatusOr<std::vector<mops::v1::Event>> ReadEvents(
      uint64_t after_revision, size_t limit) const;
  // A page of the feed: events of revisions after `after_revision`, about
  // `limit` of them but never splitting a revision (one revision with more
  // events than `limit` comes whole).
  absl::StatusOr<std::vector<mops::v1::Event>> ReadEventPage(
      uint64_t after_revision, size_t limit) const;
  // The first revision whose events the feed still has (1 until a trim).
  uint64_t first_event_revision() const { return first_event_revision_.load(); }
  // The feed's retention: deletes the events of revisions that are older
  // than `older_than` or more than `keep_revisions` behind the head, off
  // the apply thread (writers are not held up), and records the first
  // revision kept. Reads at most `max_scanned` events to find the age
  // cut. Returns the first revision kept.
  absl::StatusOr<uint64_t> TrimEvents(absl::Time older_than,
                                      uint64_t keep_revisions,
                                      size_t max_scanned = 1000000);
  // Calls fn for each event of revisions after `after_revision`, in order,
  // until it returns false.
  absl::Status ScanEvents(
      uint64_t after_revision,
      const std::function<bool(mops::v1::Event&&)>& fn) const;
  // Writes a consistent copy of the database to `dir`, which must not exist.
  // Blocks on disk I/O. Returns the revision the copy holds.
  absl::StatusOr<uint64_t> Checkpoint(const std::string& dir);

  EngineStats stats() const;
  Clock* clock() const { return options_.clock; }
  const std::string& path() const { return options_.path; }

 private:
  friend class Txn;
  struct Pending {
    Command command;
    Done done;
  };

  Engine(const EngineOptions& options, const KeySpaceRegistry& spaces);
  absl::Status OpenDb();
  void Loop();
  bool HasWorkLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs one command in the current batch; advances *revision when it wrote.
  absl::Status RunOne(const Command& command, uint64_t* revision);
  void RunBatch(std::vector<Pending>& batch);
  // Writes the batch's final rows, each column family's in key order, with
  // one synced write.
  rocksdb::Status Commit();
  struct HotRow {
    std::string value;
    // value parsed, once a command asked for it with GetShared.
    std::shared_ptr<const google::protobuf::MessageLite> parsed;
  };
  // A committed row through hot_ (apply thread only); nullptr when absent.
  // Valid until hot_ changes.
  absl::StatusOr<HotRow*> FindHot(Cf cf, absl::string_view key);
  absl::StatusOr<std::optional<std::string>> ReadHot(Cf cf,
                                                     absl::string_view key);
  absl::StatusOr<std::shared_ptr<const google::protobuf::MessageLite>>
  ReadHotParsed(Cf cf, absl::string_view key,
                const google::protobuf::MessageLite& prototype);
  const std::string& HotKey(Cf cf, absl::string_view key);
  void FireDueTimers(uint64_t* revision);
  void RefreshNextTimer();
  // Events after `after_revision` in order, until `stop(taken, next)`.
  absl::StatusOr<std::vector<mops::v1::Event>> ReadEventsUntil(
      uint64_t after_revision,
      const std::function<bool(const std::vector<mops::v1::Event>&,
                               const mops::v1::Event&)>& stop) const;
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const {
    return handles_[CfIndex(cf)];
  }
  // The family that stores `key` of `cf` (an index space may have its own).
  rocksdb::ColumnFamilyHandle* handle(Cf cf, absl::string_view key) const {
    if (cf != Cf::kIndex || key.empty()) return handle(cf);
    return handles_[index_family_[static_cast<unsigned char>(key[0])]];
  }
  // Moves a folder of an older format (`stored`) on to kFormatVersion.
  absl::Status UpgradeFormat(absl::string_view stored);
  // Format 1 to 2: index rows into their spaces' own families.
  absl::Status MoveIndexRowsToOwnFamilies();
  // Format 2 to 3: events' details into `legacy`, timers' payloads typed.
  absl::Status TypeEventsAndTimers();
  // Writes `version` as the folder's format, synced (and with it every
  // write before).
  absl::Status WriteFormatVersion(uint32_t version);

  const EngineOptions options_;
  // From the key spaces: the RocksDB families in handle order (kCfNames,
  // then the index spaces' own), the handle index of each first byte of an
  // index key, and the memtables' insert hint heads.
  std::vector<std::string> family_names_;
  std::array<uint16_t, 256> index_family_;
  std::shared_ptr<const rocksdb::SliceTransform> heads_;
  std::unique_ptr<rocksdb::Env> env_;  // outlives db_ (deleted in Close)
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // Touched only by the apply thread (and Open/Close).
  WriteSet writes_;
  std::unique_ptr<rocksdb::WriteBatch> sorted_;  // reused by Commit
  // Committed values of rows read with GetHot or GetShared, by column
  // family and key. Commit drops every key a batch writes, so it never
  // holds a stale value (a command may still hold a dropped parsed one);
  // it is emptied when it reaches kMaxHotRows.
  absl::flat_hash_map<std::string, HotRow> hot_;
  std::string hot_key_;  // HotKey's buffer
  std::map<std::string, TimerHandler> timer_handlers_;
  FeedListener feed_listener_;
  std::optional<absl::Time> next_timer_due_;
  bool batch_touched_timers_ = false;
  uint64_t failed_commits_ = 0;  // in a row, up to the last commit

  std::atomic<uint64_t> committed_revision_{0};
  std::atomic<uint64_t> first_event_revision_{1};
  absl::Mutex trim_mu_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;

  mutable absl::Mutex stats_mu_;
  EngineStats stats_ ABSL_GUARDED_BY(stats_mu_);
};

}  // namespace mops::storage

#endif  // MOPS_STORAGE_ENGINE_H_

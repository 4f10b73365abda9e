// Engine: opening the data folder (its format, its column families) and
// copying it. Moving an older format on is in migrate.cc.
#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/log.h"
#include "storage/rocks_util.h"
#include "storage/status_macros.h"
#include "storage/wal_file_system.h"

namespace mops::storage {
namespace {

namespace fs = std::filesystem;
using detail::FromRocks;
using detail::ToSlice;

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

// Memtable insert hints per key head (KeyHead, by each space's shape): a
// batch writes a run of task rows, then a run of assignee rows, then of team
// rows ..., each right after where the previous batch left it. With one
// remembered insert position per memtable every run started with a search
// from the top; with one per head it starts next to the right place.
class KeyHeadTransform : public rocksdb::SliceTransform {
 public:
  explicit KeyHeadTransform(const std::array<HeadShape, 256>& shapes)
      : shapes_(shapes) {}
  const char* Name() const override { return "mops.KeyHead"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const absl::string_view k(key.data(), key.size());
    if (k.empty()) return key;
    absl::string_view head = KeyHead(k, shapes_[static_cast<uint8_t>(k[0])]);
    return {head.data(), head.size()};
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return !key.empty();
  }

 private:
  const std::array<HeadShape, 256> shapes_;
};

// `heads` may be null (no insert hints).
rocksdb::ColumnFamilyOptions CfOptions(
    const std::shared_ptr<const rocksdb::SliceTransform>& heads) {
  static const std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(kBlockCacheBytes);
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

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(
    const std::vector<std::string>& names,
    const std::shared_ptr<const rocksdb::SliceTransform>& heads) {
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (const std::string& name : names) {
    out.emplace_back(name, CfOptions(heads));
  }
  return out;
}

// Reads the format version of an existing database without writing to it,
// and checks that `families` (the engine's, from its key spaces) include
// every family the folder holds: RocksDB opens a folder only with all of
// them, and rows in a family nobody names would be out of reach.
absl::Status CheckExistingFormat(const std::string& path,
                                 const std::vector<std::string>& families) {
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
  for (const std::string& name : cfs) {
    if (std::find(families.begin(), families.end(), name) == families.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data folder ", path, " holds column family \"", name,
          "\", which no registered key space names (this mopsd does not "
          "register the key space that wrote it). Use a mopsd that matches "
          "the data; nothing was changed"));
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
      descriptors.emplace_back(std::string(kCfNames[CfIndex(cf)]),
                               CfOptions(nullptr));
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
  if (!absl::SimpleAtoi(version, &v) || v < kOldestFormatVersion ||
      v > kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data folder ", path, " has data format version \"", version,
        "\"; this mopsd reads only versions ", kOldestFormatVersion, " to ",
        kFormatVersion,
        ". Use a mopsd that matches the data; nothing was changed"));
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------- Engine

Engine::Engine(const EngineOptions& options, const KeySpaceRegistry& spaces)
    : options_(options),
      family_names_(kCfNames.begin(), kCfNames.end()),
      heads_(std::make_shared<KeyHeadTransform>(spaces.HeadShapes())) {
  index_family_.fill(CfIndex(Cf::kIndex));
  for (const KeySpace& space : spaces.WithOwnFamily()) {
    index_family_[space.prefix] = static_cast<uint16_t>(family_names_.size());
    family_names_.emplace_back(space.family);
  }
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("data folder path is empty");
  }
  KeySpaceRegistry spaces = options.key_spaces;
  AddStorageKeySpaces(spaces);
  RETURN_IF_ERROR(spaces.Validate());
  auto engine = std::unique_ptr<Engine>(new Engine(options, spaces));
  std::error_code ec;
  if (fs::exists(fs::path(options.path) / "CURRENT", ec)) {
    RETURN_IF_ERROR(CheckExistingFormat(options.path, engine->family_names_));
  } else if (fs::exists(options.path, ec) && !fs::is_empty(options.path, ec)) {
    // Refuse to mix our files into a folder that holds something else.
    // Files the server writes there itself (left by an earlier first start
    // that died) are ours.
    for (const auto& entry : fs::directory_iterator(options.path, ec)) {
      const std::string name = entry.path().filename().string();
      if (std::find(options.own_files.begin(), options.own_files.end(), name) ==
          options.own_files.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "data folder ", options.path,
            " is not empty and holds no mops database; use an empty or new "
            "folder"));
      }
    }
  }
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
  rocksdb::Status s =
      rocksdb::DB::Open(db_options, options_.path,
                        Descriptors(family_names_, heads_), &handles_, &db_);
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("open ", options_.path)));

  std::string value;
  s = db_->Get(rocksdb::ReadOptions(), handle(Cf::kMeta),
               keys::MetaFormatVersion(), &value);
  if (s.ok() && value != absl::StrCat(kFormatVersion)) {
    RETURN_IF_ERROR(UpgradeFormat(value));
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
  s = db_->Get(rocksdb::ReadOptions(), handle(Cf::kMeta),
               keys::MetaFirstEvent(), &value);
  if (s.ok()) {
    uint64_t first = 1;
    if (!absl::SimpleAtoi(value, &first)) {
      return absl::DataLossError("stored first event revision does not parse");
    }
    first_event_revision_ = first;
  } else if (!s.IsNotFound()) {
    RETURN_IF_ERROR(FromRocks(s, "read first event revision"));
  }
  RefreshNextTimer();
  return absl::OkStatus();
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
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir,
                                   Descriptors(family_names_, nullptr),
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

}  // namespace mops::storage

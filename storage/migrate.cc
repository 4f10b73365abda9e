// Engine: moving a data folder of an older format on to kFormatVersion, one
// step at a time. Each step writes its rows in batches that are whole on
// their own, so a start that dies midway leaves a folder the next start
// goes on from; a step's version is written last.
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/log.h"
#include "storage/rocks_util.h"
#include "storage/status_macros.h"

namespace mops::storage {
namespace {

using detail::FromRocks;

constexpr uint32_t kRowsPerBatch = 10000;

absl::string_view KeyOf(const rocksdb::Iterator& it) {
  return {it.key().data(), it.key().size()};
}

}  // namespace

absl::Status Engine::UpgradeFormat(absl::string_view stored) {
  uint32_t version = 0;
  if (!absl::SimpleAtoi(stored, &version) || version < kOldestFormatVersion ||
      version > kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("data format version \"", stored, "\" is not readable"));
  }
  if (version == 1) {
    RETURN_IF_ERROR(MoveIndexRowsToOwnFamilies());
    version = 2;
  }
  if (version == 2) RETURN_IF_ERROR(TypeEventsAndTimers());
  return absl::OkStatus();
}

absl::Status Engine::WriteFormatVersion(uint32_t version) {
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocks(db_->Put(synced, handle(Cf::kMeta),
                            keys::MetaFormatVersion(), absl::StrCat(version)),
                   "write format version");
}

// Driven by the key spaces: a row moves when its prefix's space has a family
// of its own; rows of other prefixes stay. Each batch moves its rows at once
// (put into the space's family, deleted from "index"), so a start that dies
// midway leaves every row in one place and the next start goes on from
// there; the new version is written last.
absl::Status Engine::MoveIndexRowsToOwnFamilies() {
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
      if (handle(Cf::kIndex, key) == handle(Cf::kIndex)) continue;
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
  RETURN_IF_ERROR(WriteFormatVersion(2));
  // The moved rows' tombstones would stay in "index" for good: nothing
  // writes there any more, so no compaction would come to drop them.
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  rocksdb::Status c =
      db_->CompactRange(compact, handle(Cf::kIndex), nullptr, nullptr);
  if (!c.ok()) LogWarning("compacting the old index family: ", c.ToString());
  LogInfo("data format 1 -> 2: moved ", moved,
          " index rows into their key spaces' own column families in ",
          absl::FormatDuration(absl::Now() - started));
  return absl::OkStatus();
}

// Events of format 2 without a payload kept their details in field 8, which
// mops.v1.Event no longer has: they get them in `legacy` (an empty map when
// they had none), so every event has a payload. Timers get their text
// payload turned into a typed one by the upgrade their kind registered.
absl::Status Engine::TypeEventsAndTimers() {
  const absl::Time started = absl::Now();
  uint64_t events = 0;
  uint64_t timers = 0;
  rocksdb::WriteBatch batch;
  auto write = [&] {
    if (batch.Count() == 0) return absl::OkStatus();
    RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                              "rewrite format 2 rows"));
    batch.Clear();
    return absl::OkStatus();
  };
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handle(Cf::kEvents)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      mops::v1::Event event;
      mops::internal::v1::Format2EventDetails details;
      if (!event.ParseFromArray(it->value().data(), it->value().size()) ||
          !details.ParseFromArray(it->value().data(), it->value().size())) {
        return absl::DataLossError(absl::StrCat(
            "event row ", absl::CEscape(KeyOf(*it)), " does not parse"));
      }
      if (event.payload_case() != mops::v1::Event::PAYLOAD_NOT_SET &&
          details.data().empty()) {
        continue;
      }
      if (event.payload_case() == mops::v1::Event::PAYLOAD_NOT_SET) {
        *event.mutable_legacy()->mutable_data() = details.data();
      } else {
        // No mopsd wrote both; if one did, its typed payload is the record.
        LogWarning("data format 2 -> 3: event ", event.revision(), ".",
                   event.index(), " (", event.type(),
                   ") had a payload and string details; the details are "
                   "dropped");
      }
      event.DiscardUnknownFields();  // field 8
      RETURN_IF_ERROR(FromRocks(
          batch.Put(handle(Cf::kEvents), it->key(), event.SerializeAsString()),
          "rewrite event"));
      ++events;
      if (batch.Count() >= kRowsPerBatch) RETURN_IF_ERROR(write());
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read events"));
  }
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handle(Cf::kTimers)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      mops::internal::v1::TimerRecord timer;
      if (!timer.ParseFromArray(it->value().data(), it->value().size())) {
        return absl::DataLossError(absl::StrCat(
            "timer row ", absl::CEscape(KeyOf(*it)), " does not parse"));
      }
      if (timer.format2_payload().empty()) continue;
      auto upgrade = options_.timer_upgrades.find(timer.kind());
      if (upgrade == options_.timer_upgrades.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "data format 2 -> 3: no upgrade for timers of kind \"",
            timer.kind(), "\"; nothing after the events was changed"));
      }
      RETURN_IF_ERROR(upgrade->second(&timer));
      timer.clear_format2_payload();
      RETURN_IF_ERROR(FromRocks(
          batch.Put(handle(Cf::kTimers), it->key(), timer.SerializeAsString()),
          "rewrite timer"));
      ++timers;
      if (batch.Count() >= kRowsPerBatch) RETURN_IF_ERROR(write());
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read timers"));
  }
  RETURN_IF_ERROR(write());
  RETURN_IF_ERROR(WriteFormatVersion(3));
  LogInfo("data format 2 -> 3: typed ", events, " events and ", timers,
          " timers in ", absl::FormatDuration(absl::Now() - started));
  return absl::OkStatus();
}

}  // namespace mops::storage

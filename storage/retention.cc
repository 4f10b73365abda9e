// Engine: the feed's retention. Old events go off the apply thread: nothing
// writes below the head, so writers are never held up.
#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/log.h"
#include "storage/rocks_util.h"
#include "storage/status_macros.h"

namespace mops::storage {

using detail::FromRocks;

absl::StatusOr<uint64_t> Engine::TrimEvents(absl::Time older_than,
                                            uint64_t keep_revisions,
                                            size_t max_scanned) {
  absl::MutexLock lock(&trim_mu_);  // one trim at a time
  const uint64_t head = committed_revision();
  const uint64_t first = first_event_revision();
  // Every revision before `cut` goes; the head's events always stay.
  uint64_t cut = first;
  if (head > keep_revisions) cut = std::max(cut, head - keep_revisions + 1);
  size_t scanned = 0;
  RETURN_IF_ERROR(ScanEvents(cut - 1, [&](mops::v1::Event&& e) {
    if (e.revision() >= head || ++scanned > max_scanned) return false;
    const absl::Time t = absl::FromUnixSeconds(e.time().seconds()) +
                         absl::Nanoseconds(e.time().nanos());
    if (t >= older_than) return false;
    cut = e.revision() + 1;  // this revision is old: it goes
    return true;
  }));
  cut = std::min(cut, head);
  if (cut <= first) return first;
  // Readers refuse what is below the new first revision before it goes
  // (ListEvents checks after its scan), and the record is durable first.
  first_event_revision_ = cut;
  rocksdb::WriteOptions synced;
  synced.sync = true;
  absl::Status s =
      FromRocks(db_->Put(synced, handle(Cf::kMeta), keys::MetaFirstEvent(),
                         absl::StrCat(cut)),
                "trim events");
  if (!s.ok()) {
    first_event_revision_ = first;
    return s;
  }
  // Row deletions in batches, from the start of the feed: what a trim that
  // died midway left goes with the next one. (A range deletion trips an
  // assertion of RocksDB 7.8 with the memtables' insert hints.)
  constexpr int kRowsPerBatch = 10000;
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handle(Cf::kEvents)));
  const std::string end = keys::EventsFrom(cut);
  for (it->Seek(keys::EventsFrom(0)); it->Valid(); it->Next()) {
    if (it->key().compare(end) >= 0) break;
    RETURN_IF_ERROR(
        FromRocks(batch.Delete(handle(Cf::kEvents), it->key()), "trim events"));
    if (batch.Count() >= kRowsPerBatch) {
      RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                                "trim events"));
      batch.Clear();
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "trim events"));
  RETURN_IF_ERROR(FromRocks(db_->Write(synced, &batch), "trim events"));
  LogInfo("event retention: revisions before ", cut, " trimmed");
  return cut;
}

}  // namespace mops::storage

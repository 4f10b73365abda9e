// Reader and Txn: reads of committed rows, and a command's view of them
// merged with its batch's writes.
#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/db.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/rocks_util.h"
#include "storage/status_macros.h"

namespace mops::storage {
namespace {

using detail::FromRocks;
using detail::ToSlice;

}  // namespace

using mops::internal::v1::TimerRecord;

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
  if (!after.empty() && after >= prefix) start = KeyAfter(after);
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

}  // namespace mops::storage

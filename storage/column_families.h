// The column families, declared once. Order matters: it is the handle index.
#ifndef MOPS_STORAGE_COLUMN_FAMILIES_H_
#define MOPS_STORAGE_COLUMN_FAMILIES_H_

#include <array>

#include "absl/strings/string_view.h"

namespace mops::storage {

enum class Cf : int {
  kMeta = 0,     // format version, last revision; RocksDB's "default"
  kRecords = 1,  // resources as protobuf, keyed by type and id
  kIndex = 2,    // secondary index rows (key-only, or covering a record)
  kEvents = 3,   // change feed: (revision, index) -> mops.v1.Event
  kTimers = 4,   // (due time, revision, index) -> TimerRecord
};

inline constexpr std::array<absl::string_view, 5> kCfNames = {
    "default", "records", "index", "events", "timers"};

inline constexpr int CfIndex(Cf cf) { return static_cast<int>(cf); }

// The index family is stored as one RocksDB family per index kind (the
// key's first byte, keys::KeyType 0x80 to 0x87), in this order after the
// families above. In one family, every flushed file spanned from the first
// kind's rows to the last's, so it overlapped every file of the next level
// and each compaction rewrote the whole index, even when a batch of creates
// had touched two or three places. Kinds outside the range stay in "index".
// Data format 1 kept them all in "index"; opening it moves them.
inline constexpr uint8_t kFirstIndexKind = 0x80;
inline constexpr std::array<absl::string_view, 8> kIndexKindCfNames = {
    "index.user_teams",       "index.token_id",   "index.task_assignee",
    "index.task_team",        "index.task_due",   "index.task_dependents",
    "index.approval_pending", "index.delegate_of"};

// The position in the engine's RocksDB families of the row `key` of `cf`.
inline int StoredCfIndex(Cf cf, absl::string_view key) {
  if (cf != Cf::kIndex || key.empty()) return CfIndex(cf);
  const unsigned kind = static_cast<unsigned char>(key[0]);
  if (kind < kFirstIndexKind ||
      kind >= kFirstIndexKind + kIndexKindCfNames.size()) {
    return CfIndex(cf);
  }
  return static_cast<int>(kCfNames.size() + kind - kFirstIndexKind);
}

}  // namespace mops::storage

#endif  // MOPS_STORAGE_COLUMN_FAMILIES_H_

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

// An index key space may have a RocksDB family of its own (KeySpace::family),
// stored after the families above. In one family, every flushed file spanned
// from the first space's rows to the last's, so it overlapped every file of
// the next level and each compaction rewrote the whole index, even when a
// batch of creates had touched two or three places. Data format 1 kept them
// all in "index"; opening it moves them (engine.h).

}  // namespace mops::storage

#endif  // MOPS_STORAGE_COLUMN_FAMILIES_H_

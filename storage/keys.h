// The key codec: every key of the store is built with it, from a declared
// key space (key_spaces.h), and nowhere else.
//
// A key is a key space's one-byte prefix followed by parts. Integers are
// big-endian and fixed-width; strings are escaped (0x00 -> 0x00 0xFF) and
// end with 0x00 0x01. Both keep byte order equal to logical order, and no
// string part is a prefix of another, so prefix scans return exactly one
// parent's rows in order.
//
// Storage names no domain: domains declare their spaces and build their
// keys in services/<domain>/keys.h. Storage's own spaces (meta rows, the
// change feed, timers) are at the end of this file.
#ifndef MOPS_STORAGE_KEYS_H_
#define MOPS_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/column_families.h"

namespace mops::storage {

// How much of a key groups rows written near each other (KeyHead).
enum class HeadShape : uint8_t {
  kPrefix,       // the prefix alone: one-part keys, sequences
  kFirstString,  // and the first string part: a parent's rows
  kFirstByte,    // and the first byte: a one-byte group
};

// A key space: the keys starting with one prefix byte, living in one column
// family. Declared once, as a constexpr, next to the functions that build
// its keys; registered with a KeySpaceRegistry so that the engine checks it
// and knows where its rows are stored. `name` and `family` must outlive the
// registry (string literals do).
struct KeySpace {
  uint8_t prefix;
  absl::string_view name;  // for messages
  Cf cf;
  HeadShape head = HeadShape::kPrefix;
  // For index spaces: a RocksDB family of the space's own instead of the
  // shared "index" one. Empty: the shared one.
  absl::string_view family = {};
};

class KeyBuilder {
 public:
  explicit KeyBuilder(const KeySpace& space);
  KeyBuilder& U8(uint8_t v);
  KeyBuilder& U64(uint64_t v);
  KeyBuilder& U32(uint32_t v);
  // Signed values are stored with the sign bit flipped so they sort right.
  KeyBuilder& I64(int64_t v);
  KeyBuilder& Str(absl::string_view s);
  const std::string& key() const { return key_; }
  std::string Build() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads parts back in the order they were built. Each getter returns nullopt
// on malformed input.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}
  // The key space's prefix.
  std::optional<uint8_t> Prefix();
  // Reads the prefix; true when it is `space`'s.
  bool In(const KeySpace& space);
  std::optional<uint8_t> U8();
  std::optional<uint64_t> U64();
  std::optional<uint32_t> U32();
  std::optional<int64_t> I64();
  std::optional<std::string> Str();
  // Passes over a string part without decoding it; false when malformed.
  bool SkipStr();
  bool done() const { return rest_.empty(); }
  // What is left to read.
  absl::string_view rest() const { return rest_; }

 private:
  // The encoded size of the string part at the front, its end mark
  // included; npos when malformed.
  size_t StrSize() const;

  absl::string_view rest_;
};

// The smallest key greater than every key starting with `prefix`
// (an exclusive upper bound for a prefix scan).
std::string PrefixEnd(absl::string_view prefix);

// The smallest key greater than `key` (where a scan resumes after it).
std::string KeyAfter(absl::string_view key);

// The part of a key that groups rows written near each other: the prefix
// and, by its space's shape, the first part (a parent's id, an open/closed
// group). The memtables keep an insert position per head, so a batch's rows
// for different heads do not throw each other's position away.
absl::string_view KeyHead(absl::string_view key, HeadShape shape);

namespace keys {

// Storage's own key spaces.
inline constexpr KeySpace kMetaFormatVersion{0x01, "meta format version",
                                             Cf::kMeta};
inline constexpr KeySpace kMetaLastRevision{0x02, "meta last revision",
                                            Cf::kMeta};
inline constexpr KeySpace kMetaBootstrapped{0x03, "meta bootstrapped",
                                            Cf::kMeta};
// The first revision whose events are kept (the feed's retention).
inline constexpr KeySpace kMetaFirstEvent{0x04, "meta first kept event",
                                          Cf::kMeta};
inline constexpr KeySpace kEvent{0xE0, "event", Cf::kEvents};  // revision, i
inline constexpr KeySpace kTimer{0xE1, "timer",
                                 Cf::kTimers};  // due micros, revision, i

std::string MetaFormatVersion();
std::string MetaLastRevision();
std::string MetaBootstrapped();
std::string MetaFirstEvent();

std::string Event(uint64_t revision, uint32_t index);
std::string EventsFrom(uint64_t revision);
std::string EventPrefix();

std::string Timer(absl::Time due, uint64_t revision, uint32_t index);
std::string TimerPrefix();
// The due time of a Timer key.
std::optional<absl::Time> TimerDue(absl::string_view key);

}  // namespace keys
}  // namespace mops::storage

#endif  // MOPS_STORAGE_KEYS_H_

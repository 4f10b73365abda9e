// The key-space registry: every key space of the store, declared by its
// owner (storage's own in keys.h, each domain's in services/<domain>/keys.h)
// and checked once, when the engine opens (EngineOptions::key_spaces).
#ifndef MOPS_STORAGE_KEY_SPACES_H_
#define MOPS_STORAGE_KEY_SPACES_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "storage/column_families.h"
#include "storage/keys.h"

namespace mops::storage {

// The prefixes the spaces of a column family may use: meta 0x01-0x0F,
// records 0x10-0x7F, index 0x80-0xDF, events and timers 0xE0-0xFF. A key's
// first byte then tells its family, in a dump as in code.
struct PrefixRange {
  uint8_t first;
  uint8_t last;
};
PrefixRange PrefixRangeOf(Cf cf);

class KeySpaceRegistry {
 public:
  // Adds without checking: wiring code adds every domain's spaces and
  // Validate, which Engine::Open calls, reports what is wrong.
  void Add(const KeySpace& space);

  // OK when no two spaces share a prefix or a name, every prefix is in its
  // family's range, and every family of a space's own is an index space's,
  // named once and not after one of the engine's families (kCfNames).
  absl::Status Validate() const;

  // The space of `prefix`; nullptr when none is registered.
  const KeySpace* Find(uint8_t prefix) const;
  // In the order added.
  const std::vector<KeySpace>& spaces() const { return spaces_; }
  // The spaces with a family of their own, by prefix.
  std::vector<KeySpace> WithOwnFamily() const;
  // The head shape of every prefix (kPrefix where none is registered).
  std::array<HeadShape, 256> HeadShapes() const;

 private:
  std::vector<KeySpace> spaces_;
};

// Adds storage's own spaces (meta rows, events, timers); the engine does,
// so that a domain's space cannot take their prefixes.
void AddStorageKeySpaces(KeySpaceRegistry& registry);

}  // namespace mops::storage

#endif  // MOPS_STORAGE_KEY_SPACES_H_

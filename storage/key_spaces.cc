#include "storage/key_spaces.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace mops::storage {
namespace {

std::string Describe(const KeySpace& space) {
  return absl::StrFormat("key space \"%s\" (prefix 0x%02X)", space.name,
                         space.prefix);
}

absl::Status CheckAlone(const KeySpace& space) {
  if (space.name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(space), " has no name"));
  }
  const PrefixRange range = PrefixRangeOf(space.cf);
  if (space.prefix < range.first || space.prefix > range.last) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is in column family \"%s\", whose prefixes are 0x%02X to 0x%02X",
        Describe(space), kCfNames[CfIndex(space.cf)], range.first, range.last));
  }
  if (space.family.empty()) return absl::OkStatus();
  if (space.cf != Cf::kIndex) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(space), " names column family \"", space.family,
                     "\" of its own, but only index spaces have one"));
  }
  if (std::find(kCfNames.begin(), kCfNames.end(), space.family) !=
      kCfNames.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(space), " names column family \"", space.family,
                     "\" of its own, which is one of the engine's families"));
  }
  return absl::OkStatus();
}

}  // namespace

PrefixRange PrefixRangeOf(Cf cf) {
  switch (cf) {
    case Cf::kMeta:
      return {0x01, 0x0F};
    case Cf::kRecords:
      return {0x10, 0x7F};
    case Cf::kIndex:
      return {0x80, 0xDF};
    case Cf::kEvents:
    case Cf::kTimers:
      break;
  }
  return {0xE0, 0xFF};
}

void KeySpaceRegistry::Add(const KeySpace& space) { spaces_.push_back(space); }

absl::Status KeySpaceRegistry::Validate() const {
  absl::flat_hash_map<uint8_t, const KeySpace*> by_prefix;
  absl::flat_hash_map<absl::string_view, const KeySpace*> by_name;
  absl::flat_hash_map<absl::string_view, const KeySpace*> by_family;
  for (const KeySpace& space : spaces_) {
    if (absl::Status s = CheckAlone(space); !s.ok()) return s;
    auto [prefix, new_prefix] = by_prefix.emplace(space.prefix, &space);
    if (!new_prefix) {
      return absl::InvalidArgumentError(
          absl::StrFormat("key spaces \"%s\" and \"%s\" both use prefix 0x%02X",
                          prefix->second->name, space.name, space.prefix));
    }
    auto [name, new_name] = by_name.emplace(space.name, &space);
    if (!new_name) {
      return absl::InvalidArgumentError(absl::StrCat(Describe(*name->second),
                                                     " and ", Describe(space),
                                                     " have the same name"));
    }
    if (space.family.empty()) continue;
    auto [family, new_family] = by_family.emplace(space.family, &space);
    if (!new_family) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(*family->second), " and ", Describe(space),
                       " both name column family \"", space.family, "\""));
    }
  }
  return absl::OkStatus();
}

const KeySpace* KeySpaceRegistry::Find(uint8_t prefix) const {
  for (const KeySpace& space : spaces_) {
    if (space.prefix == prefix) return &space;
  }
  return nullptr;
}

std::vector<KeySpace> KeySpaceRegistry::WithOwnFamily() const {
  std::vector<KeySpace> out;
  for (const KeySpace& space : spaces_) {
    if (!space.family.empty()) out.push_back(space);
  }
  std::sort(out.begin(), out.end(), [](const KeySpace& a, const KeySpace& b) {
    return a.prefix < b.prefix;
  });
  return out;
}

std::array<HeadShape, 256> KeySpaceRegistry::HeadShapes() const {
  std::array<HeadShape, 256> shapes;
  shapes.fill(HeadShape::kPrefix);
  for (const KeySpace& space : spaces_) shapes[space.prefix] = space.head;
  return shapes;
}

void AddStorageKeySpaces(KeySpaceRegistry& registry) {
  for (const KeySpace& space :
       {keys::kMetaFormatVersion, keys::kMetaLastRevision,
        keys::kMetaBootstrapped, keys::kMetaFirstEvent, keys::kEvent,
        keys::kTimer}) {
    registry.Add(space);
  }
}

}  // namespace mops::storage

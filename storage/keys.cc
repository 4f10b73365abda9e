#include "storage/keys.h"

#include <algorithm>

namespace mops::storage {

KeyBuilder::KeyBuilder(const KeySpace& space) {
  // Most keys are a few dozen bytes: one allocation instead of a regrowth
  // per few parts.
  key_.reserve(64);
  key_.push_back(static_cast<char>(space.prefix));
}

KeyBuilder& KeyBuilder::U8(uint8_t v) {
  key_.push_back(static_cast<char>(v));
  return *this;
}

KeyBuilder& KeyBuilder::U64(uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((v >> (56 - 8 * i)) & 0xFF);
  }
  key_.append(bytes, sizeof(bytes));
  return *this;
}

KeyBuilder& KeyBuilder::U32(uint32_t v) {
  char bytes[4];
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  }
  key_.append(bytes, sizeof(bytes));
  return *this;
}

KeyBuilder& KeyBuilder::I64(int64_t v) {
  return U64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

KeyBuilder& KeyBuilder::Str(absl::string_view s) {
  // Each 0x00 becomes 0x00 0xFF; the part ends with 0x00 0x01.
  for (size_t zero = s.find('\0'); zero != absl::string_view::npos;
       zero = s.find('\0')) {
    key_.append(s.data(), zero + 1);
    key_.push_back('\xFF');
    s.remove_prefix(zero + 1);
  }
  key_.append(s.data(), s.size());
  key_.append("\0\x01", 2);
  return *this;
}

std::optional<uint8_t> KeyReader::Prefix() { return U8(); }

bool KeyReader::In(const KeySpace& space) { return Prefix() == space.prefix; }

std::optional<uint8_t> KeyReader::U8() {
  if (rest_.empty()) return std::nullopt;
  auto v = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return v;
}

std::optional<uint64_t> KeyReader::U64() {
  if (rest_.size() < 8) return std::nullopt;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(8);
  return v;
}

std::optional<uint32_t> KeyReader::U32() {
  if (rest_.size() < 4) return std::nullopt;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(4);
  return v;
}

std::optional<int64_t> KeyReader::I64() {
  auto u = U64();
  if (!u) return std::nullopt;
  return static_cast<int64_t>(*u ^ (uint64_t{1} << 63));
}

size_t KeyReader::StrSize() const {
  for (size_t i = 0; i + 1 < rest_.size(); ++i) {
    if (rest_[i] != '\0') continue;
    if (rest_[i + 1] == '\x01') return i + 2;
    if (rest_[i + 1] != '\xFF') return absl::string_view::npos;
    ++i;  // an escaped 0x00
  }
  return absl::string_view::npos;
}

std::optional<std::string> KeyReader::Str() {
  const size_t size = StrSize();
  if (size == absl::string_view::npos) return std::nullopt;
  std::string out;
  out.reserve(size - 2);
  for (size_t i = 0; i + 2 < size; ++i) {
    out.push_back(rest_[i]);
    if (rest_[i] == '\0') ++i;  // skip the escape's 0xFF
  }
  rest_.remove_prefix(size);
  return out;
}

bool KeyReader::SkipStr() {
  const size_t size = StrSize();
  if (size == absl::string_view::npos) return false;
  rest_.remove_prefix(size);
  return true;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto last = static_cast<uint8_t>(end.back());
    if (last != 0xFF) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;  // empty: no upper bound
}

std::string KeyAfter(absl::string_view key) {
  std::string after(key);
  after.push_back('\0');
  return after;
}

absl::string_view KeyHead(absl::string_view key, HeadShape shape) {
  if (key.empty()) return key;
  switch (shape) {
    case HeadShape::kFirstString: {
      KeyReader reader(key.substr(1));
      if (!reader.SkipStr()) return key.substr(0, 1);
      return key.substr(0, key.size() - reader.rest().size());
    }
    case HeadShape::kFirstByte:
      return key.substr(0, std::min<size_t>(key.size(), 2));
    case HeadShape::kPrefix:
      break;
  }
  return key.substr(0, 1);
}

namespace keys {

std::string MetaFormatVersion() {
  return KeyBuilder(kMetaFormatVersion).Build();
}
std::string MetaLastRevision() { return KeyBuilder(kMetaLastRevision).Build(); }
std::string MetaBootstrapped() { return KeyBuilder(kMetaBootstrapped).Build(); }
std::string MetaFirstEvent() { return KeyBuilder(kMetaFirstEvent).Build(); }

std::string Event(uint64_t revision, uint32_t index) {
  return KeyBuilder(kEvent).U64(revision).U32(index).Build();
}
std::string EventsFrom(uint64_t revision) {
  return KeyBuilder(kEvent).U64(revision).Build();
}
std::string EventPrefix() { return KeyBuilder(kEvent).Build(); }

std::string Timer(absl::Time due, uint64_t revision, uint32_t index) {
  return KeyBuilder(kTimer)
      .I64(absl::ToUnixMicros(due))
      .U64(revision)
      .U32(index)
      .Build();
}
std::string TimerPrefix() { return KeyBuilder(kTimer).Build(); }
std::optional<absl::Time> TimerDue(absl::string_view key) {
  KeyReader r(key);
  if (!r.In(kTimer)) return std::nullopt;
  auto micros = r.I64();
  if (!micros) return std::nullopt;
  return absl::FromUnixMicros(*micros);
}

}  // namespace keys
}  // namespace mops::storage

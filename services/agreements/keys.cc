#include "services/agreements/keys.h"

namespace mops::services::agreements::keys {

using storage::KeyBuilder;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  registry.Add(kHead);
  registry.Add(kVersion);
  registry.Add(kClock);
  registry.Add(kClockBySubject);
  registry.Add(kActiveByType);
  registry.Add(kActive);
}

std::string Head(absl::string_view id) {
  return KeyBuilder(kHead).Str(id).Build();
}
std::string HeadPrefix() { return KeyBuilder(kHead).Build(); }

std::string Version(absl::string_view id, int64_t version) {
  // Complemented: a scan from the prefix reads the newest first.
  return KeyBuilder(kVersion)
      .Str(id)
      .U64(~static_cast<uint64_t>(version))
      .Build();
}
std::string VersionPrefix(absl::string_view id) {
  return KeyBuilder(kVersion).Str(id).Build();
}

std::string Clock(absl::string_view agreement, absl::string_view clock) {
  return KeyBuilder(kClock).Str(agreement).Str(clock).Build();
}
std::string ClockPrefix(absl::string_view agreement) {
  return KeyBuilder(kClock).Str(agreement).Build();
}
std::string AllClocksPrefix() { return KeyBuilder(kClock).Build(); }

std::string ClockBySubject(absl::string_view agreement, absl::string_view term,
                           absl::string_view subject) {
  return KeyBuilder(kClockBySubject)
      .Str(agreement)
      .Str(term)
      .Str(subject)
      .Build();
}
std::string ClocksBySubjectPrefix(absl::string_view agreement,
                                  absl::string_view term,
                                  absl::string_view subject_prefix) {
  // The subject part without its terminator: every subject that starts
  // with the prefix. Names hold no NUL, so no escape is needed.
  std::string key =
      KeyBuilder(kClockBySubject).Str(agreement).Str(term).Build();
  key.append(subject_prefix.data(), subject_prefix.size());
  return key;
}

std::string ActiveByType(absl::string_view type, absl::string_view agreement) {
  return KeyBuilder(kActiveByType).Str(type).Str(agreement).Build();
}
std::string ActiveByTypePrefix(absl::string_view type) {
  return KeyBuilder(kActiveByType).Str(type).Build();
}
std::string Active(absl::string_view agreement) {
  return KeyBuilder(kActive).Str(agreement).Build();
}
std::string ActivePrefix() { return KeyBuilder(kActive).Build(); }

}  // namespace mops::services::agreements::keys

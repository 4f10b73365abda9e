#include "services/calendars/keys.h"

namespace mops::services::calendars::keys {

using storage::KeyBuilder;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  registry.Add(kCalendar);
  registry.Add(kCalendarVersion);
}

std::string Calendar(absl::string_view calendar) {
  return KeyBuilder(kCalendar).Str(calendar).Build();
}
std::string CalendarPrefix() { return KeyBuilder(kCalendar).Build(); }

std::string CalendarVersion(absl::string_view calendar, int64_t version) {
  // Complemented, so a calendar's newest version sorts first.
  return KeyBuilder(kCalendarVersion)
      .Str(calendar)
      .U64(~static_cast<uint64_t>(version))
      .Build();
}
std::string CalendarVersionPrefix(absl::string_view calendar) {
  return KeyBuilder(kCalendarVersion).Str(calendar).Build();
}

}  // namespace mops::services::calendars::keys

#include "services/calendars/keys.h"

namespace mops::services::calendars::keys {

using storage::KeyBuilder;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  registry.Add(kCalendar);
}

std::string Calendar(absl::string_view calendar) {
  return KeyBuilder(kCalendar).Str(calendar).Build();
}
std::string CalendarPrefix() { return KeyBuilder(kCalendar).Build(); }

}  // namespace mops::services::calendars::keys

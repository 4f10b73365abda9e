// Calendars' key space. Registered with storage by RegisterKeySpaces; every
// calendar key is built here.
#ifndef MOPS_SERVICES_CALENDARS_KEYS_H_
#define MOPS_SERVICES_CALENDARS_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::calendars::keys {

inline constexpr storage::KeySpace kCalendar{0x18, "calendar",
                                             storage::Cf::kRecords};
// Every version of every calendar, newest first within a calendar.
inline constexpr storage::KeySpace kCalendarVersion{
    0x1B, "calendar version", storage::Cf::kRecords,
    storage::HeadShape::kFirstString};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

std::string Calendar(absl::string_view calendar);
std::string CalendarPrefix();
std::string CalendarVersion(absl::string_view calendar, int64_t version);
std::string CalendarVersionPrefix(absl::string_view calendar);

}  // namespace mops::services::calendars::keys

#endif  // MOPS_SERVICES_CALENDARS_KEYS_H_

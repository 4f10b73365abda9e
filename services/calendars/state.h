// Load and save of calendars and the checks create and update share.
// Internal to the calendars domain; others use calendars.h.
#ifndef MOPS_SERVICES_CALENDARS_STATE_H_
#define MOPS_SERVICES_CALENDARS_STATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mops/v1/approvals.pb.h"
#include "services/calendars/calendars.h"
#include "storage/engine.h"

namespace mops::services::calendars::internal {

// Field checks that need no stored state: the display name's length and
// the calendar itself (zone, windows, holidays; see BusinessCalendar).
absl::Status ValidateCalendar(const v1::Calendar& c);

// Stamps etag, update_time and the next version (1 when `created`; also
// create_time then) and writes the calendar `id`, as current and as that
// version. The versions before stay as they were.
void SaveCalendar(storage::Txn& txn, absl::string_view id, v1::Calendar* c,
                  bool created);

}  // namespace mops::services::calendars::internal

#endif  // MOPS_SERVICES_CALENDARS_STATE_H_

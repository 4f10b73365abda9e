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

// Stamps etag and update_time (and create_time when `created`) and writes
// the calendar `id`.
void SaveCalendar(storage::Txn& txn, absl::string_view id, v1::Calendar* c,
                  bool created);

}  // namespace mops::services::calendars::internal

#endif  // MOPS_SERVICES_CALENDARS_STATE_H_

// Calendars: what other parts of the server use. A domain that counts
// business time includes this header only; it brings the business clock
// (business_clock.h) and due values (due.h). The CRUD RPCs are in
// commands/ and queries.h, the binding in service.h.
#ifndef MOPS_SERVICES_CALENDARS_CALENDARS_H_
#define MOPS_SERVICES_CALENDARS_CALENDARS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/v1/approvals.pb.h"
#include "services/calendars/business_clock.h"
#include "services/calendars/calendar.h"
#include "services/calendars/due.h"
#include "storage/engine.h"

namespace mops::services::calendars {

// "calendars/default": every data folder has it.
std::string DefaultCalendarName();

// The stored calendar `id` (its current version); NOT_FOUND naming it when
// absent.
absl::StatusOr<v1::Calendar> LoadCalendar(const storage::Reader& reader,
                                          absl::string_view id);

// Version `version` of calendar `id` (0: the current one); NOT_FOUND naming
// the calendar or the version when absent.
absl::StatusOr<v1::Calendar> LoadCalendarVersion(const storage::Reader& reader,
                                                 absl::string_view id,
                                                 int64_t version);

// The business clock of the stored calendar `id`.
absl::StatusOr<BusinessClock> LoadClock(const storage::Reader& reader,
                                        absl::string_view id);

// Creates calendars/default when missing, and gives calendars of folders
// from before versions their version 1 (new and older data folders).
absl::Status EnsureCalendars(storage::Txn& txn);

}  // namespace mops::services::calendars

#endif  // MOPS_SERVICES_CALENDARS_CALENDARS_H_

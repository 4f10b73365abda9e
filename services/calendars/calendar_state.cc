#include <utility>

#include "absl/strings/str_cat.h"
#include "services/calendars/calendars.h"
#include "services/calendars/keys.h"
#include "services/calendars/state.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::calendars {

using storage::Cf;
using storage::Reader;
using storage::Txn;

std::string DefaultCalendarName() {
  return absl::StrCat("calendars/", kDefaultCalendarId);
}

absl::StatusOr<v1::Calendar> LoadCalendar(const Reader& reader,
                                          absl::string_view id) {
  v1::Calendar c;
  ASSIGN_OR_RETURN(bool found,
                   reader.GetProto(Cf::kRecords, keys::Calendar(id), &c));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("calendar \"calendars/", id, "\" not found"));
  }
  return c;
}

absl::StatusOr<BusinessClock> LoadClock(const Reader& reader,
                                        absl::string_view id) {
  ASSIGN_OR_RETURN(v1::Calendar c, LoadCalendar(reader, id));
  return BusinessClock::FromProto(c);
}

absl::Status EnsureDefaultCalendar(Txn& txn) {
  ASSIGN_OR_RETURN(auto row,
                   txn.Get(Cf::kRecords, keys::Calendar(kDefaultCalendarId)));
  if (row) return absl::OkStatus();
  v1::Calendar c = DefaultCalendar();
  internal::SaveCalendar(txn, kDefaultCalendarId, &c, /*created=*/true);
  v1::Event e;
  *e.mutable_calendar_created()->mutable_calendar() = c;
  Emit(txn, Principal::System(), c.name(), std::move(e));
  return absl::OkStatus();
}

namespace internal {

absl::Status ValidateCalendar(const v1::Calendar& c) {
  RETURN_IF_ERROR(ValidateLength("calendar.display_name", c.display_name(),
                                 kMaxDisplayNameLength));
  return BusinessCalendar::FromProto(c).status();
}

void SaveCalendar(Txn& txn, absl::string_view id, v1::Calendar* c,
                  bool created) {
  c->set_etag(EtagOf(txn.revision()));
  if (created) *c->mutable_create_time() = ToProtoTime(txn.Now());
  *c->mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Calendar(id), *c);
}

}  // namespace internal
}  // namespace mops::services::calendars

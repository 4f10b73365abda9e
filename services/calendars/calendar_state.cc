#include <algorithm>
#include <string>
#include <utility>
#include <vector>

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
  if (c.version() == 0) c.set_version(1);  // written before versions
  return c;
}

absl::StatusOr<v1::Calendar> LoadCalendarVersion(const Reader& reader,
                                                 absl::string_view id,
                                                 int64_t version) {
  ASSIGN_OR_RETURN(v1::Calendar current, LoadCalendar(reader, id));
  if (version == 0 || version == current.version()) return current;
  v1::Calendar c;
  bool found = false;
  if (version > 0 && version < current.version()) {
    ASSIGN_OR_RETURN(
        found,
        reader.GetProto(Cf::kRecords, keys::CalendarVersion(id, version), &c));
  }
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("version: calendars/", id, " has no version ", version,
                     "; its versions are 1 to ", current.version()));
  }
  return c;
}

absl::StatusOr<BusinessClock> LoadClock(const Reader& reader,
                                        absl::string_view id) {
  ASSIGN_OR_RETURN(v1::Calendar c, LoadCalendar(reader, id));
  return BusinessClock::FromProto(c);
}

absl::Status EnsureCalendars(Txn& txn) {
  // Calendars stored before versions: version 1, readable as such.
  std::vector<std::pair<std::string, v1::Calendar>> unversioned;
  absl::Status parsed = absl::OkStatus();
  RETURN_IF_ERROR(txn.Scan(
      Cf::kRecords, keys::CalendarPrefix(), "",
      [&](absl::string_view, absl::string_view value) {
        v1::Calendar c;
        if (!c.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parsed = absl::DataLossError("a stored calendar does not parse");
          return false;
        }
        if (c.version() == 0) {
          std::string id = c.name().substr(c.name().find('/') + 1);
          unversioned.emplace_back(std::move(id), std::move(c));
        }
        return true;
      }));
  RETURN_IF_ERROR(parsed);
  for (auto& [id, c] : unversioned) {
    c.set_version(1);
    txn.PutProto(Cf::kRecords, keys::Calendar(id), c);
    txn.PutProto(Cf::kRecords, keys::CalendarVersion(id, 1), c);
  }
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
  c->set_version(created ? 1 : std::max<int64_t>(c->version(), 1) + 1);
  txn.PutProto(Cf::kRecords, keys::Calendar(id), *c);
  txn.PutProto(Cf::kRecords, keys::CalendarVersion(id, c->version()), *c);
}

}  // namespace internal
}  // namespace mops::services::calendars

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/calendars/commands/commands.h"
#include "services/calendars/keys.h"
#include "services/calendars/state.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::calendars::commands {

using storage::Cf;
using storage::Txn;

absl::Status CreateCalendar::Validate(const Request& req) const {
  RETURN_IF_ERROR(ValidateId("calendar_id", req.calendar_id()));
  return internal::ValidateCalendar(req.calendar());
}

absl::Status CreateCalendar::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  RETURN_IF_ERROR(RequireAdmin(p, "create calendars"));
  const std::string& id = req.calendar_id();
  ASSIGN_OR_RETURN(auto row, txn.Get(Cf::kRecords, keys::Calendar(id)));
  if (row) {
    return absl::AlreadyExistsError(
        absl::StrCat("calendar \"calendars/", id, "\" already exists"));
  }
  v1::Calendar c = req.calendar();
  c.set_name(absl::StrCat("calendars/", id));
  internal::SaveCalendar(txn, id, &c, /*created=*/true);
  v1::Event e;
  *e.mutable_calendar_created()->mutable_calendar() = c;
  Emit(txn, p, c.name(), std::move(e));
  *out = std::move(c);
  return absl::OkStatus();
}

}  // namespace mops::services::calendars::commands

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/calendars/commands/commands.h"
#include "services/calendars/state.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::calendars::commands {

using storage::Txn;

namespace {

constexpr const char* kPaths[] = {"display_name", "time_zone", "working_hours",
                                  "holidays"};

}  // namespace

absl::Status UpdateCalendar::Validate(const Request& req) const {
  RETURN_IF_ERROR(
      ParseId("calendar.name", req.calendar().name(), "calendars/*").status());
  const std::string allowed = absl::StrJoin(kPaths, ", ");
  if (req.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("update_mask is required; paths: ", allowed));
  }
  for (const std::string& path : req.update_mask().paths()) {
    if (std::find(std::begin(kPaths), std::end(kPaths), path) ==
        std::end(kPaths)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: path \"", path,
                       "\" cannot be updated; allowed: ", allowed));
    }
  }
  return absl::OkStatus();
}

absl::Status UpdateCalendar::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  RETURN_IF_ERROR(RequireAdmin(p, "change calendars"));
  ASSIGN_OR_RETURN(
      std::string id,
      ParseId("calendar.name", req.calendar().name(), "calendars/*"));
  ASSIGN_OR_RETURN(v1::Calendar c, LoadCalendar(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.calendar().etag(), c.etag(), c.name()));
  const v1::Calendar& in = req.calendar();
  for (const std::string& path : req.update_mask().paths()) {
    if (path == "display_name") {
      c.set_display_name(in.display_name());
    } else if (path == "time_zone") {
      c.set_time_zone(in.time_zone());
    } else if (path == "working_hours") {
      *c.mutable_working_hours() = in.working_hours();
    } else if (path == "holidays") {
      *c.mutable_holidays() = in.holidays();
    }
  }
  RETURN_IF_ERROR(internal::ValidateCalendar(c));
  internal::SaveCalendar(txn, id, &c, /*created=*/false);
  v1::Event e;
  *e.mutable_calendar_updated()->mutable_calendar() = c;
  Emit(txn, p, c.name(), std::move(e));
  *out = std::move(c);
  return absl::OkStatus();
}

}  // namespace mops::services::calendars::commands

#include <string>
#include <utility>
#include <vector>

#include "services/calendars/commands/commands.h"
#include "services/calendars/state.h"
#include "services/common/events.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::calendars::commands {

using storage::Txn;

namespace {

constexpr absl::string_view kUpdatable[] = {"display_name", "time_zone",
                                            "working_hours", "holidays"};

void SetPath(const std::string& path, const v1::Calendar& in, v1::Calendar* c) {
  if (path == "display_name") {
    c->set_display_name(in.display_name());
  } else if (path == "time_zone") {
    c->set_time_zone(in.time_zone());
  } else if (path == "working_hours") {
    *c->mutable_working_hours() = in.working_hours();
  } else if (path == "holidays") {
    *c->mutable_holidays() = in.holidays();
  }
}

}  // namespace

absl::Status UpdateCalendar::Validate(const Request& req) const {
  RETURN_IF_ERROR(
      ParseId("calendar.name", req.calendar().name(), "calendars/*").status());
  return UpdatePaths(req.update_mask(), req.calendar(), kUpdatable).status();
}

// A change makes a new version; the one before stays readable, and what was
// computed with it (an approval round's deadline) keeps it.
absl::Status UpdateCalendar::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  RETURN_IF_ERROR(RequireAdmin(p, "change calendars"));
  ASSIGN_OR_RETURN(
      std::string id,
      ParseId("calendar.name", req.calendar().name(), "calendars/*"));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), req.calendar(), kUpdatable));
  ASSIGN_OR_RETURN(v1::Calendar c, LoadCalendar(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.calendar().etag(), c.etag(), c.name()));
  for (const std::string& path : paths) SetPath(path, req.calendar(), &c);
  RETURN_IF_ERROR(internal::ValidateCalendar(c));
  internal::SaveCalendar(txn, id, &c, /*created=*/false);
  v1::Event e;
  *e.mutable_calendar_updated()->mutable_calendar() = c;
  for (const std::string& path : paths) {
    e.mutable_calendar_updated()->add_fields(path);
  }
  Emit(txn, p, c.name(), std::move(e));
  *out = std::move(c);
  return absl::OkStatus();
}

}  // namespace mops::services::calendars::commands

#include "services/calendars/queries.h"

#include <string>

#include "services/calendars/calendars.h"
#include "services/calendars/keys.h"
#include "services/common/pagination.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::calendars::queries {

using storage::Cf;
using storage::Reader;

absl::Status GetCalendar::Run(const Reader& reader, const Principal&,
                              const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "calendars/*"));
  if (req.version() < 0) {
    return absl::InvalidArgumentError(
        "version must be 0 (the current one) or a version number");
  }
  ASSIGN_OR_RETURN(*out, LoadCalendarVersion(reader, id, req.version()));
  return absl::OkStatus();
}

absl::Status ListCalendarVersions::Run(const Reader& reader, const Principal&,
                                       const Request& req,
                                       Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "calendars/*"));
  RETURN_IF_ERROR(LoadCalendar(reader, id).status());
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::CalendarVersionPrefix(id),
               req.page_size(), req.page_token(), out->mutable_calendars()));
  return absl::OkStatus();
}

absl::Status ListCalendars::Run(const Reader& reader, const Principal&,
                                const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::CalendarPrefix(), req.page_size(),
               req.page_token(), out->mutable_calendars()));
  return absl::OkStatus();
}

}  // namespace mops::services::calendars::queries

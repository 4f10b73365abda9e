// The read RPCs of calendars (the pattern is in services/common/binder.h).
#ifndef MOPS_SERVICES_CALENDARS_QUERIES_H_
#define MOPS_SERVICES_CALENDARS_QUERIES_H_

#include "mops/v1/approvals.pb.h"
#include "services/common/command.h"

namespace mops::services::calendars::queries {

MOPS_DECLARE_QUERY(GetCalendar, v1::GetCalendarRequest, v1::Calendar);
MOPS_DECLARE_QUERY(ListCalendars, v1::ListCalendarsRequest,
                   v1::ListCalendarsResponse);
MOPS_DECLARE_QUERY(ListCalendarVersions, v1::ListCalendarVersionsRequest,
                   v1::ListCalendarVersionsResponse);

}  // namespace mops::services::calendars::queries

#endif  // MOPS_SERVICES_CALENDARS_QUERIES_H_

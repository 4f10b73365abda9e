// The write RPCs of calendars, one command each (the pattern is in
// services/common/binder.h); each is defined in its own file here.
#ifndef MOPS_SERVICES_CALENDARS_COMMANDS_COMMANDS_H_
#define MOPS_SERVICES_CALENDARS_COMMANDS_COMMANDS_H_

#include "mops/v1/approvals.pb.h"
#include "services/common/command.h"

namespace mops::services::calendars::commands {

MOPS_DECLARE_COMMAND(CreateCalendar, v1::CreateCalendarRequest, v1::Calendar);
MOPS_DECLARE_COMMAND(UpdateCalendar, v1::UpdateCalendarRequest, v1::Calendar);

}  // namespace mops::services::calendars::commands

#endif  // MOPS_SERVICES_CALENDARS_COMMANDS_COMMANDS_H_

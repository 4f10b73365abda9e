#include "services/calendars/service.h"

#include "mops/v1/approvals.grpc.pb.h"
#include "services/calendars/commands/commands.h"
#include "services/calendars/keys.h"
#include "services/calendars/queries.h"
#include "services/common/binder.h"

namespace mops::services::calendars {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindCalendarService(
    const Authenticator& auth, storage::Engine& engine) {
  return Binder("mops.v1.CalendarService", auth, engine)
      .Query<queries::GetCalendar>("GetCalendar")
      .Query<queries::ListCalendars>("ListCalendars")
      .Query<queries::ListCalendarVersions>("ListCalendarVersions")
      .Command<commands::CreateCalendar>("CreateCalendar")
      .Command<commands::UpdateCalendar>("UpdateCalendar")
      .Finish();
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

}  // namespace mops::services::calendars

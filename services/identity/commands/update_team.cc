#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/calendars/calendars.h"
#include "services/common/events.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "services/identity/commands/commands.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::commands {

using storage::Txn;
using namespace internal;  // NOLINT

namespace {

constexpr absl::string_view kUpdatable[] = {"display_name", "description",
                                            "calendar"};

// Sets `path` of *team from `in`.
absl::Status SetPath(const Txn& txn, const std::string& path,
                     const v1::Team& in, v1::Team* team) {
  if (path == "display_name") {
    if (in.display_name().empty()) {
      return absl::InvalidArgumentError("team.display_name must not be empty");
    }
    team->set_display_name(in.display_name());
  } else if (path == "description") {
    team->set_description(in.description());
  } else if (path == "calendar") {
    if (in.calendar().empty()) {
      team->clear_calendar();
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::string cal,
                     ParseId("team.calendar", in.calendar(), "calendars/*"));
    RETURN_IF_ERROR(calendars::LoadCalendar(txn, cal).status());
    team->set_calendar(absl::StrCat("calendars/", cal));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status UpdateTeam::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("team.name", req.team().name(), "teams/*").status());
  RETURN_IF_ERROR(ValidateTeamFields(req.team(), "team."));
  return UpdatePaths(req.update_mask(), req.team(), kUpdatable).status();
}

absl::Status UpdateTeam::Apply(Txn& txn, const Principal& p, const Request& req,
                               Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("team.name", req.team().name(), "teams/*"));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), req.team(), kUpdatable));
  ASSIGN_OR_RETURN(v1::Team team, LoadTeam(txn, id));
  RETURN_IF_ERROR(RequireAdminOrLead(txn, p, id, "update the team"));
  RETURN_IF_ERROR(CheckEtag(req.team().etag(), team.etag(), team.name()));
  for (const std::string& path : paths) {
    RETURN_IF_ERROR(SetPath(txn, path, req.team(), &team));
  }
  SaveTeam(txn, id, &team);
  v1::Event e;
  *e.mutable_team_updated()->mutable_team() = team;
  for (const std::string& path : paths) {
    e.mutable_team_updated()->add_fields(path);
  }
  Emit(txn, p, team.name(), std::move(e));
  *out = std::move(team);
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

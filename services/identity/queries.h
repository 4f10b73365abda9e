// The read RPCs of identity (the pattern is in services/common/binder.h).
#ifndef MOPS_SERVICES_IDENTITY_QUERIES_H_
#define MOPS_SERVICES_IDENTITY_QUERIES_H_

#include "mops/v1/identity.pb.h"
#include "services/common/command.h"
#include "storage/clock.h"

namespace mops::services::identity::queries {

MOPS_DECLARE_QUERY(WhoAmI, v1::WhoAmIRequest, v1::WhoAmIResponse);
MOPS_DECLARE_QUERY(GetTeam, v1::GetTeamRequest, v1::Team);
MOPS_DECLARE_QUERY(ListTeams, v1::ListTeamsRequest, v1::ListTeamsResponse);
MOPS_DECLARE_QUERY(ListTeamMembers, v1::ListTeamMembersRequest,
                   v1::ListTeamMembersResponse);
MOPS_DECLARE_QUERY(GetUser, v1::GetUserRequest, v1::User);
MOPS_DECLARE_QUERY(ListUsers, v1::ListUsersRequest, v1::ListUsersResponse);
MOPS_DECLARE_QUERY(ListActAsGrants, v1::ListActAsGrantsRequest,
                   v1::ListActAsGrantsResponse);

// Tokens show as expired once their time has passed, before the timer that
// records it has fired: so this one reads the clock.
struct ListTokens {
  using Request = v1::ListTokensRequest;
  using Response = v1::ListTokensResponse;
  const storage::Clock* clock;
  absl::Status Run(const storage::Reader& reader, const Principal& p,
                   const Request& req, Response* out) const;
};

}  // namespace mops::services::identity::queries

#endif  // MOPS_SERVICES_IDENTITY_QUERIES_H_

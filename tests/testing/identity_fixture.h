// The identity tests' fixture: the real server and helpers for teams and
// members.
#ifndef MOPS_TESTS_TESTING_IDENTITY_FIXTURE_H_
#define MOPS_TESTS_TESTING_IDENTITY_FIXTURE_H_

#include <string>

#include "tests/testing/service_fixture.h"

namespace mops::testing {

class IdentityServiceTest : public ServiceTest {
 protected:
  using Stub = v1::IdentityService::Stub;

  grpc::Status WhoAmI(const std::string& token, v1::WhoAmIResponse* who,
                      const std::string& on_behalf_of = "") {
    return Call(identity_.get(), &Stub::WhoAmI, token, v1::WhoAmIRequest(), who,
                on_behalf_of);
  }

  grpc::Status CreateTeam(const std::string& token, const std::string& id,
                          v1::Team* team = nullptr,
                          const std::string& request_id = "") {
    v1::CreateTeamRequest req;
    req.set_team_id(id);
    req.mutable_team()->set_display_name("Team " + id);
    req.set_request_id(request_id);
    v1::Team scratch;
    return Call(identity_.get(), &Stub::CreateTeam, token, req,
                team ? team : &scratch);
  }

  grpc::Status AddMember(const std::string& token, const std::string& team,
                         const std::string& user,
                         v1::Membership::Role role = v1::Membership::MEMBER) {
    v1::AddTeamMemberRequest req;
    req.set_team("teams/" + team);
    req.set_user("users/" + user);
    req.set_role(role);
    v1::Membership m;
    return Call(identity_.get(), &Stub::AddTeamMember, token, req, &m);
  }
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_IDENTITY_FIXTURE_H_

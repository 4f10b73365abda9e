#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/approvals/approvals.h"
#include "services/approvals/state.h"
#include "services/calendars/calendars.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::internal {

using storage::Reader;

namespace {

std::string GroupField(int i) {
  return absl::StrCat("approval.groups[", i, "]");
}

}  // namespace

absl::Status ValidateGroupShape(int i, const v1::ApproverGroup& g) {
  const std::string field = GroupField(i);
  int kinds =
      (!g.team().empty()) + (!g.users().empty()) + g.requester_manager();
  if (kinds != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must name exactly one of team, users and requester_manager"));
  }
  if (g.leads_only() && g.team().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".leads_only needs a team"));
  }
  if (g.required() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".required must be at least 1"));
  }
  if (!g.team().empty()) {
    RETURN_IF_ERROR(ParseId(field + ".team", g.team(), "teams/*").status());
  }
  if (g.users_size() > kMaxGroupUsers) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".users has more than ", kMaxGroupUsers, " entries"));
  }
  for (const std::string& user : g.users()) {
    RETURN_IF_ERROR(
        ParseId(field + ".users entry", UserName(user), "users/*").status());
  }
  return absl::OkStatus();
}

absl::Status ResolveGroup(const Reader& reader, int i, v1::ApproverGroup* g) {
  const std::string field = GroupField(i);
  if (g->required() == 0) g->set_required(1);
  if (!g->team().empty()) {
    ASSIGN_OR_RETURN(std::string team,
                     ParseId(field + ".team", g->team(), "teams/*"));
    RETURN_IF_ERROR(identity::LoadTeam(reader, team).status());
    g->set_team(absl::StrCat("teams/", team));
  }
  for (std::string& user : *g->mutable_users()) {
    user = UserName(user);
    ASSIGN_OR_RETURN(std::string id,
                     ParseId(field + ".users entry", user, "users/*"));
    RETURN_IF_ERROR(identity::LoadUser(reader, id).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Membership>> MembersOf(const Reader& reader,
                                                      absl::string_view team) {
  return identity::ListMembers(reader, team);
}

absl::StatusOr<bool> IsActiveUser(const Reader& reader,
                                  const std::string& name) {
  absl::StatusOr<v1::User> u = identity::LoadUser(reader, IdOf(name));
  if (absl::IsNotFound(u.status())) return false;
  RETURN_IF_ERROR(u.status());
  return u->state() == v1::User::ACTIVE;
}

absl::StatusOr<std::string> ManagerOf(const Reader& reader,
                                      const std::string& user) {
  ASSIGN_OR_RETURN(v1::User u, identity::LoadUser(reader, IdOf(user)));
  return u.manager();
}

namespace {

// Everyone group `g` names, before the requester and inactive users are
// taken out.
absl::StatusOr<std::set<std::string>> NamedBy(const Reader& reader,
                                              const v1::Approval& a,
                                              const v1::ApproverGroup& g,
                                              const std::string& field) {
  std::set<std::string> people;
  if (!g.team().empty()) {
    ASSIGN_OR_RETURN(auto members, MembersOf(reader, IdOf(g.team())));
    for (const auto& m : members) {
      if (g.leads_only() && m.role() != v1::Membership::LEAD) continue;
      people.insert(m.user());
    }
  } else if (g.requester_manager()) {
    ASSIGN_OR_RETURN(std::string manager, ManagerOf(reader, a.requester()));
    if (manager.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          field, ": ", a.requester(),
          " has no manager; an admin can set one with UpdateUser"));
    }
    people.insert(manager);
  } else {
    people.insert(g.users().begin(), g.users().end());
  }
  return people;
}

}  // namespace

absl::Status ResolveEligible(const Reader& reader, v1::Approval* a) {
  for (int i = 0; i < a->groups_size(); ++i) {
    v1::ApproverGroup* g = a->mutable_groups(i);
    const std::string field = GroupField(i);
    ASSIGN_OR_RETURN(std::set<std::string> people,
                     NamedBy(reader, *a, *g, field));
    g->clear_eligible();
    g->clear_escalated();
    for (const std::string& person : people) {
      if (person == a->requester()) continue;  // separation of duties
      ASSIGN_OR_RETURN(bool active, IsActiveUser(reader, person));
      if (active) g->add_eligible(person);
    }
    if (g->eligible_size() < g->required()) {
      return absl::FailedPreconditionError(absl::StrCat(
          field, " needs ", g->required(), " approver",
          g->required() == 1 ? "" : "s", " but has ", g->eligible_size(),
          " eligible (the requester never approves their own request)"));
    }
  }
  return absl::OkStatus();
}

std::string DefaultCalendarFor(const Reader& reader, const v1::Approval& a) {
  for (const auto& g : a.groups()) {
    if (g.team().empty()) continue;
    absl::StatusOr<v1::Team> team = identity::LoadTeam(reader, IdOf(g.team()));
    if (team.ok() && !team->calendar().empty()) return team->calendar();
    break;
  }
  return calendars::DefaultCalendarName();
}

}  // namespace mops::services::approvals::internal

// mops team ...: teams and their members.
#include <memory>
#include <string>

#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "mops/v1/identity.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Identity = Rpc<api::IdentityService>;
using IdentityStub = api::IdentityService::Stub;

Table TeamsTable(const google::protobuf::RepeatedPtrField<api::Team>& teams) {
  Table t({"ID", "DISPLAY NAME", "MEMBERS", "DESCRIPTION"});
  for (const auto& team : teams) {
    t.AddRow({Id(team.name()), team.display_name(),
              std::to_string(team.member_count()),
              team.description().empty() ? "-" : team.description()});
  }
  return t;
}

Table MembersTable(
    const google::protobuf::RepeatedPtrField<api::Membership>& members) {
  Table t({"USER", "ROLE", "SINCE"});
  for (const auto& m : members) {
    t.AddRow({Id(m.user()), EnumName(api::Membership::Role_Name(m.role())),
              FormatTime(m.create_time())});
  }
  return t;
}

api::Membership::Role ParseRole(const std::string& role) {
  if (role == "lead") return api::Membership::LEAD;
  if (role == "member") return api::Membership::MEMBER;
  throw CliError{kExitUsage,
                 "role must be member or lead, not \"" + role + "\""};
}

void AddListAndGet(CLI::App* team, Cli& cli, std::function<void()>& action) {
  OnCall<Identity>(team->add_subcommand("list", "List teams"), cli, action,
                   [&cli](const Identity& rpc) {
                     auto all = rpc.ListAll(&IdentityStub::ListTeams,
                                            api::ListTeamsRequest());
                     cli.Print(all, [&] { return TeamsTable(all.teams()); });
                   });

  auto id = std::make_shared<std::string>();
  auto* get = team->add_subcommand("get", "Show one team");
  get->add_option("ID", *id, "Team id")->required();
  OnCall<Identity>(get, cli, action, [&cli, id](const Identity& rpc) {
    api::GetTeamRequest req;
    req.set_name(TeamName(*id));
    cli.PrintOne(rpc.Call(&IdentityStub::GetTeam, req), TeamsTable);
  });
}

void AddCreate(CLI::App* team, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, display, description, request_id;
  };
  auto f = std::make_shared<Flags>();
  auto* create = team->add_subcommand("create", "Create a team (admins)");
  create->add_option("ID", f->id, "Team id: a-z, 0-9, '-'")->required();
  create->add_option("--display-name", f->display, "Display name")->required();
  create->add_option("--description", f->description, "Description");
  create->add_option(
      "--request-id", f->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  OnCall<Identity>(create, cli, action, [&cli, f](const Identity& rpc) {
    api::CreateTeamRequest req;
    req.set_team_id(f->id);
    req.mutable_team()->set_display_name(f->display);
    req.mutable_team()->set_description(f->description);
    req.set_request_id(f->request_id);
    cli.PrintOne(rpc.Call(&IdentityStub::CreateTeam, req), TeamsTable);
  });
}

void AddUpdate(CLI::App* team, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, display, description;
  };
  auto f = std::make_shared<Flags>();
  auto* update =
      team->add_subcommand("update", "Change a team (admins, leads)");
  update->add_option("ID", f->id, "Team id")->required();
  auto* dn =
      update->add_option("--display-name", f->display, "New display name");
  auto* desc =
      update->add_option("--description", f->description, "New description");
  OnCall<Identity>(
      update, cli, action, [&cli, f, dn, desc](const Identity& rpc) {
        api::UpdateTeamRequest req;
        req.mutable_team()->set_name(TeamName(f->id));
        if (dn->count()) {
          req.mutable_team()->set_display_name(f->display);
          req.mutable_update_mask()->add_paths("display_name");
        }
        if (desc->count()) {
          req.mutable_team()->set_description(f->description);
          req.mutable_update_mask()->add_paths("description");
        }
        if (req.update_mask().paths().empty()) {
          throw CliError{
              kExitUsage,
              "nothing to update: give --display-name or --description"};
        }
        cli.PrintOne(rpc.Call(&IdentityStub::UpdateTeam, req), TeamsTable);
      });
}

struct MemberFlags {
  std::string team, user, role = "member";
};

// TEAM USER, the arguments of every member command.
std::shared_ptr<MemberFlags> AddMemberArgs(CLI::App* cmd) {
  auto f = std::make_shared<MemberFlags>();
  cmd->add_option("TEAM", f->team, "Team id")->required();
  cmd->add_option("USER", f->user, "User id")->required();
  return f;
}

void AddMemberChanges(CLI::App* team, Cli& cli, std::function<void()>& action) {
  auto* add = team->add_subcommand("add-member",
                                   "Add a user to a team (admins, leads)");
  auto af = AddMemberArgs(add);
  add->add_option("--role", af->role, "member or lead")
      ->check(CLI::IsMember({"member", "lead"}))
      ->default_val("member");
  OnCall<Identity>(add, cli, action, [&cli, af](const Identity& rpc) {
    api::AddTeamMemberRequest req;
    req.set_team(TeamName(af->team));
    req.set_user(UserName(af->user));
    req.set_role(ParseRole(af->role));
    cli.PrintOne(rpc.Call(&IdentityStub::AddTeamMember, req), MembersTable);
  });

  auto* remove = team->add_subcommand(
      "remove-member", "Remove a user from a team (admins, leads)");
  auto rf = AddMemberArgs(remove);
  OnCall<Identity>(remove, cli, action, [&cli, rf](const Identity& rpc) {
    api::RemoveTeamMemberRequest req;
    req.set_name(TeamName(rf->team) + "/members/" + rf->user);
    cli.PrintDone(
        rpc.Call(&IdentityStub::RemoveTeamMember, req),
        "Removed users/" + rf->user + " from " + TeamName(rf->team) + "\n");
  });

  auto* set_role = team->add_subcommand(
      "set-role", "Make a member a lead or a member (admins, leads)");
  auto sf = AddMemberArgs(set_role);
  set_role->add_option("ROLE", sf->role, "member or lead")
      ->required()
      ->check(CLI::IsMember({"member", "lead"}));
  OnCall<Identity>(set_role, cli, action, [&cli, sf](const Identity& rpc) {
    api::SetMemberRoleRequest req;
    req.set_name(TeamName(sf->team) + "/members/" + sf->user);
    req.set_role(ParseRole(sf->role));
    cli.PrintOne(rpc.Call(&IdentityStub::SetMemberRole, req), MembersTable);
  });
}

void AddMembers(CLI::App* team, Cli& cli, std::function<void()>& action) {
  auto id = std::make_shared<std::string>();
  auto* members = team->add_subcommand("members", "List a team's members");
  members->add_option("TEAM", *id, "Team id")->required();
  OnCall<Identity>(members, cli, action, [&cli, id](const Identity& rpc) {
    api::ListTeamMembersRequest req;
    req.set_parent(TeamName(*id));
    auto all = rpc.ListAll(&IdentityStub::ListTeamMembers, req);
    cli.Print(all, [&] { return MembersTable(all.members()); });
  });
}

}  // namespace

void AddTeam(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* team = app.add_subcommand("team", "Teams and their members");
  team->require_subcommand(1);
  AddListAndGet(team, cli, action);
  AddCreate(team, cli, action);
  AddUpdate(team, cli, action);
  AddMemberChanges(team, cli, action);
  AddMembers(team, cli, action);
}

}  // namespace mops::cli

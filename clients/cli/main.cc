// mops: the command-line client of mopsd (`mops <noun> <verb>`).
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <set>

#include "CLI/CLI.hpp"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/output.h"
#include "mops/v1/admin.grpc.pb.h"
#include "mops/v1/events.grpc.pb.h"
#include "mops/v1/identity.grpc.pb.h"

namespace mops::cli {
namespace {

namespace v1 = ::mops::v1;

constexpr char kExitCodesHelp[] =
    "Exit codes: 0 ok, 1 failure, 2 usage error, 3 not authenticated, "
    "4 permission denied, 5 server unreachable or timed out.\n"
    "Environment: MOPS_SERVER, MOPS_TOKEN, MOPS_ON_BEHALF_OF override the "
    "config context; NO_COLOR turns colour off.";

// Parses "30d", "12h", "45m", "90s" for token lifetimes.
int64_t ParseLifetimeSeconds(const std::string& text) {
  size_t pos = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &pos);
  } catch (...) {
    pos = 0;
  }
  std::string unit = text.substr(pos);
  int64_t mult = unit == "d"   ? 86400
                 : unit == "h" ? 3600
                 : unit == "m" ? 60
                 : unit == "s" ? 1
                               : 0;
  if (pos == 0 || n <= 0 || mult == 0) {
    throw CliError{kExitUsage, "--expires-in: \"" + text +
                                   "\" is not a duration such as 30d, 12h, "
                                   "45m"};
  }
  return n * mult;
}

Table UsersTable(const google::protobuf::RepeatedPtrField<v1::User>& users) {
  Table t({"ID", "DISPLAY NAME", "KIND", "STATE", "ADMIN", "EMAIL", "MANAGER"});
  for (const auto& u : users) {
    t.AddRow({Id(u.name()), u.display_name(),
              EnumName(v1::User::Kind_Name(u.kind())),
              EnumName(v1::User::State_Name(u.state())),
              u.admin() ? "yes" : "no", u.email().empty() ? "-" : u.email(),
              u.manager().empty() ? "-" : Id(u.manager())});
  }
  return t;
}

Table TeamsTable(const google::protobuf::RepeatedPtrField<v1::Team>& teams) {
  Table t({"ID", "DISPLAY NAME", "MEMBERS", "DESCRIPTION"});
  for (const auto& team : teams) {
    t.AddRow({Id(team.name()), team.display_name(),
              std::to_string(team.member_count()),
              team.description().empty() ? "-" : team.description()});
  }
  return t;
}

Table MembersTable(
    const google::protobuf::RepeatedPtrField<v1::Membership>& members) {
  Table t({"USER", "ROLE", "SINCE"});
  for (const auto& m : members) {
    t.AddRow({Id(m.user()), EnumName(v1::Membership::Role_Name(m.role())),
              FormatTime(m.create_time())});
  }
  return t;
}

Table TokensTable(const google::protobuf::RepeatedPtrField<v1::Token>& tokens) {
  Table t({"ID", "NAME", "STATE", "CREATED", "EXPIRES"});
  for (const auto& tok : tokens) {
    t.AddRow({Id(tok.name()),
              tok.display_name().empty() ? "-" : tok.display_name(),
              EnumName(v1::Token::State_Name(tok.state())),
              FormatTime(tok.create_time()),
              tok.has_expire_time() ? FormatTime(tok.expire_time()) : "never"});
  }
  return t;
}

v1::Membership::Role ParseRole(const std::string& role) {
  if (role == "lead") return v1::Membership::LEAD;
  if (role == "member") return v1::Membership::MEMBER;
  throw CliError{kExitUsage,
                 "role must be member or lead, not \"" + role + "\""};
}

void AddLogin(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* cmd = app.add_subcommand(
      "login",
      "Check a server and token, then save them as a context in the config "
      "file and make it current");
  auto name = std::make_shared<std::string>("default");
  cmd->add_option("--name", *name, "Name of the context to save")
      ->default_val("default");
  cmd->callback([&, name] {
    action = [&, name] {
      GlobalFlags flags = cli.flags;
      flags.context.clear();  // log in with what was given, not a context
      Client client(flags);
      v1::WhoAmIResponse who;
      auto stub = v1::IdentityService::NewStub(client.channel());
      auto ctx = client.NewContext();
      client.Check(stub->WhoAmI(ctx.get(), {}, &who));
      std::string path = ConfigPath();
      mops::cli::v1::Config config = LoadConfig(path);
      mops::cli::v1::Context context;
      context.set_server(client.server());
      if (!cli.flags.token_file.empty()) {
        // Absolute, so that the context works from any folder.
        context.set_token_file(std::filesystem::absolute(cli.flags.token_file)
                                   .lexically_normal()
                                   .string());
      } else if (!cli.flags.token.empty()) {
        context.set_token(cli.flags.token);
      } else if (const char* env = std::getenv("MOPS_TOKEN")) {
        context.set_token(env);
      } else {
        throw CliError{kExitUsage,
                       "mops login needs --token or --token-file (or "
                       "MOPS_TOKEN)"};
      }
      context.set_tls_ca_file(cli.flags.tls_ca_file);
      (*config.mutable_contexts())[*name] = context;
      config.set_current_context(*name);
      SaveConfig(path, config);
      std::cout << "Logged in to " << client.server() << " as "
                << who.user().name() << "; context \"" << *name
                << "\" saved in " << path << "\n";
    };
  });
}

void AddConfig(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* config_cmd =
      app.add_subcommand("config", "Show or switch config contexts");
  config_cmd->require_subcommand(1);
  auto* view = config_cmd->add_subcommand(
      "view", "Print the config file, with tokens hidden");
  view->callback([&] {
    action = [&] {
      mops::cli::v1::Config config = LoadConfig(ConfigPath());
      for (auto& [name, ctx] : *config.mutable_contexts()) {
        if (!ctx.token().empty()) ctx.set_token("(hidden)");
      }
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(config);
        return;
      }
      Table t({"CURRENT", "NAME", "SERVER", "TOKEN", "TLS CA"});
      for (const auto& [name, ctx] : config.contexts()) {
        t.AddRow({name == config.current_context() ? "*" : "", name,
                  ctx.server(),
                  ctx.token_file().empty() ? ctx.token() : ctx.token_file(),
                  ctx.tls_ca_file().empty() ? "-" : ctx.tls_ca_file()});
      }
      std::cout << t.Render();
    };
  });
  auto* use = config_cmd->add_subcommand(
      "use-context", "Make a saved context the current one");
  auto name = std::make_shared<std::string>();
  use->add_option("NAME", *name, "Context name")->required();
  use->callback([&, name] {
    action = [name] {
      std::string path = ConfigPath();
      mops::cli::v1::Config config = LoadConfig(path);
      if (!config.contexts().count(*name)) {
        throw CliError{kExitUsage, "no context \"" + *name + "\" in " + path};
      }
      config.set_current_context(*name);
      SaveConfig(path, config);
      std::cout << "Current context is now \"" << *name << "\"\n";
    };
  });
}

void AddWhoAmI(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* cmd =
      app.add_subcommand("whoami", "Show who the server thinks you are");
  cmd->callback([&] {
    action = [&] {
      Client client(cli.flags);
      auto stub = v1::IdentityService::NewStub(client.channel());
      v1::WhoAmIResponse who;
      auto ctx = client.NewContext();
      client.Check(stub->WhoAmI(ctx.get(), {}, &who));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(who);
        return;
      }
      std::cout << "user:    " << who.user().name() << " ("
                << who.user().display_name() << ")"
                << (who.user().admin() ? ", admin" : "") << "\n";
      if (!who.actor().empty())
        std::cout << "acting as bot: " << who.actor() << "\n";
      std::cout << "server:  " << client.server() << "\n";
      std::cout << "token:   " << who.token() << "\n";
      std::cout << "teams:  ";
      if (who.memberships().empty()) std::cout << " -";
      for (const auto& m : who.memberships()) {
        std::string team = m.name().substr(0, m.name().find("/members/"));
        std::cout << " " << Id(team) << " ("
                  << EnumName(v1::Membership::Role_Name(m.role())) << ")";
      }
      std::cout << "\n";
    };
  });
}

void AddTeam(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* team = app.add_subcommand("team", "Teams and their members");
  team->require_subcommand(1);
  auto stub = [](const Client& c) {
    return v1::IdentityService::NewStub(c.channel());
  };

  team->add_subcommand("list", "List teams")->callback([&, stub] {
    action = [&, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      auto all = ListAll<v1::ListTeamsResponse>(
          client, v1::ListTeamsRequest(),
          [&](grpc::ClientContext* ctx, const auto& req, auto* resp) {
            return s->ListTeams(ctx, req, resp);
          });
      cli.Print(all, [&] { return TeamsTable(all.teams()); });
    };
  });

  auto id = std::make_shared<std::string>();
  auto* get = team->add_subcommand("get", "Show one team");
  get->add_option("ID", *id, "Team id")->required();
  get->callback([&, id, stub] {
    action = [&, id, stub] {
      Client client(cli.flags);
      v1::GetTeamRequest req;
      req.set_name(TeamName(*id));
      v1::Team t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->GetTeam(ctx.get(), req, &t));
      cli.Print(t, [&] { return TeamsTable(One(t)); });
    };
  });

  auto display = std::make_shared<std::string>();
  auto description = std::make_shared<std::string>();
  auto request_id = std::make_shared<std::string>();
  auto* create = team->add_subcommand("create", "Create a team (admins)");
  create->add_option("ID", *id, "Team id: a-z, 0-9, '-'")->required();
  create->add_option("--display-name", *display, "Display name")->required();
  create->add_option("--description", *description, "Description");
  create->add_option(
      "--request-id", *request_id,
      "Idempotency key: a retry with the same id changes nothing");
  create->callback([&, id, display, description, request_id, stub] {
    action = [&, id, display, description, request_id, stub] {
      Client client(cli.flags);
      v1::CreateTeamRequest req;
      req.set_team_id(*id);
      req.mutable_team()->set_display_name(*display);
      req.mutable_team()->set_description(*description);
      req.set_request_id(*request_id);
      v1::Team t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateTeam(ctx.get(), req, &t));
      cli.Print(t, [&] { return TeamsTable(One(t)); });
    };
  });

  auto* update =
      team->add_subcommand("update", "Change a team (admins, leads)");
  update->add_option("ID", *id, "Team id")->required();
  auto* dn = update->add_option("--display-name", *display, "New display name");
  auto* desc =
      update->add_option("--description", *description, "New description");
  update->callback([&, id, display, description, dn, desc, stub] {
    action = [&, id, display, description, dn, desc, stub] {
      Client client(cli.flags);
      v1::UpdateTeamRequest req;
      req.mutable_team()->set_name(TeamName(*id));
      if (dn->count()) {
        req.mutable_team()->set_display_name(*display);
        req.mutable_update_mask()->add_paths("display_name");
      }
      if (desc->count()) {
        req.mutable_team()->set_description(*description);
        req.mutable_update_mask()->add_paths("description");
      }
      if (req.update_mask().paths().empty()) {
        throw CliError{
            kExitUsage,
            "nothing to update: give --display-name or --description"};
      }
      v1::Team t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->UpdateTeam(ctx.get(), req, &t));
      cli.Print(t, [&] { return TeamsTable(One(t)); });
    };
  });

  auto user = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>("member");
  auto* add = team->add_subcommand("add-member",
                                   "Add a user to a team (admins, leads)");
  add->add_option("TEAM", *id, "Team id")->required();
  add->add_option("USER", *user, "User id")->required();
  add->add_option("--role", *role, "member or lead")
      ->check(CLI::IsMember({"member", "lead"}))
      ->default_val("member");
  add->callback([&, id, user, role, stub] {
    action = [&, id, user, role, stub] {
      Client client(cli.flags);
      v1::AddTeamMemberRequest req;
      req.set_team(TeamName(*id));
      req.set_user(UserName(*user));
      req.set_role(ParseRole(*role));
      v1::Membership m;
      auto ctx = client.NewContext();
      client.Check(stub(client)->AddTeamMember(ctx.get(), req, &m));
      cli.Print(m, [&] { return MembersTable(One(m)); });
    };
  });

  auto* remove = team->add_subcommand(
      "remove-member", "Remove a user from a team (admins, leads)");
  remove->add_option("TEAM", *id, "Team id")->required();
  remove->add_option("USER", *user, "User id")->required();
  remove->callback([&, id, user, stub] {
    action = [&, id, user, stub] {
      Client client(cli.flags);
      v1::RemoveTeamMemberRequest req;
      req.set_name(TeamName(*id) + "/members/" + *user);
      v1::RemoveTeamMemberResponse resp;
      auto ctx = client.NewContext();
      client.Check(stub(client)->RemoveTeamMember(ctx.get(), req, &resp));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(resp);
      } else {
        std::cout << "Removed users/" << *user << " from " << TeamName(*id)
                  << "\n";
      }
    };
  });

  auto* set_role = team->add_subcommand(
      "set-role", "Make a member a lead or a member (admins, leads)");
  set_role->add_option("TEAM", *id, "Team id")->required();
  set_role->add_option("USER", *user, "User id")->required();
  set_role->add_option("ROLE", *role, "member or lead")
      ->required()
      ->check(CLI::IsMember({"member", "lead"}));
  set_role->callback([&, id, user, role, stub] {
    action = [&, id, user, role, stub] {
      Client client(cli.flags);
      v1::SetMemberRoleRequest req;
      req.set_name(TeamName(*id) + "/members/" + *user);
      req.set_role(ParseRole(*role));
      v1::Membership m;
      auto ctx = client.NewContext();
      client.Check(stub(client)->SetMemberRole(ctx.get(), req, &m));
      cli.Print(m, [&] { return MembersTable(One(m)); });
    };
  });

  auto* members = team->add_subcommand("members", "List a team's members");
  members->add_option("TEAM", *id, "Team id")->required();
  members->callback([&, id, stub] {
    action = [&, id, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      v1::ListTeamMembersRequest req;
      req.set_parent(TeamName(*id));
      auto all = ListAll<v1::ListTeamMembersResponse>(
          client, req,
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListTeamMembers(ctx, r, resp);
          });
      cli.Print(all, [&] { return MembersTable(all.members()); });
    };
  });
}

void AddUser(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* user = app.add_subcommand("user", "People and bots");
  user->require_subcommand(1);
  auto stub = [](const Client& c) {
    return v1::IdentityService::NewStub(c.channel());
  };
  auto id = std::make_shared<std::string>();
  auto display = std::make_shared<std::string>();
  auto email = std::make_shared<std::string>();
  auto manager = std::make_shared<std::string>();
  auto request_id = std::make_shared<std::string>();
  auto bot = std::make_shared<bool>(false);
  auto admin = std::make_shared<bool>(false);

  auto* create = user->add_subcommand("create", "Create a user (admins)");
  create->add_option("ID", *id, "User id: a-z, 0-9, '-'")->required();
  create->add_option("--display-name", *display, "Display name")->required();
  create->add_option("--email", *email, "Email address");
  create->add_option("--manager", *manager, "The user's manager (user id)");
  create->add_flag("--bot", *bot, "A service account (e.g. a chat bot)");
  create->add_flag("--admin", *admin, "Make the user an admin");
  create->add_option(
      "--request-id", *request_id,
      "Idempotency key: a retry with the same id changes nothing");
  create->callback([&, id, display, email, manager, bot, admin, request_id,
                    stub] {
    action = [&, id, display, email, manager, bot, admin, request_id, stub] {
      Client client(cli.flags);
      v1::CreateUserRequest req;
      req.set_user_id(*id);
      req.mutable_user()->set_display_name(*display);
      req.mutable_user()->set_email(*email);
      if (!manager->empty())
        req.mutable_user()->set_manager(UserName(*manager));
      req.mutable_user()->set_kind(*bot ? v1::User::BOT : v1::User::PERSON);
      req.mutable_user()->set_admin(*admin);
      req.set_request_id(*request_id);
      v1::User u;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateUser(ctx.get(), req, &u));
      cli.Print(u, [&] { return UsersTable(One(u)); });
    };
  });

  user->add_subcommand("list", "List users")->callback([&, stub] {
    action = [&, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      auto all = ListAll<v1::ListUsersResponse>(
          client, v1::ListUsersRequest(),
          [&](grpc::ClientContext* ctx, const auto& req, auto* resp) {
            return s->ListUsers(ctx, req, resp);
          });
      cli.Print(all, [&] { return UsersTable(all.users()); });
    };
  });

  auto* get = user->add_subcommand("get", "Show one user");
  get->add_option("ID", *id, "User id; default: you")->default_val("me");
  get->callback([&, id, stub] {
    action = [&, id, stub] {
      Client client(cli.flags);
      v1::GetUserRequest req;
      req.set_name(UserName(*id));
      v1::User u;
      auto ctx = client.NewContext();
      client.Check(stub(client)->GetUser(ctx.get(), req, &u));
      cli.Print(u, [&] { return UsersTable(One(u)); });
    };
  });

  auto* update = user->add_subcommand(
      "update", "Change a user (yourself: name and email; admins: anything)");
  update->add_option("ID", *id, "User id; default: you")->default_val("me");
  auto* dn = update->add_option("--display-name", *display, "New display name");
  auto* em = update->add_option("--email", *email, "New email");
  auto* mg = update->add_option("--manager", *manager,
                                "New manager (user id; \"\" clears)");
  update->callback([&, id, display, email, manager, dn, em, mg, stub] {
    action = [&, id, display, email, manager, dn, em, mg, stub] {
      Client client(cli.flags);
      v1::UpdateUserRequest req;
      req.mutable_user()->set_name(UserName(*id));
      if (dn->count()) {
        req.mutable_user()->set_display_name(*display);
        req.mutable_update_mask()->add_paths("display_name");
      }
      if (em->count()) {
        req.mutable_user()->set_email(*email);
        req.mutable_update_mask()->add_paths("email");
      }
      if (mg->count()) {
        if (!manager->empty())
          req.mutable_user()->set_manager(UserName(*manager));
        req.mutable_update_mask()->add_paths("manager");
      }
      if (req.update_mask().paths().empty()) {
        throw CliError{
            kExitUsage,
            "nothing to update: give --display-name, --email or --manager"};
      }
      v1::User u;
      auto ctx = client.NewContext();
      client.Check(stub(client)->UpdateUser(ctx.get(), req, &u));
      cli.Print(u, [&] { return UsersTable(One(u)); });
    };
  });

  auto* deactivate = user->add_subcommand(
      "deactivate", "Deactivate a user: their tokens stop working (admins)");
  deactivate->add_option("ID", *id, "User id")->required();
  deactivate->callback([&, id, stub] {
    action = [&, id, stub] {
      Client client(cli.flags);
      v1::DeactivateUserRequest req;
      req.set_name(UserName(*id));
      v1::User u;
      auto ctx = client.NewContext();
      client.Check(stub(client)->DeactivateUser(ctx.get(), req, &u));
      cli.Print(u, [&] { return UsersTable(One(u)); });
    };
  });
}

void AddToken(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto stub = [](const Client& c) {
    return v1::IdentityService::NewStub(c.channel());
  };
  auto user = std::make_shared<std::string>("me");
  auto name = std::make_shared<std::string>();
  auto expires = std::make_shared<std::string>();
  auto id = std::make_shared<std::string>();

  auto* create = token->add_subcommand(
      "create", "Create a token; its secret is shown once");
  create
      ->add_option("--user", *user,
                   "Whose token (admins: anyone); default: you")
      ->default_val("me");
  create->add_option("--name", *name, "A label, e.g. what the token is for");
  create->add_option("--expires-in", *expires,
                     "Lifetime, e.g. 30d, 12h; default: never expires");
  create->callback([&, user, name, expires, stub] {
    action = [&, user, name, expires, stub] {
      Client client(cli.flags);
      v1::CreateTokenRequest req;
      req.set_parent(UserName(*user));
      req.set_display_name(*name);
      if (!expires->empty()) {
        int64_t seconds = ParseLifetimeSeconds(*expires);
        req.mutable_expire_time()->set_seconds(
            std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count() +
            seconds);
      }
      v1::CreateTokenResponse resp;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateToken(ctx.get(), req, &resp));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(resp);
        return;
      }
      std::cout << "Created " << resp.token().name()
                << ". The secret is shown only now; keep it safe:\n"
                << resp.secret() << "\n";
    };
  });

  auto* list =
      token->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("--user", *user,
                   "Whose tokens (admins: anyone); default: you")
      ->default_val("me");
  list->callback([&, user, stub] {
    action = [&, user, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      v1::ListTokensRequest req;
      req.set_parent(UserName(*user));
      auto all = ListAll<v1::ListTokensResponse>(
          client, req,
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListTokens(ctx, r, resp);
          });
      cli.Print(all, [&] { return TokensTable(all.tokens()); });
    };
  });

  auto* revoke = token->add_subcommand("revoke", "Revoke a token at once");
  revoke->add_option("ID", *id, "Token id, or its full name users/U/tokens/ID")
      ->required();
  revoke->add_option("--user", *user, "Whose token; default: you")
      ->default_val("me");
  revoke->callback([&, id, user, stub] {
    action = [&, id, user, stub] {
      Client client(cli.flags);
      v1::RevokeTokenRequest req;
      req.set_name(id->find('/') != std::string::npos
                       ? *id
                       : UserName(*user) + "/tokens/" + *id);
      v1::Token t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->RevokeToken(ctx.get(), req, &t));
      cli.Print(t, [&] { return TokensTable(One(t)); });
    };
  });
}

void AddGrant(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* grant = app.add_subcommand(
      "grant", "Let a bot act on behalf of a person (admins)");
  grant->require_subcommand(1);
  auto stub = [](const Client& c) {
    return v1::IdentityService::NewStub(c.channel());
  };
  auto bot = std::make_shared<std::string>();
  auto user = std::make_shared<std::string>();
  auto table =
      [](const google::protobuf::RepeatedPtrField<v1::ActAsGrant>& gs) {
        Table t({"BOT", "USER", "CREATED"});
        for (const auto& g : gs) {
          t.AddRow({Id(g.bot()),
                    Id(g.user()) == "-" ? "(any person)" : Id(g.user()),
                    FormatTime(g.create_time())});
        }
        return t;
      };

  auto* create =
      grant->add_subcommand("create", "Grant BOT the right to act for USER");
  create->add_option("BOT", *bot, "Bot user id")->required();
  create->add_option("USER", *user, "Person's user id, or - for any person")
      ->required();
  create->callback([&, bot, user, stub, table] {
    action = [&, bot, user, stub, table] {
      Client client(cli.flags);
      v1::CreateActAsGrantRequest req;
      req.set_bot(UserName(*bot));
      req.set_user(UserName(*user));
      v1::ActAsGrant g;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateActAsGrant(ctx.get(), req, &g));
      cli.Print(g, [&] { return table(One(g)); });
    };
  });

  auto* list = grant->add_subcommand("list", "List a bot's grants");
  list->add_option("BOT", *bot, "Bot user id")->required();
  list->callback([&, bot, stub, table] {
    action = [&, bot, stub, table] {
      Client client(cli.flags);
      auto s = stub(client);
      v1::ListActAsGrantsRequest req;
      req.set_parent(UserName(*bot));
      auto all = ListAll<v1::ListActAsGrantsResponse>(
          client, req,
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListActAsGrants(ctx, r, resp);
          });
      cli.Print(all, [&] { return table(all.grants()); });
    };
  });

  auto* del = grant->add_subcommand("delete", "Take a grant away");
  del->add_option("BOT", *bot, "Bot user id")->required();
  del->add_option("USER", *user, "Person's user id, or -")->required();
  del->callback([&, bot, user, stub] {
    action = [&, bot, user, stub] {
      Client client(cli.flags);
      v1::DeleteActAsGrantRequest req;
      req.set_name(UserName(*bot) + "/actAsGrants/" + *user);
      v1::DeleteActAsGrantResponse resp;
      auto ctx = client.NewContext();
      client.Check(stub(client)->DeleteActAsGrant(ctx.get(), req, &resp));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(resp);
      } else {
        std::cout << "Deleted grant " << req.name() << "\n";
      }
    };
  });
}

void AddAdmin(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* admin = app.add_subcommand("admin", "Server administration (admins)");
  admin->require_subcommand(1);
  auto to = std::make_shared<std::string>();
  auto* backup = admin->add_subcommand(
      "backup",
      "Make the server write a consistent copy of its data to DIR on the "
      "server's machine; start from it with mopsd --data-dir DIR");
  backup
      ->add_option("--to", *to,
                   "Absolute path of a new folder (must not exist)")
      ->required();
  backup->callback([&, to] {
    action = [&, to] {
      Client client(cli.flags);
      v1::BackupRequest req;
      req.set_destination(*to);
      v1::BackupResponse resp;
      auto ctx = client.NewContext();
      // A backup copies the whole database: allow it more time.
      ctx->set_deadline(std::chrono::system_clock::now() +
                        std::max(std::chrono::milliseconds(600000),
                                 ParseTimeout(cli.flags.timeout)));
      client.Check(v1::AdminService::NewStub(client.channel())
                       ->Backup(ctx.get(), req, &resp));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(resp);
      } else {
        std::cout << "Backup written to " << resp.destination()
                  << " at revision " << resp.revision() << " ("
                  << resp.size_bytes() << " bytes)\n";
      }
    };
  });

  auto* stats = admin->add_subcommand(
      "stats",
      "How the server is doing: commands and group commits since it "
      "started, failed commits, storage size and compaction backlog");
  stats->callback([&] {
    action = [&] {
      Client client(cli.flags);
      v1::ServerStats resp;
      auto ctx = client.NewContext();
      client.Check(v1::AdminService::NewStub(client.channel())
                       ->GetServerStats(ctx.get(), {}, &resp));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(resp);
        return;
      }
      const double per_group =
          resp.group_commits() == 0
              ? 0
              : static_cast<double>(resp.commands()) / resp.group_commits();
      std::cout << "revision                  " << resp.revision() << "\n"
                << "commands                  " << resp.commands() << "\n"
                << "group commits             " << resp.group_commits() << " ("
                << std::fixed << std::setprecision(1) << per_group
                << " commands each, at most " << resp.largest_group() << ")\n"
                << "failed commits            " << resp.failed_commits() << "\n"
                << "timers fired              " << resp.timers_fired() << "\n"
                << "data in files             " << resp.live_data_bytes()
                << " bytes\n"
                << "data in memory            " << resp.memtable_bytes()
                << " bytes\n"
                << "compaction backlog        "
                << resp.pending_compaction_bytes() << " bytes\n";
    };
  });
}

void AddEvents(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* events = app.add_subcommand("events", "The change feed (admins)");
  events->require_subcommand(1);
  auto after = std::make_shared<uint64_t>(0);
  auto limit = std::make_shared<int>(100);
  auto* list =
      events->add_subcommand("list", "Events after a revision, in order");
  list->add_option("--after", *after, "Only revisions greater than this")
      ->default_val(0);
  list->add_option("--limit", *limit, "At most this many events (1-1000)")
      ->default_val(100)
      ->check(CLI::Range(1, 1000));
  list->callback([&, after, limit] {
    action = [&, after, limit] {
      Client client(cli.flags);
      v1::ListEventsRequest req;
      req.set_after_revision(*after);
      req.set_page_size(*limit);
      v1::ListEventsResponse resp;
      auto ctx = client.NewContext();
      client.Check(v1::EventService::NewStub(client.channel())
                       ->ListEvents(ctx.get(), req, &resp));
      cli.Print(resp, [&] {
        Table t({"REV", "TYPE", "SUBJECT", "ACTOR", "TIME"});
        for (const auto& e : resp.events()) {
          std::string actor = e.actor();
          if (!e.on_behalf_of().empty()) actor += " for " + e.on_behalf_of();
          t.AddRow({std::to_string(e.revision()), e.type(), e.subject(), actor,
                    FormatTime(e.time())});
        }
        return t;
      });
    };
  });
}

// The first command word that names no command at its level (in "mops team
// frob", "frob"); "" when there is none. CLI11 would only say that a command
// is missing.
std::string UnknownCommand(CLI::App& app, int argc, char** argv) {
  const std::set<std::string> with_value = {
      "--server",       "--token",   "--token-file", "--context", "--tls-ca",
      "--on-behalf-of", "--timeout", "-o",           "--output"};
  CLI::App* level = &app;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (with_value.count(arg)) {
      ++i;
      continue;
    }
    if (!arg.empty() && arg[0] == '-') continue;
    std::vector<CLI::App*> subs = level->get_subcommands({});
    if (subs.empty()) return "";  // a positional argument, not a command
    CLI::App* next = nullptr;
    for (CLI::App* sub : subs) {
      if (sub->get_name() == arg) next = sub;
    }
    if (next == nullptr) return arg;
    level = next;
  }
  return "";
}

// A repeatable flag takes one value per use, so "--kpi Signups webinar"
// leaves "webinar" to the positional argument; CLI11 lets a flag bound to
// a vector take every word after it.
void OneValuePerFlag(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    if (o->nonpositional() && o->get_items_expected_max() > 1) {
      o->allow_extra_args(false);
    }
  }
  for (CLI::App* sub : app.get_subcommands({})) OneValuePerFlag(*sub);
}

int Run(int argc, char** argv) {
  Cli cli;
  CLI::App app{"mops: the command-line client of the mops work server.\n" +
                   std::string(kExitCodesHelp),
               "mops"};
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version", "mops 0.1.0");
  app.add_option("--server", cli.flags.server,
                 "HOST:PORT of mopsd (default: context, else 127.0.0.1:7878)");
  app.add_option("--token", cli.flags.token, "Bearer token");
  app.add_option("--token-file", cli.flags.token_file,
                 "File holding the bearer token");
  app.add_option("--context", cli.flags.context, "Config context to use");
  app.add_option("--tls-ca", cli.flags.tls_ca_file,
                 "PEM CA certificate: speak TLS and trust this CA");
  app.add_option("--on-behalf-of", cli.flags.on_behalf_of,
                 "Bots: act for this user (needs an admin's grant)");
  app.add_option("--timeout", cli.flags.timeout,
                 "Deadline of each call, e.g. 10s, 500ms")
      ->default_val("10s");
  app.add_option("-o,--output", cli.flags.output,
                 "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->default_val("table");

  std::function<void()> action;
  AddLogin(app, cli, action);
  AddConfig(app, cli, action);
  AddWhoAmI(app, cli, action);
  AddTeam(app, cli, action);
  AddUser(app, cli, action);
  AddToken(app, cli, action);
  AddGrant(app, cli, action);
  AddAdmin(app, cli, action);
  AddEvents(app, cli, action);
  AddProject(app, cli, action);
  AddTask(app, cli, action);
  AddApprovals(app, cli, action);
  OneValuePerFlag(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string unknown = UnknownCommand(app, argc, argv);
    std::cerr << "mops: "
              << (unknown.empty() ? std::string(e.what())
                                  : "unknown command \"" + unknown + "\"")
              << "\nRun 'mops --help' for usage.\n";
    return kExitUsage;
  }
  try {
    if (action) action();
  } catch (const CliError& e) {
    std::cerr << "mops: " << e.message << "\n";
    return e.exit_code;
  }
  return kExitOk;
}

}  // namespace
}  // namespace mops::cli

int main(int argc, char** argv) { return mops::cli::Run(argc, argv); }

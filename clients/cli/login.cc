// mops login, mops config ... and mops whoami: where the CLI connects and
// as whom.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "clients/cli/commands.h"
#include "mops/v1/identity.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Identity = Rpc<api::IdentityService>;
using IdentityStub = api::IdentityService::Stub;

// The context to save: the server and token that were just checked.
mops::cli::v1::Context SavedContext(const Cli& cli, const Client& client) {
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
  return context;
}

void AddLoginCommand(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* cmd = app.add_subcommand(
      "login",
      "Check a server and token, then save them as a context in the config "
      "file and make it current");
  auto name = std::make_shared<std::string>("default");
  cmd->add_option("--name", *name, "Name of the context to save")
      ->default_val("default");
  OnRun(cmd, action, [&cli, name] {
    GlobalFlags flags = cli.flags;
    flags.context.clear();  // log in with what was given, not a context
    Client client(flags);
    auto who = Identity(client).Call(&IdentityStub::WhoAmI, {});
    std::string path = ConfigPath();
    mops::cli::v1::Config config = LoadConfig(path);
    (*config.mutable_contexts())[*name] = SavedContext(cli, client);
    config.set_current_context(*name);
    SaveConfig(path, config);
    std::cout << "Logged in to " << client.server() << " as "
              << who.user().name() << "; context \"" << *name << "\" saved in "
              << path << "\n";
  });
}

void AddConfig(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* config_cmd =
      app.add_subcommand("config", "Show or switch config contexts");
  config_cmd->require_subcommand(1);
  auto* view = config_cmd->add_subcommand(
      "view", "Print the config file, with tokens hidden");
  OnRun(view, action, [&cli] {
    mops::cli::v1::Config config = LoadConfig(ConfigPath());
    for (auto& [name, ctx] : *config.mutable_contexts()) {
      if (!ctx.token().empty()) ctx.set_token("(hidden)");
    }
    cli.Print(config, [&] {
      Table t({"CURRENT", "NAME", "SERVER", "TOKEN", "TLS CA"});
      for (const auto& [name, ctx] : config.contexts()) {
        t.AddRow({name == config.current_context() ? "*" : "", name,
                  ctx.server(),
                  ctx.token_file().empty() ? ctx.token() : ctx.token_file(),
                  ctx.tls_ca_file().empty() ? "-" : ctx.tls_ca_file()});
      }
      return t;
    });
  });

  auto* use = config_cmd->add_subcommand(
      "use-context", "Make a saved context the current one");
  auto name = std::make_shared<std::string>();
  use->add_option("NAME", *name, "Context name")->required();
  OnRun(use, action, [name] {
    std::string path = ConfigPath();
    mops::cli::v1::Config config = LoadConfig(path);
    if (!config.contexts().count(*name)) {
      throw CliError{kExitUsage, "no context \"" + *name + "\" in " + path};
    }
    config.set_current_context(*name);
    SaveConfig(path, config);
    std::cout << "Current context is now \"" << *name << "\"\n";
  });
}

void PrintWhoAmI(const api::WhoAmIResponse& who, const std::string& server) {
  std::cout << "user:    " << who.user().name() << " ("
            << who.user().display_name() << ")"
            << (who.user().admin() ? ", admin" : "") << "\n";
  if (!who.actor().empty()) {
    std::cout << "acting as bot: " << who.actor() << "\n";
  }
  std::cout << "server:  " << server << "\n";
  std::cout << "token:   " << who.token() << "\n";
  std::cout << "teams:  ";
  if (who.memberships().empty()) std::cout << " -";
  for (const auto& m : who.memberships()) {
    std::string team = m.name().substr(0, m.name().find("/members/"));
    std::cout << " " << Id(team) << " ("
              << EnumName(api::Membership::Role_Name(m.role())) << ")";
  }
  std::cout << "\n";
}

void AddWhoAmI(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* cmd =
      app.add_subcommand("whoami", "Show who the server thinks you are");
  OnCall<Identity>(cmd, cli, action, [&cli](const Identity& rpc) {
    auto who = rpc.Call(&IdentityStub::WhoAmI, {});
    cli.PrintWith(who, [&] { PrintWhoAmI(who, rpc.client().server()); });
  });
}

}  // namespace

void AddLogin(CLI::App& app, Cli& cli, std::function<void()>& action) {
  AddLoginCommand(app, cli, action);
  AddConfig(app, cli, action);
  AddWhoAmI(app, cli, action);
}

}  // namespace mops::cli

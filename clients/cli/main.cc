// mops: the command-line client of mopsd (`mops <noun> <verb>`). This file
// builds the app from the global flags and the nouns (commands.h) and turns
// failures into exit codes.
#include <functional>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/cli.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"

namespace mops::cli {
namespace {

constexpr char kExitCodesHelp[] =
    "Exit codes: 0 ok, 1 failure, 2 usage error, 3 not authenticated, "
    "4 permission denied, 5 server unreachable or timed out.\n"
    "Environment: MOPS_SERVER, MOPS_TOKEN, MOPS_ON_BEHALF_OF override the "
    "config context; NO_COLOR turns colour off.";

void AddGlobalFlags(CLI::App& app, GlobalFlags& flags) {
  app.add_option("--server", flags.server,
                 "HOST:PORT of mopsd (default: context, else 127.0.0.1:7878)");
  app.add_option("--token", flags.token, "Bearer token");
  app.add_option("--token-file", flags.token_file,
                 "File holding the bearer token");
  app.add_option("--context", flags.context, "Config context to use");
  app.add_option("--tls-ca", flags.tls_ca_file,
                 "PEM CA certificate: speak TLS and trust this CA");
  app.add_option("--on-behalf-of", flags.on_behalf_of,
                 "Bots: act for this user (needs an admin's grant)");
  app.add_option("--timeout", flags.timeout,
                 "Deadline of each call, e.g. 10s, 500ms")
      ->default_val("10s");
  app.add_option("-o,--output", flags.output, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->default_val("table");
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
      if (sub->check_name(arg)) next = sub;  // its name or an alias
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
  AddGlobalFlags(app, cli.flags);

  // The nouns, in the order `mops --help` lists them.
  std::function<void()> action;
  for (const auto& add :
       {AddLogin, AddTeam, AddUser, AddToken, AddGrant, AddAdmin, AddEvents,
        AddProject, AddTask, AddApprovals, AddCalendar, AddWebhook, AddWorkflow,
        AddAgreement}) {
    add(app, cli, action);
  }
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

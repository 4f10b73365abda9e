// The nouns of mops, one file each: each Add<Noun> adds its commands to the
// app and, when one of them is given, sets `action` to what it does (see
// OnRun in cli.h). main.cc adds them in the order `mops --help` lists them.
#ifndef MOPS_CLIENTS_CLI_COMMANDS_H_
#define MOPS_CLIENTS_CLI_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"
#include "clients/cli/cli.h"

namespace mops::cli {

// login, config, whoami (login.cc).
void AddLogin(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddTeam(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddUser(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddToken(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddGrant(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddAdmin(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddEvents(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddProject(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddTask(CLI::App& app, Cli& cli, std::function<void()>& action);
// approvals, approve, reject, request-changes, delegate, delegations
// (approval.cc).
void AddApprovals(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddCalendar(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddWebhook(CLI::App& app, Cli& cli, std::function<void()>& action);
// workflow template ... (workflow.cc); workflow start, list, show, cancel,
// suspend, resume, migrate (workflow_run.cc).
void AddWorkflow(CLI::App& app, Cli& cli, std::function<void()>& action);
// ola ... (aliases agreement, agreements): operating-level agreements and
// their clocks (agreement.cc).
void AddAgreement(CLI::App& app, Cli& cli, std::function<void()>& action);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_COMMANDS_H_

// mops admin ...: server administration.
#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

#include "clients/cli/commands.h"
#include "mops/v1/admin.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Admin = Rpc<api::AdminService>;
using AdminStub = api::AdminService::Stub;

// A backup copies the whole database: it gets at least this long.
constexpr std::chrono::milliseconds kBackupTimeout{600000};

void PrintStats(const api::ServerStats& s) {
  const double per_group =
      s.group_commits() == 0
          ? 0
          : static_cast<double>(s.commands()) / s.group_commits();
  std::cout << "revision                  " << s.revision() << "\n"
            << "commands                  " << s.commands() << "\n"
            << "group commits             " << s.group_commits() << " ("
            << std::fixed << std::setprecision(1) << per_group
            << " commands each, at most " << s.largest_group() << ")\n"
            << "failed commits            " << s.failed_commits() << "\n"
            << "timers fired              " << s.timers_fired() << "\n"
            << "data in files             " << s.live_data_bytes() << " bytes\n"
            << "data in memory            " << s.memtable_bytes() << " bytes\n"
            << "compaction backlog        " << s.pending_compaction_bytes()
            << " bytes\n";
}

}  // namespace

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
  OnCall<Admin>(backup, cli, action, [&cli, to](const Admin& rpc) {
    api::BackupRequest req;
    req.set_destination(*to);
    auto resp = rpc.Call(&AdminStub::Backup, req, kBackupTimeout);
    cli.PrintDone(resp, "Backup written to " + resp.destination() +
                            " at revision " + std::to_string(resp.revision()) +
                            " (" + std::to_string(resp.size_bytes()) +
                            " bytes)\n");
  });

  auto* stats = admin->add_subcommand(
      "stats",
      "How the server is doing: commands and group commits since it "
      "started, failed commits, storage size and compaction backlog");
  OnCall<Admin>(stats, cli, action, [&cli](const Admin& rpc) {
    auto resp = rpc.Call(&AdminStub::GetServerStats, {});
    cli.PrintWith(resp, [&] { PrintStats(resp); });
  });
}

}  // namespace mops::cli

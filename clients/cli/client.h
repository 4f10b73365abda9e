// Where the CLI connects and with which token: flags, then environment
// (MOPS_SERVER, MOPS_TOKEN, MOPS_ON_BEHALF_OF), then the chosen context of
// the config file, then defaults.
#ifndef MOPS_CLIENTS_CLI_CLIENT_H_
#define MOPS_CLIENTS_CLI_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "mops/cli/v1/config.pb.h"

namespace mops::cli {

// Exit codes, documented in `mops --help` and the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnauthenticated = 3;
inline constexpr int kExitPermissionDenied = 4;
inline constexpr int kExitUnavailable = 5;

inline constexpr char kDefaultServer[] = "127.0.0.1:7878";

// A failure that ends the command with an exit code and a message.
struct CliError {
  int exit_code;
  std::string message;
};

// $XDG_CONFIG_HOME/mops/config.json, or ~/.config/mops/config.json.
std::string ConfigPath();
// An absent file is an empty config; a malformed one is a CliError.
mops::cli::v1::Config LoadConfig(const std::string& path);
// Written with mode 0600: it may hold tokens.
void SaveConfig(const std::string& path, const mops::cli::v1::Config& config);

struct GlobalFlags {
  std::string server;
  std::string token;
  std::string token_file;
  std::string context;
  std::string tls_ca_file;
  std::string on_behalf_of;
  std::string timeout = "10s";
  std::string output = "table";
};

class Client {
 public:
  // Resolves flags, environment and config. Throws CliError.
  explicit Client(const GlobalFlags& flags);

  const std::string& server() const { return server_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // A context with the deadline and credentials set; `at_least` lengthens
  // the deadline for calls that are slow by nature (a backup).
  std::unique_ptr<grpc::ClientContext> NewContext(
      std::chrono::milliseconds at_least = {}) const;
  // Credentials but no deadline: for a stream that lasts until stopped.
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;
  // Turns a failed status into a CliError with the right exit code.
  [[noreturn]] void Fail(const grpc::Status& status) const;
  void Check(const grpc::Status& status) const {
    if (!status.ok()) Fail(status);
  }

 private:
  std::string server_;
  std::string token_;
  std::string on_behalf_of_;
  std::chrono::milliseconds timeout_{10000};
  std::shared_ptr<grpc::Channel> channel_;
};

// Reads a token file (trimmed). Throws CliError.
std::string ReadTokenFile(const std::string& path);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_CLIENT_H_

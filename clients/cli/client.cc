#include "clients/cli/client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "clients/cli/parse.h"
#include "google/protobuf/util/json_util.h"

namespace mops::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::CANCELLED:
      return "CANCELLED";
    case grpc::UNKNOWN:
      return "UNKNOWN";
    case grpc::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::ABORTED:
      return "ABORTED";
    case grpc::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::INTERNAL:
      return "INTERNAL";
    case grpc::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "ERROR";
  }
}

}  // namespace

std::string ConfigPath() {
  std::string base = Env("XDG_CONFIG_HOME");
  if (base.empty()) {
    std::string home = Env("HOME");
    base = (home.empty() ? std::string(".") : home) + "/.config";
  }
  return base + "/mops/config.json";
}

mops::cli::v1::Config LoadConfig(const std::string& path) {
  mops::cli::v1::Config config;
  std::ifstream in(path);
  if (!in) return config;
  std::stringstream ss;
  ss << in.rdbuf();
  auto status = google::protobuf::util::JsonStringToMessage(ss.str(), &config);
  if (!status.ok()) {
    throw CliError{kExitUsage, "config file " + path + " is not valid: " +
                                   std::string(status.message())};
  }
  return config;
}

void SaveConfig(const std::string& path, const mops::cli::v1::Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(),
                                      ec);
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(config, &json, options);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
            ::write(fd, json.data(), json.size()) ==
                static_cast<ssize_t>(json.size());
  if (fd >= 0) ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    throw CliError{kExitFailure, "cannot write config file " + path + ": " +
                                     std::strerror(errno)};
  }
}

std::string ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw CliError{kExitUsage, "cannot read token file " + path + ": " +
                                   std::strerror(errno)};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return Trim(ss.str());
}

Client::Client(const GlobalFlags& flags) {
  timeout_ = ParseTimeout(flags.timeout);
  mops::cli::v1::Config config = LoadConfig(ConfigPath());
  std::string context_name =
      flags.context.empty() ? config.current_context() : flags.context;
  mops::cli::v1::Context context;
  if (!context_name.empty()) {
    auto it = config.contexts().find(context_name);
    if (it == config.contexts().end()) {
      throw CliError{kExitUsage, "context \"" + context_name + "\" is not in " +
                                     ConfigPath() +
                                     "; create it with mops login"};
    }
    context = it->second;
  }

  server_ = !flags.server.empty()         ? flags.server
            : !Env("MOPS_SERVER").empty() ? Env("MOPS_SERVER")
            : !context.server().empty()   ? context.server()
                                          : kDefaultServer;
  if (!flags.token.empty()) {
    token_ = flags.token;
  } else if (!flags.token_file.empty()) {
    token_ = ReadTokenFile(flags.token_file);
  } else if (!Env("MOPS_TOKEN").empty()) {
    token_ = Env("MOPS_TOKEN");
  } else if (!context.token().empty()) {
    token_ = context.token();
  } else if (!context.token_file().empty()) {
    token_ = ReadTokenFile(context.token_file());
  }
  on_behalf_of_ = !flags.on_behalf_of.empty() ? flags.on_behalf_of
                                              : Env("MOPS_ON_BEHALF_OF");
  if (!on_behalf_of_.empty() && on_behalf_of_.find('/') == std::string::npos) {
    on_behalf_of_ = "users/" + on_behalf_of_;
  }

  std::string ca_file =
      !flags.tls_ca_file.empty() ? flags.tls_ca_file : context.tls_ca_file();
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (!ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadTokenFile(ca_file) + "\n";
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  channel_ = grpc::CreateChannel(server_, creds);
}

std::unique_ptr<grpc::ClientContext> Client::NewContext(
    std::chrono::milliseconds at_least) const {
  auto ctx = NewStreamContext();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::max(timeout_, at_least));
  return ctx;
}

std::unique_ptr<grpc::ClientContext> Client::NewStreamContext() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) ctx->AddMetadata("authorization", "Bearer " + token_);
  if (!on_behalf_of_.empty()) {
    ctx->AddMetadata("x-mops-on-behalf-of", on_behalf_of_);
  }
  return ctx;
}

void Client::Fail(const grpc::Status& status) const {
  int code = kExitFailure;
  std::string hint;
  switch (status.error_code()) {
    case grpc::UNAUTHENTICATED:
      code = kExitUnauthenticated;
      if (token_.empty()) {
        hint = " (no token: run mops login, or set --token or MOPS_TOKEN)";
      }
      break;
    case grpc::PERMISSION_DENIED:
      code = kExitPermissionDenied;
      break;
    case grpc::UNAVAILABLE:
    case grpc::DEADLINE_EXCEEDED:
      code = kExitUnavailable;
      hint = " (server " + server_ + ")";
      break;
    default:
      break;
  }
  throw CliError{code, CodeName(status.error_code()) + ": " +
                           status.error_message() + hint};
}

}  // namespace mops::cli

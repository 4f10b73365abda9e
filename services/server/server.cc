#include "services/server/server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "services/admin/service.h"
#include "services/agreements/service.h"
#include "services/approvals/approvals.h"
#include "services/approvals/service.h"
#include "services/calendars/calendars.h"
#include "services/calendars/service.h"
#include "services/common/keys.h"
#include "services/feed/service.h"
#include "services/identity/authenticator.h"
#include "services/identity/identity.h"
#include "services/identity/service.h"
#include "services/projects/projects.h"
#include "services/projects/service.h"
#include "services/webhooks/service.h"
#include "services/workflows/service.h"
#include "storage/log.h"
#include "storage/status_macros.h"

namespace mops::services {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read ", path, ": ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `content` to `path` with mode 0600, durably: temp file, fsync,
// rename, fsync of the folder.
absl::Status WritePrivateFile(const std::string& path,
                              const std::string& content) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", tmp, ": ", std::strerror(errno)));
  }
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, content.data(), content.size()) ==
                static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  std::string dir = path.substr(0, path.find_last_of('/'));
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
  calendars::RegisterKeySpaces(registry);
  identity::RegisterKeySpaces(registry);
  projects::RegisterKeySpaces(registry);
  approvals::RegisterKeySpaces(registry);
  webhooks::RegisterKeySpaces(registry);
  workflows::RegisterKeySpaces(registry);
  agreements::RegisterKeySpaces(registry);
}

absl::StatusOr<std::unique_ptr<MopsServer>> MopsServer::Start(
    const ServerOptions& options) {
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("--data-dir is required");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key must be given together");
  }
  std::vector<std::string> host_port = absl::StrSplit(options.listen, ':');
  if (host_port.size() < 2 || host_port.back().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen: \"", options.listen, "\" is not HOST:PORT"));
  }
  std::shared_ptr<grpc::ServerCredentials> creds =
      grpc::InsecureServerCredentials();
  if (!options.tls_cert_file.empty()) {
    ASSIGN_OR_RETURN(std::string cert,
                     ReadFile(options.tls_cert_file, "--tls-cert"));
    ASSIGN_OR_RETURN(std::string key,
                     ReadFile(options.tls_key_file, "--tls-key"));
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({key, cert});
    creds = grpc::SslServerCredentials(ssl);
  }

  auto server = std::unique_ptr<MopsServer>(new MopsServer());
  server->options_ = options;
  storage::EngineOptions engine_options;
  engine_options.path = options.data_dir;
  engine_options.own_files = {kAdminTokenFile};
  engine_options.clock = options.clock;
  engine_options.after_command = server->reactions_.Hook();
  projects::RegisterReactions(server->reactions_);
  approvals::RegisterReactions(server->reactions_, &server->subjects_);
  workflows::RegisterReactions(server->reactions_);
  agreements::RegisterReactions(server->reactions_);
  RETURN_IF_ERROR(server->reactions_.Check());
  RegisterKeySpaces(engine_options.key_spaces);
  projects::RegisterTimerUpgrades(engine_options);
  approvals::RegisterTimerUpgrades(engine_options);
  server->subjects_.Register("projects/", projects::CheckSubject);
  server->subjects_.Register("agreements/", agreements::CheckSubject);
  ASSIGN_OR_RETURN(server->engine_, storage::Engine::Open(engine_options));
  server->hub_ = std::make_unique<feed::WatchHub>();
  server->dispatcher_ = std::make_unique<webhooks::Dispatcher>(
      server->engine_.get(), options.webhooks);
  server->engine_->SetFeedListener(
      [hub = server->hub_.get(), webhooks = server->dispatcher_.get()](
          uint64_t revision, std::vector<std::string> events) {
        webhooks->OnCommit(revision, !events.empty());
        hub->Publish(revision, std::move(events));
      });
  identity::RegisterTimers(*server->engine_);
  projects::RegisterTimers(*server->engine_);
  approvals::RegisterTimers(*server->engine_);
  workflows::RegisterTimers(*server->engine_);
  agreements::RegisterTimers(*server->engine_);
  server->engine_->Start();
  server->retention_ = std::make_unique<RetentionRunner>(server->engine_.get(),
                                                         options.retention);
  RETURN_IF_ERROR(server->Bootstrap());
  RETURN_IF_ERROR(server->dispatcher_->Start());

  server->auth_ =
      std::make_unique<identity::TokenAuthenticator>(server->engine_.get());
  ASSIGN_OR_RETURN(server->identity_,
                   identity::BindIdentityService(
                       *server->auth_, *server->engine_,
                       [auth = server->auth_.get()] { auth->Invalidate(); }));
  server->backups_ =
      std::make_unique<admin::BackupRunner>(server->engine_.get());
  ASSIGN_OR_RETURN(server->admin_,
                   admin::BindAdminService(*server->auth_, *server->engine_,
                                           *server->backups_));
  ASSIGN_OR_RETURN(server->events_,
                   feed::BindEventService(*server->auth_, *server->engine_,
                                          *server->hub_, options.watch));
  ASSIGN_OR_RETURN(server->projects_, projects::BindProjectService(
                                          *server->auth_, *server->engine_));
  ASSIGN_OR_RETURN(server->tasks_,
                   projects::BindTaskService(*server->auth_, *server->engine_));
  ASSIGN_OR_RETURN(server->approvals_,
                   approvals::BindApprovalService(
                       *server->auth_, *server->engine_, server->subjects_));
  ASSIGN_OR_RETURN(server->calendars_, calendars::BindCalendarService(
                                           *server->auth_, *server->engine_));
  ASSIGN_OR_RETURN(
      server->webhooks_,
      webhooks::BindWebhookService(
          *server->auth_, *server->engine_, server->options_.webhooks,
          [d = server->dispatcher_.get()] { d->Changed(); }));
  ASSIGN_OR_RETURN(server->workflows_, workflows::BindWorkflowService(
                                           *server->auth_, *server->engine_));
  ASSIGN_OR_RETURN(server->agreements_,
                   agreements::BindAgreementService(
                       *server->auth_, *server->engine_, server->subjects_));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, creds, &port);
  builder.RegisterService(server->identity_.get());
  builder.RegisterService(server->admin_.get());
  builder.RegisterService(server->events_.get());
  builder.RegisterService(server->projects_.get());
  builder.RegisterService(server->tasks_.get());
  builder.RegisterService(server->approvals_.get());
  builder.RegisterService(server->calendars_.get());
  builder.RegisterService(server->webhooks_.get());
  builder.RegisterService(server->workflows_.get());
  builder.RegisterService(server->agreements_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) {
    server->engine_->Close();
    return absl::UnavailableError(
        absl::StrCat("--listen: cannot listen on ", options.listen,
                     " (address in use or not local?)"));
  }
  host_port.back() = absl::StrCat(port);
  server->address_ = absl::StrJoin(host_port, ":");
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  LogInfo("mopsd listening on ", server->address_,
          options.tls_cert_file.empty() ? " (plaintext)" : " (TLS)",
          "; data folder ", options.data_dir, " at revision ",
          server->engine_->committed_revision());
  return server;
}

absl::Status MopsServer::Bootstrap() {
  ASSIGN_OR_RETURN(bool done, identity::IsBootstrapped(*engine_));
  if (done) {
    // Folders made before calendars (or their versions) existed get them now.
    return engine_->Execute(calendars::EnsureCalendars);
  }
  // The token file is written before the commit: if we die in between, the
  // next start bootstraps again and overwrites it, so a committed admin
  // token is never lost.
  identity::TokenCredential cred = identity::TokenCredential::Generate();
  RETURN_IF_ERROR(WritePrivateFile(admin_token_path(), cred.Bearer() + "\n"));
  RETURN_IF_ERROR(engine_->Execute([&](storage::Txn& txn) {
    RETURN_IF_ERROR(identity::Bootstrap(txn, cred).status());
    return calendars::EnsureCalendars(txn);
  }));
  LogInfo(
      "new data folder: created user admin and teams marketing, sales, "
      "it, finance; admin token written to ",
      admin_token_path(), " (mode 0600)");
  return absl::OkStatus();
}

std::string MopsServer::admin_token_path() const {
  return absl::StrCat(options_.data_dir, "/", kAdminTokenFile);
}

std::shared_ptr<grpc::Channel> MopsServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

void MopsServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  LogInfo("shutting down: no new calls; finishing calls in flight");
  // Watches never end on their own: end them first, with the revision to
  // resume from, so that the gRPC shutdown does not wait for them.
  if (hub_) hub_->Shutdown();
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    // In-flight calls finish normally (their commands are still applied);
    // after the deadline the rest are cancelled.
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(10));
    server_->Wait();
  }
  // Attempts in flight are abandoned (and sent again after a restart).
  if (dispatcher_) dispatcher_->Stop();
  backups_.reset();    // joins backups still running
  retention_.reset();  // joins a trim in progress
  if (engine_) engine_->Close();
  LogInfo("database closed at revision ",
          engine_ ? engine_->committed_revision() : 0);
}

MopsServer::~MopsServer() { Shutdown(); }

}  // namespace mops::services

// mopsd assembled: engine, services, gRPC server. main() only parses flags
// and calls this, so tests build the very same object graph.
#ifndef MOPS_SERVICES_SERVER_SERVER_H_
#define MOPS_SERVICES_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "services/common/reactions.h"
#include "services/common/subjects.h"
#include "services/feed/hub.h"
#include "services/feed/watch.h"
#include "services/server/retention.h"
#include "services/webhooks/dispatcher.h"
#include "services/webhooks/webhooks.h"
#include "storage/clock.h"
#include "storage/engine.h"

namespace mops::services {
namespace identity {
class TokenAuthenticator;
}  // namespace identity
namespace admin {
class BackupRunner;
}  // namespace admin

inline constexpr char kDefaultListen[] = "127.0.0.1:7878";
inline constexpr char kAdminTokenFile[] = "admin.token";

struct ServerOptions {
  // host:port; port 0 picks a free one (see MopsServer::address()).
  std::string listen = kDefaultListen;
  std::string data_dir;
  // Both or neither; with them the server speaks TLS only.
  std::string tls_cert_file;
  std::string tls_key_file;
  storage::Clock* clock = storage::RealClock::Get();
  // The change feed's retention (--event-retention,
  // --event-retention-revisions).
  RetentionOptions retention;
  // What one WatchEvents stream may buffer for a slow reader.
  feed::WatchOptions watch;
  // Webhook delivery: private targets, retry schedule, timeout.
  webhooks::WebhookOptions webhooks;
};

// Adds every key space mopsd stores (each domain's and services/common's)
// to `registry`: what the engine is opened with.
void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

class MopsServer {
 public:
  // Opens the data folder (creating and seeding it on first start, with the
  // admin token in DATA_DIR/admin.token) and starts serving.
  static absl::StatusOr<std::unique_ptr<MopsServer>> Start(
      const ServerOptions& options);
  ~MopsServer();

  // Stops accepting calls, lets in-flight calls and queued commands finish,
  // and closes the database. Idempotent.
  void Shutdown();

  // The address actually bound, e.g. "127.0.0.1:40123".
  const std::string& address() const { return address_; }
  std::string admin_token_path() const;
  storage::Engine* engine() { return engine_.get(); }
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Runs the retention now (it also runs every minute): the feed's and the
  // request_id records'. Returns the feed's first revision kept.
  absl::StatusOr<uint64_t> RunRetentionNow() { return retention_->RunOnce(); }

 private:
  MopsServer() = default;
  absl::Status Bootstrap();

  ServerOptions options_;
  std::string address_;
  // Before engine_: the engine's after_command hook runs them.
  Reactions reactions_;
  // Before the services that check subjects through it.
  Subjects subjects_;
  // Before engine_: the engine's feed listener calls it until it closes.
  std::unique_ptr<feed::WatchHub> hub_;
  std::unique_ptr<webhooks::Dispatcher> dispatcher_;
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<identity::TokenAuthenticator> auth_;
  std::unique_ptr<grpc::Service> identity_;
  std::unique_ptr<admin::BackupRunner> backups_;
  std::unique_ptr<grpc::Service> admin_;
  std::unique_ptr<grpc::Service> events_;
  std::unique_ptr<grpc::Service> projects_;
  std::unique_ptr<grpc::Service> tasks_;
  std::unique_ptr<grpc::Service> approvals_;
  std::unique_ptr<grpc::Service> calendars_;
  std::unique_ptr<grpc::Service> webhooks_;
  std::unique_ptr<grpc::Service> workflows_;
  std::unique_ptr<grpc::Service> agreements_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<RetentionRunner> retention_;
  bool shut_down_ = false;
};

}  // namespace mops::services

#endif  // MOPS_SERVICES_SERVER_SERVER_H_

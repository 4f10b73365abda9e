// AdminService (backups) and EventService (the change feed). Admins only.
#ifndef MOPS_SERVICES_ADMIN_ADMIN_SERVICE_H_
#define MOPS_SERVICES_ADMIN_ADMIN_SERVICE_H_

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "mops/v1/admin.grpc.pb.h"
#include "mops/v1/events.grpc.pb.h"
#include "services/common/rpc.h"
#include "storage/engine.h"

namespace mops::services::admin {

class AdminService final : public v1::AdminService::CallbackService {
 public:
  AdminService(storage::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}
  // Waits for backups still being written.
  ~AdminService() override;

  grpc::ServerUnaryReactor* Backup(grpc::CallbackServerContext* ctx,
                                   const v1::BackupRequest* req,
                                   v1::BackupResponse* resp) override;
  grpc::ServerUnaryReactor* GetServerStats(grpc::CallbackServerContext* ctx,
                                           const v1::GetServerStatsRequest* req,
                                           v1::ServerStats* resp) override;

 private:
  storage::Engine* engine_;
  const Authenticator* auth_;
  absl::Mutex mu_;
  // A checkpoint flushes and copies files: it runs on its own thread so no
  // gRPC thread waits on the disk.
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers_ ABSL_GUARDED_BY(mu_);
};

class EventService final : public v1::EventService::CallbackService {
 public:
  EventService(storage::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}

  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* ctx,
                                       const v1::ListEventsRequest* req,
                                       v1::ListEventsResponse* resp) override;

 private:
  storage::Engine* engine_;
  const Authenticator* auth_;
};

}  // namespace mops::services::admin

#endif  // MOPS_SERVICES_ADMIN_ADMIN_SERVICE_H_

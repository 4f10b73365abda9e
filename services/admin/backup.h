// Backups: a checkpoint flushes and copies files, so each runs on its own
// thread and no gRPC thread waits on the disk.
#ifndef MOPS_SERVICES_ADMIN_BACKUP_H_
#define MOPS_SERVICES_ADMIN_BACKUP_H_

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "mops/v1/admin.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::admin {

class BackupRunner {
 public:
  explicit BackupRunner(storage::Engine* engine) : engine_(engine) {}
  // Waits for backups still being written.
  ~BackupRunner();

  // Checks the caller and the request, then writes the backup on a thread
  // of its own and calls `done` from it.
  void Start(const Principal& p, const v1::BackupRequest& req,
             std::function<void(absl::StatusOr<v1::BackupResponse>)> done);

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  void ReapLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::Engine* engine_;
  absl::Mutex mu_;
  std::vector<Worker> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mops::services::admin

#endif  // MOPS_SERVICES_ADMIN_BACKUP_H_

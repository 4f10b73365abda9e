#include "services/admin/backup.h"

#include <filesystem>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/log.h"

namespace mops::services::admin {
namespace {

uint64_t FolderSize(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

}  // namespace

BackupRunner::~BackupRunner() {
  absl::MutexLock lock(&mu_);
  for (auto& w : workers_) w.thread.join();
}

void BackupRunner::ReapLocked() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void BackupRunner::Start(
    const Principal& p, const v1::BackupRequest& req,
    std::function<void(absl::StatusOr<v1::BackupResponse>)> done) {
  absl::Status s = RequireAdmin(p, "make backups");
  if (s.ok() && req.destination().empty()) {
    s = absl::InvalidArgumentError(
        "destination is required: an absolute path on the server's machine");
  }
  if (!s.ok()) {
    done(s);
    return;
  }
  absl::MutexLock lock(&mu_);
  ReapLocked();
  auto finished = std::make_shared<std::atomic<bool>>(false);
  std::thread thread([this, destination = req.destination(),
                      done = std::move(done), finished, user = p.user_id] {
    absl::StatusOr<uint64_t> revision = engine_->Checkpoint(destination);
    if (!revision.ok()) {
      *finished = true;
      done(revision.status());
      return;
    }
    v1::BackupResponse resp;
    resp.set_destination(destination);
    resp.set_revision(*revision);
    resp.set_size_bytes(FolderSize(destination));
    LogInfo("backup by users/", user, " written to ", destination,
            " at revision ", *revision);
    *finished = true;
    done(std::move(resp));
  });
  workers_.push_back({std::move(thread), std::move(finished)});
}

}  // namespace mops::services::admin

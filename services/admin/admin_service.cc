#include "services/admin/admin_service.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "services/common/pagination.h"
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

AdminService::~AdminService() {
  absl::MutexLock lock(&mu_);
  for (auto& w : workers_) w.thread.join();
}

grpc::ServerUnaryReactor* AdminService::Backup(grpc::CallbackServerContext* ctx,
                                               const v1::BackupRequest* req,
                                               v1::BackupResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<Principal> p = auth_->Authenticate(*ctx);
  absl::Status s = p.status();
  if (s.ok()) s = RequireAdmin(*p, "make backups");
  if (s.ok() && req->destination().empty()) {
    s = absl::InvalidArgumentError(
        "destination is required: an absolute path on the server's machine");
  }
  if (!s.ok()) {
    reactor->Finish(FinishStatus("Backup", s));
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  // Reap the backups that have finished.
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread thread([this, req, resp, reactor, done, user = p->user_id] {
    absl::StatusOr<uint64_t> revision = engine_->Checkpoint(req->destination());
    if (revision.ok()) {
      resp->set_destination(req->destination());
      resp->set_revision(*revision);
      resp->set_size_bytes(FolderSize(req->destination()));
      LogInfo("backup by users/", user, " written to ", req->destination(),
              " at revision ", *revision);
    }
    *done = true;
    reactor->Finish(FinishStatus("Backup", revision.status()));
  });
  workers_.push_back({std::move(thread), std::move(done)});
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::GetServerStats(
    grpc::CallbackServerContext* ctx, const v1::GetServerStatsRequest*,
    v1::ServerStats* resp) {
  return RunRead(
      ctx, "GetServerStats", *auth_, *engine_,
      [&](const Principal& p, const storage::Reader&) {
        absl::Status s = RequireAdmin(p, "read the server's stats");
        if (!s.ok()) return s;
        resp->set_revision(engine_->committed_revision());
        const storage::EngineStats stats = engine_->stats();
        resp->set_commands(stats.commands);
        resp->set_group_commits(stats.batches);
        resp->set_largest_group(stats.largest_batch);
        resp->set_timers_fired(stats.timers_fired);
        resp->set_failed_commits(stats.failed_commits);
        resp->set_live_data_bytes(stats.live_data_bytes);
        resp->set_memtable_bytes(stats.memtable_bytes);
        resp->set_pending_compaction_bytes(stats.pending_compaction_bytes);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* EventService::ListEvents(
    grpc::CallbackServerContext* ctx, const v1::ListEventsRequest* req,
    v1::ListEventsResponse* resp) {
  return RunRead(
      ctx, "ListEvents", *auth_, *engine_,
      [&](const Principal& p, const storage::Reader&) {
        absl::Status s = RequireAdmin(p, "read the event feed");
        if (!s.ok()) return s;
        if (req->page_size() < 0) {
          return absl::InvalidArgumentError("page_size must not be negative");
        }
        size_t limit =
            req->page_size() == 0 ? 100 : std::min(req->page_size(), 1000);
        // Read the head first: every event up to it is already readable.
        resp->set_head_revision(engine_->committed_revision());
        absl::StatusOr<std::vector<v1::Event>> events =
            engine_->ReadEventPage(req->after_revision(), limit);
        if (!events.ok()) return events.status();
        resp->set_next_after_revision(events->empty()
                                          ? req->after_revision()
                                          : events->back().revision());
        for (auto& e : *events) *resp->add_events() = std::move(e);
        return absl::OkStatus();
      });
}

}  // namespace mops::services::admin

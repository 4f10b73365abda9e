#include "services/admin/queries.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace mops::services::admin::queries {

absl::Status GetServerStats::Run(const storage::Reader&, const Principal& p,
                                 const Request&, Response* out) const {
  absl::Status s = RequireAdmin(p, "read the server's stats");
  if (!s.ok()) return s;
  out->set_revision(engine->committed_revision());
  const storage::EngineStats stats = engine->stats();
  out->set_commands(stats.commands);
  out->set_group_commits(stats.batches);
  out->set_largest_group(stats.largest_batch);
  out->set_timers_fired(stats.timers_fired);
  out->set_failed_commits(stats.failed_commits);
  out->set_live_data_bytes(stats.live_data_bytes);
  out->set_memtable_bytes(stats.memtable_bytes);
  out->set_pending_compaction_bytes(stats.pending_compaction_bytes);
  return absl::OkStatus();
}

absl::Status ListEvents::Validate(const Request& req) const {
  if (req.page_size() < 0) {
    return absl::InvalidArgumentError("page_size must not be negative");
  }
  return absl::OkStatus();
}

absl::Status ListEvents::Run(const storage::Reader&, const Principal& p,
                             const Request& req, Response* out) const {
  absl::Status s = RequireAdmin(p, "read the event feed");
  if (!s.ok()) return s;
  const size_t limit =
      req.page_size() == 0 ? 100 : std::min(req.page_size(), 1000);
  // Read the head first: every event up to it is already readable.
  out->set_head_revision(engine->committed_revision());
  absl::StatusOr<std::vector<v1::Event>> events =
      engine->ReadEventPage(req.after_revision(), limit);
  if (!events.ok()) return events.status();
  out->set_next_after_revision(events->empty() ? req.after_revision()
                                               : events->back().revision());
  for (auto& e : *events) *out->add_events() = std::move(e);
  return absl::OkStatus();
}

}  // namespace mops::services::admin::queries

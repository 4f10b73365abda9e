#include "services/admin/queries.h"

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

}  // namespace mops::services::admin::queries

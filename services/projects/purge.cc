// Deleting a project with many tasks in chunks: DeleteProject removes the
// project and leaves a purge record; the project.purge timer deletes
// kPurgeChunk tasks per run (each run a command of its own, so writers
// between runs wait for one chunk, not for the whole project). Until the
// last chunk, reads treat the project's tasks as gone and the id stays
// taken.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/validation.h"
#include "services/projects/keys.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

using mops::internal::v1::ProjectPurgeRecord;
using mops::internal::v1::TimerRecord;
using storage::Cf;
using storage::Reader;
using storage::Txn;

namespace internal {

absl::StatusOr<bool> IsPurging(const Reader& reader,
                               absl::string_view project) {
  ASSIGN_OR_RETURN(auto row,
                   reader.Get(Cf::kRecords, keys::ProjectPurge(project)));
  return row.has_value();
}

// The set row holds the ids, one per line (ids have no newlines).
absl::StatusOr<absl::flat_hash_set<std::string>> PurgingProjects(
    const Reader& reader) {
  ASSIGN_OR_RETURN(auto row, reader.Get(Cf::kRecords, keys::ProjectPurgeSet()));
  absl::flat_hash_set<std::string> out;
  if (row) out = absl::StrSplit(*row, '\n', absl::SkipEmpty());
  return out;
}

namespace {

void WritePurgeSet(Txn& txn, const absl::flat_hash_set<std::string>& ids) {
  if (ids.empty()) {
    txn.Delete(Cf::kRecords, keys::ProjectPurgeSet());
  } else {
    std::vector<std::string> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    txn.Put(Cf::kRecords, keys::ProjectPurgeSet(), absl::StrJoin(sorted, "\n"));
  }
}

}  // namespace

absl::Status CheckNotPurging(const Reader& reader, absl::string_view project) {
  ProjectPurgeRecord record;
  ASSIGN_OR_RETURN(
      bool found,
      reader.GetProto(Cf::kRecords, keys::ProjectPurge(project), &record));
  if (!found) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("project_id: projects/", project, " was deleted and ",
                   record.tasks_left(),
                   " of its tasks are still being removed; use the id "
                   "again in a few seconds"));
}

absl::Status StartPurge(Txn& txn, const Principal& p,
                        const v1::Project& project, int64_t tasks) {
  const std::string id = project.name().substr(strlen("projects/"));
  ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> purging,
                   PurgingProjects(txn));
  purging.insert(id);
  WritePurgeSet(txn, purging);
  ProjectPurgeRecord record;
  *record.mutable_project() = project;
  record.set_user_id(p.user_id);
  record.set_actor_id(p.actor_id);
  record.set_tasks_left(tasks);
  txn.PutProto(Cf::kRecords, keys::ProjectPurge(id), record);
  TimerRecord timer;
  timer.set_kind(kProjectPurgeTimer);
  timer.set_target(project.name());
  txn.SetTimer(txn.Now(), timer);
  return absl::OkStatus();
}

}  // namespace internal

absl::Status FirePurge(Txn& txn, const TimerRecord& timer) {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("target", timer.target(), "projects/*"));
  ProjectPurgeRecord record;
  ASSIGN_OR_RETURN(bool found,
                   txn.GetProto(Cf::kRecords, keys::ProjectPurge(id), &record));
  if (!found) return absl::OkStatus();
  std::vector<v1::Task> chunk;
  std::string last_key;
  bool more = false;
  RETURN_IF_ERROR(storage::ScanParsed<v1::Task>(
      txn, Cf::kRecords, keys::TaskPrefix(id), record.after_key(),
      [&](absl::string_view key, v1::Task&& t) {
        if (static_cast<int>(chunk.size()) == kPurgeChunk) {
          more = true;
          return false;
        }
        last_key.assign(key.data(), key.size());
        chunk.push_back(std::move(t));
        return true;
      }));
  Principal p;
  p.user_id = record.user_id();
  p.actor_id = record.actor_id();
  for (const v1::Task& t : chunk)
    RETURN_IF_ERROR(internal::RemoveTask(txn, p, t));
  if (!more) {
    txn.Delete(Cf::kRecords, keys::ProjectPurge(id));
    ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> purging,
                     internal::PurgingProjects(txn));
    purging.erase(id);
    internal::WritePurgeSet(txn, purging);
    return absl::OkStatus();
  }
  record.set_after_key(last_key);
  record.set_tasks_left(std::max<int64_t>(
      0, record.tasks_left() - static_cast<int64_t>(chunk.size())));
  txn.PutProto(Cf::kRecords, keys::ProjectPurge(id), record);
  txn.SetTimer(txn.Now() + kPurgePause, timer);
  return absl::OkStatus();
}

}  // namespace mops::services::projects

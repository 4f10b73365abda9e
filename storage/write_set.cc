#include "storage/write_set.h"

#include <utility>

namespace mops::storage {

void WriteSet::Put(Cf cf, absl::string_view key, absl::string_view value) {
  Write(cf, key, false, value);
}

void WriteSet::Delete(Cf cf, absl::string_view key) {
  Write(cf, key, true, {});
}

void WriteSet::Write(Cf cf, absl::string_view key, bool deleted,
                     absl::string_view value) {
  Rows& rows = rows_[CfIndex(cf)];
  auto [it, inserted] = rows.try_emplace(key);
  if (!save_points_.empty()) {
    std::optional<Row> before;
    if (!inserted) before = it->second;
    undo_.push_back({cf, std::string(key), std::move(before)});
  }
  it->second.deleted = deleted;
  it->second.value.assign(value.data(), value.size());
  ++version_;
}

const WriteSet::Row* WriteSet::Find(Cf cf, absl::string_view key) const {
  const Rows& rows = rows_[CfIndex(cf)];
  auto it = rows.find(key);
  return it == rows.end() ? nullptr : &it->second;
}

void WriteSet::SetSavePoint() { save_points_.push_back(undo_.size()); }

void WriteSet::RollbackToSavePoint() {
  if (save_points_.empty()) return;
  const size_t mark = save_points_.back();
  save_points_.pop_back();
  // Newest first, so a key written twice ends as it was before the first.
  while (undo_.size() > mark) {
    Undo& u = undo_.back();
    Rows& rows = rows_[CfIndex(u.cf)];
    if (u.before) {
      rows[u.key] = *std::move(u.before);
    } else {
      rows.erase(u.key);
    }
    undo_.pop_back();
  }
  ++version_;
}

void WriteSet::PopSavePoint() {
  if (save_points_.empty()) return;
  save_points_.pop_back();
  // With no save point left nothing can be rolled back any more.
  if (save_points_.empty()) undo_.clear();
}

std::vector<std::string> WriteSet::TakeValues(Cf cf) {
  std::vector<std::string> values;
  Rows& rows = rows_[CfIndex(cf)];
  values.reserve(rows.size());
  for (auto& [key, row] : rows) {
    if (!row.deleted) values.push_back(std::move(row.value));
  }
  return values;
}

void WriteSet::Clear() {
  for (Rows& rows : rows_) rows.clear();
  undo_.clear();
  save_points_.clear();
  ++version_;
}

}  // namespace mops::storage

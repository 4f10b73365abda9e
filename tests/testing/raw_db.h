// Raw RocksDB access to a data folder, for tests that write what an older
// mopsd wrote or check what is on disk.
#ifndef MOPS_TESTS_TESTING_RAW_DB_H_
#define MOPS_TESTS_TESTING_RAW_DB_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/keys.h"

namespace mops::testing {

// A RocksDB handle on a data folder with every family it has, by name; or
// with `create`, exactly those (made if missing).
class RawDb {
 public:
  explicit RawDb(const std::string& path,
                 std::vector<std::string> create = {}) {
    std::vector<std::string> names = create;
    if (create.empty()) {
      EXPECT_TRUE(
          rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names)
              .ok());
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& name : names) {
      cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DBOptions options;
    options.create_if_missing = !create.empty();
    options.create_missing_column_families = !create.empty();
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::Status s = rocksdb::DB::Open(options, path, cfs, &handles, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
    for (size_t i = 0; i < handles.size(); ++i) cfs_[names[i]] = handles[i];
  }
  ~RawDb() {
    for (auto& [name, h] : cfs_) db_->DestroyColumnFamilyHandle(h);
    delete db_;
  }
  bool Has(const std::string& family) const { return cfs_.count(family) > 0; }
  void Put(const std::string& family, const std::string& key,
           const std::string& value) {
    ASSERT_TRUE(Has(family)) << family;
    ASSERT_TRUE(
        db_->Put(rocksdb::WriteOptions(), cfs_.at(family), key, value).ok());
  }
  void Delete(const std::string& family, const std::string& key) {
    ASSERT_TRUE(Has(family)) << family;
    ASSERT_TRUE(
        db_->Delete(rocksdb::WriteOptions(), cfs_.at(family), key).ok());
  }
  std::optional<std::string> Get(const std::string& family,
                                 const std::string& key) {
    std::string value;
    if (!Has(family)) return std::nullopt;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), cfs_.at(family), key, &value);
    if (!s.ok()) return std::nullopt;
    return value;
  }
  // Every key of a family.
  std::vector<std::string> Keys(const std::string& family) {
    std::vector<std::string> out;
    if (!Has(family)) return out;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cfs_.at(family)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.push_back(it->key().ToString());
    }
    return out;
  }

 private:
  rocksdb::DB* db_ = nullptr;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;
};

// Rewrites the stored format version with a raw RocksDB handle.
inline void SetStoredFormatVersion(const std::string& path,
                                   const std::string& v) {
  RawDb(path).Put("default", storage::keys::MetaFormatVersion(), v);
}

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_RAW_DB_H_

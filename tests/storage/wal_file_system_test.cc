#include "storage/wal_file_system.h"

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "rocksdb/file_system.h"
#include "storage/engine.h"
#include "tests/testing/temp_dir.h"

namespace mops::storage {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kChunk = 16 << 10;

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::unique_ptr<rocksdb::FSWritableFile> Create(rocksdb::FileSystem& fs,
                                                const std::string& path) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s =
      fs.NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return file;
}

void Append(rocksdb::FSWritableFile& file, const std::string& data) {
  rocksdb::IOStatus s = file.Append(data, rocksdb::IOOptions(), nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST(WalFileSystemTest, RecognizesRocksDbLogNames) {
  EXPECT_TRUE(IsWalFileName("000012.log"));
  EXPECT_TRUE(IsWalFileName("/data/mops/000012.log"));
  EXPECT_FALSE(IsWalFileName("/data/mops/LOG"));
  EXPECT_FALSE(IsWalFileName("/data/mops/LOG.old.1700000000"));
  EXPECT_FALSE(IsWalFileName("/data/mops/.log"));
  EXPECT_FALSE(IsWalFileName("/data/mops/audit.log"));
  EXPECT_FALSE(IsWalFileName("/data/mops/000012.sst"));
  EXPECT_FALSE(IsWalFileName("/data/000012.log/MANIFEST-000001"));
}

TEST(WalFileSystemTest, LogsGrowByZeroChunksAndAreTrimmedOnClose) {
  testing::TempDir dir;
  auto zfs = NewZeroFilledWalFileSystem(rocksdb::FileSystem::Default(), kChunk);
  const std::string path = dir.Sub("000007.log");
  auto file = Create(*zfs, path);
  ASSERT_NE(file, nullptr);

  Append(*file, "first record");
  // The append did not change the size: it landed in zeros written ahead.
  EXPECT_EQ(fs::file_size(path), kChunk);
  std::string on_disk = Contents(path);
  EXPECT_EQ(on_disk.substr(0, 12), "first record");
  EXPECT_EQ(on_disk.find_first_not_of('\0', 12), std::string::npos);

  const std::string big(kChunk + 100, 'x');
  Append(*file, big);
  EXPECT_EQ(fs::file_size(path), 2 * kChunk);  // 12 + kChunk + 100 bytes
  ASSERT_TRUE(file->Sync(rocksdb::IOOptions(), nullptr).ok());
  EXPECT_EQ(file->GetFileSize(rocksdb::IOOptions(), nullptr), 12 + big.size());

  ASSERT_TRUE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  EXPECT_EQ(Contents(path), "first record" + big);
}

TEST(WalFileSystemTest, OtherFilesPassThrough) {
  testing::TempDir dir;
  auto zfs = NewZeroFilledWalFileSystem(rocksdb::FileSystem::Default(), kChunk);
  const std::string path = dir.Sub("MANIFEST-000001");
  auto file = Create(*zfs, path);
  ASSERT_NE(file, nullptr);
  Append(*file, "manifest");
  ASSERT_TRUE(file->Flush(rocksdb::IOOptions(), nullptr).ok());
  EXPECT_EQ(Contents(path), "manifest");
  ASSERT_TRUE(file->Close(rocksdb::IOOptions(), nullptr).ok());
}

// While it is in force, files of this process cannot grow past `bytes`
// (writes fail with EFBIG, as they would with ENOSPC on a full disk).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  void (*old_handler_)(int) = nullptr;
};

TEST(WalFileSystemTest, LogWithoutRoomForZerosGrowsAsAPlainFile) {
  testing::TempDir dir;
  auto zfs = NewZeroFilledWalFileSystem(rocksdb::FileSystem::Default(), kChunk);
  const std::string path = dir.Sub("000009.log");
  const std::string first = "first record";
  const std::string second(3000, 'y');
  {
    FileSizeLimit limit(kChunk / 2);  // too small for one chunk of zeros
    auto file = Create(*zfs, path);
    ASSERT_NE(file, nullptr);
    Append(*file, first);
    // The zeros that fit were given back: the file holds just the record.
    EXPECT_EQ(fs::file_size(path), first.size());
    Append(*file, second);
    EXPECT_EQ(fs::file_size(path), first.size() + second.size());
    ASSERT_TRUE(file->Sync(rocksdb::IOOptions(), nullptr).ok());
    ASSERT_TRUE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  }
  EXPECT_EQ(Contents(path), first + second);
}

// What a kill -9 leaves: the live log with its zero tail, never closed.
// A copy of the folder taken while the engine runs opens with every
// acknowledged write.
TEST(WalFileSystemTest, DatabaseRecoversFromLogWithZeroTail) {
  testing::TempDir dir;
  EngineOptions options;
  options.path = dir.Sub("live");
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  (*engine)->Start();
  for (int i = 0; i < 50; ++i) {
    absl::Status s = (*engine)->Execute([i](Txn& txn) {
      txn.Put(Cf::kRecords, "key" + std::to_string(i), std::string(300, 'v'));
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  bool zero_tail = false;
  const std::string copy = dir.Sub("copy");
  fs::create_directory(copy);
  for (const auto& entry : fs::directory_iterator(options.path)) {
    const std::string name = entry.path().filename().string();
    if (name == "LOCK") continue;
    fs::copy_file(entry.path(), fs::path(copy) / name);
    if (IsWalFileName(name) && entry.file_size() > 0) {
      std::string log = Contents(entry.path().string());
      zero_tail = zero_tail || log.back() == '\0';
    }
  }
  EXPECT_TRUE(zero_tail) << "no log with a zero tail: the test proves nothing";
  const uint64_t revision = (*engine)->committed_revision();
  (*engine)->Close();

  options.path = copy;
  auto reopened = Engine::Open(options);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->committed_revision(), revision);
  for (int i = 0; i < 50; ++i) {
    auto v = (*reopened)->Get(Cf::kRecords, "key" + std::to_string(i));
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(*v, std::string(300, 'v')) << "key" << i;
  }
}

}  // namespace
}  // namespace mops::storage

#include "storage/wal_file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "storage/log.h"

namespace mops::storage {
namespace {

constexpr size_t kZeroBufferBytes = 64 << 10;

// A log file with its own descriptor for the zeros, so the wrapped file's
// write position (its logical end) never moves.
class ZeroFilledWalFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  ZeroFilledWalFile(std::unique_ptr<rocksdb::FSWritableFile> target,
                    std::string path, int fd, uint64_t chunk_bytes)
      : FSWritableFileOwnerWrapper(std::move(target)),
        path_(std::move(path)),
        fd_(fd),
        chunk_(chunk_bytes) {}

  ~ZeroFilledWalFile() override { CloseOwnFd(); }

  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    return Appended(data.size(),
                    [&] { return target()->Append(data, options, dbg); });
  }

  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    return Appended(data.size(),
                    [&] { return target()->Append(data, options, info, dbg); });
  }

  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) size_ = zeroed_end_ = size;
    return s;
  }

  rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->Close(options, dbg);
    TrimZeros();
    CloseOwnFd();
    return s;
  }

 private:
  // Both Append overloads: zeros first, then the append, then the end.
  template <typename AppendFn>
  rocksdb::IOStatus Appended(size_t n, const AppendFn& append) {
    FillAhead(n);
    rocksdb::IOStatus s = append();
    if (s.ok()) size_ += n;
    return s;
  }

  // Makes sure [size_, size_ + n) lies in zeros already written, so the
  // append does not change the file's size. Best effort: on any failure
  // the file simply grows as it would have without this wrapper.
  void FillAhead(size_t n) {
    if (fd_ < 0 || size_ + n <= zeroed_end_) return;
    static const char kZeros[kZeroBufferBytes] = {};
    const uint64_t target_end = (size_ + n + chunk_ - 1) / chunk_ * chunk_;
    uint64_t at = zeroed_end_;  // >= size_ while fd_ is open
    while (at < target_end) {
      const size_t len = static_cast<size_t>(
          std::min<uint64_t>(target_end - at, sizeof(kZeros)));
      const ssize_t w = ::pwrite(fd_, kZeros, len, static_cast<off_t>(at));
      if (w <= 0) {
        if (w < 0 && errno == EINTR) continue;
        LogWarning("zero-filling write-ahead log ", path_, ": ",
                   w < 0 ? std::strerror(errno) : "short write",
                   "; it grows with each write from now on");
        zeroed_end_ = at;
        TrimZeros();
        CloseOwnFd();
        return;
      }
      at += static_cast<uint64_t>(w);
      zeroed_end_ = at;
    }
  }

  // Gives back the zeros past the logical end, so a closed log holds
  // exactly its records.
  void TrimZeros() {
    if (fd_ >= 0 && zeroed_end_ > size_) {
      if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) {
        zeroed_end_ = size_;
      }
    }
  }

  void CloseOwnFd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  const std::string path_;
  int fd_;
  const uint64_t chunk_;
  uint64_t size_ = 0;        // bytes appended: the log's logical end
  uint64_t zeroed_end_ = 0;  // the file's size on disk
};

class ZeroFilledWalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  ZeroFilledWalFileSystem(std::shared_ptr<rocksdb::FileSystem> base,
                          uint64_t chunk_bytes)
      : FileSystemWrapper(std::move(base)), chunk_(chunk_bytes) {}

  const char* Name() const override { return "mops.ZeroFilledWal"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& fname, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s =
        target()->NewWritableFile(fname, options, result, dbg);
    if (!s.ok() || !IsWalFileName(fname) || options.use_direct_writes ||
        options.use_mmap_writes) {
      return s;
    }
    const int fd = ::open(fname.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return s;  // no zeros for this log; it still works
    *result = std::make_unique<ZeroFilledWalFile>(std::move(*result), fname, fd,
                                                  chunk_);
    return s;
  }

 private:
  const uint64_t chunk_;
};

}  // namespace

bool IsWalFileName(absl::string_view path) {
  const size_t slash = path.find_last_of('/');
  absl::string_view name =
      slash == absl::string_view::npos ? path : path.substr(slash + 1);
  if (!absl::ConsumeSuffix(&name, ".log") || name.empty()) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isdigit(c); });
}

std::shared_ptr<rocksdb::FileSystem> NewZeroFilledWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, uint64_t chunk_bytes) {
  return std::make_shared<ZeroFilledWalFileSystem>(
      std::move(base), std::max<uint64_t>(chunk_bytes, 4096));
}

}  // namespace mops::storage

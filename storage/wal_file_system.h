// Write-ahead log files filled with zeros ahead of the writer.
//
// Every acknowledged write ends in an fdatasync of the WAL. When the append
// grew the file, that sync must also write the inode (the new size) — on
// ext4 a second synchronous write, or a journal commit where there is a
// journal. Writing zeros ahead of the log in large chunks moves the size
// change into one sync per chunk; the syncs in between write only data.
// (PostgreSQL's zero-filled WAL segments and RocksDB's recycled logs do the
// same; RocksDB 7.8 turns recycling off under point-in-time recovery.)
//
// RocksDB's log reader skips zero blocks (record type 0 is reserved for
// preallocated files), so a log with a zero tail recovers exactly as one
// without. The tail is trimmed when a log is closed.
#ifndef MOPS_STORAGE_WAL_FILE_SYSTEM_H_
#define MOPS_STORAGE_WAL_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "rocksdb/file_system.h"

namespace mops::storage {

// Whether `path` names a RocksDB write-ahead log ("<digits>.log").
bool IsWalFileName(absl::string_view path);

// Wraps `base`: write-ahead logs it creates are zero-filled `chunk_bytes`
// at a time ahead of the appends. Other files pass through untouched.
std::shared_ptr<rocksdb::FileSystem> NewZeroFilledWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, uint64_t chunk_bytes);

}  // namespace mops::storage

#endif  // MOPS_STORAGE_WAL_FILE_SYSTEM_H_

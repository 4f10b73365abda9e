// Every key of the store is built here, and nowhere else.
//
// A key is a one-byte type prefix followed by parts. Integers are big-endian
// and fixed-width; strings are escaped (0x00 -> 0x00 0xFF) and end with
// 0x00 0x01. Both keep byte order equal to logical order, and no string part
// is a prefix of another, so prefix scans return exactly one parent's rows in
// order.
#ifndef MOPS_STORAGE_KEYS_H_
#define MOPS_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mops::storage {

enum class KeyType : uint8_t {
  // meta column family
  kMetaFormatVersion = 0x01,
  kMetaLastRevision = 0x02,
  kMetaBootstrapped = 0x03,
  // records column family
  kUser = 0x10,
  kTeam = 0x11,
  kMembership = 0x12,  // team, user
  kToken = 0x13,       // user, token id
  kActAsGrant = 0x14,  // bot, user ("-" = any)
  kRequest = 0x15,     // principal, method, request id
  kProject = 0x16,     // project
  kTask = 0x17,        // project, task
  kCalendar = 0x18,    // calendar
  kApproval = 0x19,    // approval
  kDelegation = 0x1A,  // user, delegation
  // index column family (key-only rows)
  kIdxUserTeams = 0x80,  // user, team: the teams of a user
  kIdxTokenId = 0x81,    // token id -> owner's user id (point lookup)
  // Task indexes end with (project, task). `group` is 0 for open tasks and 1
  // for closed ones; `due` is the due time in micros (no due time: max).
  kIdxTaskAssignee = 0x82,     // assignee, group, due, project, task
  kIdxTaskTeam = 0x83,         // team, group, due, project, task
  kIdxTaskDue = 0x84,          // group, due, project, task
  kIdxTaskDependents = 0x85,   // dependency's project and task, project, task
  kIdxApprovalPending = 0x86,  // user, due, approval: who can still decide
  kIdxDelegateOf = 0x87,       // delegate, delegator, delegation
  // events and timers column families
  kEvent = 0xE0,  // revision, index
  kTimer = 0xE1,  // due micros, revision, index
};

class KeyBuilder {
 public:
  explicit KeyBuilder(KeyType type);
  KeyBuilder& U8(uint8_t v);
  KeyBuilder& U64(uint64_t v);
  KeyBuilder& U32(uint32_t v);
  // Signed values are stored with the sign bit flipped so they sort right.
  KeyBuilder& I64(int64_t v);
  KeyBuilder& Str(absl::string_view s);
  const std::string& key() const { return key_; }
  std::string Build() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads parts back in the order they were built. Each getter returns nullopt
// on malformed input.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}
  std::optional<KeyType> Type();
  std::optional<uint8_t> U8();
  std::optional<uint64_t> U64();
  std::optional<uint32_t> U32();
  std::optional<int64_t> I64();
  std::optional<std::string> Str();
  // Passes over a string part without decoding it; false when malformed.
  bool SkipStr();
  bool done() const { return rest_.empty(); }
  // What is left to read.
  absl::string_view rest() const { return rest_; }

 private:
  // The encoded size of the string part at the front, its end mark
  // included; npos when malformed.
  size_t StrSize() const;

  absl::string_view rest_;
};

// The smallest key greater than every key starting with `prefix`
// (an exclusive upper bound for a prefix scan).
std::string PrefixEnd(absl::string_view prefix);

// The part of a key that groups rows written near each other: the type and,
// for keys of several parts, the first part (a task's project, an index
// row's assignee or team, the open/closed group of the due index). The
// memtables keep an insert position per head, so a batch's rows for
// different heads do not throw each other's position away.
absl::string_view KeyHead(absl::string_view key);

namespace keys {

std::string MetaFormatVersion();
std::string MetaLastRevision();
std::string MetaBootstrapped();

std::string User(absl::string_view user);
std::string UserPrefix();
std::string Team(absl::string_view team);
std::string TeamPrefix();
std::string Membership(absl::string_view team, absl::string_view user);
std::string MembershipPrefix(absl::string_view team);
std::string Token(absl::string_view user, absl::string_view token_id);
std::string TokenPrefix(absl::string_view user);
std::string ActAsGrant(absl::string_view bot, absl::string_view user);
std::string ActAsGrantPrefix(absl::string_view bot);
std::string Request(absl::string_view principal, absl::string_view method,
                    absl::string_view request_id);

std::string IdxUserTeam(absl::string_view user, absl::string_view team);
std::string IdxUserTeamPrefix(absl::string_view user);
// Returns the team of an IdxUserTeam key.
std::optional<std::string> TeamOfIdxUserTeam(absl::string_view key);
// Its value is the owner's user id: authentication is one point lookup.
std::string IdxTokenId(absl::string_view token_id);

std::string Project(absl::string_view project);
std::string ProjectPrefix();
std::string Task(absl::string_view project, absl::string_view task);
std::string TaskPrefix(absl::string_view project);
std::string AllTasksPrefix();

// Index prefixes. Pass group/due to narrow; the due-bounded forms are the
// range ends for a due-time window.
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group);
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group,
                            int64_t due_micros);
std::string IdxTaskTeam(absl::string_view team, uint8_t group);
std::string IdxTaskTeam(absl::string_view team, uint8_t group,
                        int64_t due_micros);
std::string IdxTaskDue(uint8_t group);
std::string IdxTaskDue(uint8_t group, int64_t due_micros);
// Complete index rows for one task.
std::string IdxTaskAssigneeRow(absl::string_view assignee, uint8_t group,
                               int64_t due_micros, absl::string_view project,
                               absl::string_view task);
std::string IdxTaskTeamRow(absl::string_view team, uint8_t group,
                           int64_t due_micros, absl::string_view project,
                           absl::string_view task);
std::string IdxTaskDueRow(uint8_t group, int64_t due_micros,
                          absl::string_view project, absl::string_view task);
std::string IdxTaskDependents(absl::string_view dep_project,
                              absl::string_view dep_task);
std::string IdxTaskDependentsRow(absl::string_view dep_project,
                                 absl::string_view dep_task,
                                 absl::string_view project,
                                 absl::string_view task);
// (project, task) at the end of any task index row.
std::optional<std::pair<std::string, std::string>> TaskOfIndexRow(
    absl::string_view key);

std::string Calendar(absl::string_view calendar);
std::string CalendarPrefix();
std::string Approval(absl::string_view approval);
std::string ApprovalPrefix();
std::string Delegation(absl::string_view user, absl::string_view delegation);
std::string DelegationPrefix(absl::string_view user);
std::string IdxApprovalPending(absl::string_view user);
std::string IdxApprovalPendingRow(absl::string_view user, int64_t due_micros,
                                  absl::string_view approval);
// The approval id of an IdxApprovalPending row.
std::optional<std::string> ApprovalOfPendingRow(absl::string_view key);
std::string IdxDelegateOf(absl::string_view delegate);
std::string IdxDelegateOfRow(absl::string_view delegate,
                             absl::string_view delegator,
                             absl::string_view delegation);
// (delegator, delegation) of an IdxDelegateOf row.
std::optional<std::pair<std::string, std::string>> DelegatorOfRow(
    absl::string_view key);

std::string Event(uint64_t revision, uint32_t index);
std::string EventsFrom(uint64_t revision);
std::string EventPrefix();

std::string Timer(absl::Time due, uint64_t revision, uint32_t index);
std::string TimerPrefix();
// The due time of a Timer key.
std::optional<absl::Time> TimerDue(absl::string_view key);

}  // namespace keys
}  // namespace mops::storage

#endif  // MOPS_STORAGE_KEYS_H_

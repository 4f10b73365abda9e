#include "storage/keys.h"

#include <algorithm>

namespace mops::storage {

KeyBuilder::KeyBuilder(KeyType type) {
  // Most keys are a few dozen bytes: one allocation instead of a regrowth
  // per few parts.
  key_.reserve(64);
  key_.push_back(static_cast<char>(type));
}

KeyBuilder& KeyBuilder::U8(uint8_t v) {
  key_.push_back(static_cast<char>(v));
  return *this;
}

KeyBuilder& KeyBuilder::U64(uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((v >> (56 - 8 * i)) & 0xFF);
  }
  key_.append(bytes, sizeof(bytes));
  return *this;
}

KeyBuilder& KeyBuilder::U32(uint32_t v) {
  char bytes[4];
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  }
  key_.append(bytes, sizeof(bytes));
  return *this;
}

KeyBuilder& KeyBuilder::I64(int64_t v) {
  return U64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

KeyBuilder& KeyBuilder::Str(absl::string_view s) {
  // Each 0x00 becomes 0x00 0xFF; the part ends with 0x00 0x01.
  for (size_t zero = s.find('\0'); zero != absl::string_view::npos;
       zero = s.find('\0')) {
    key_.append(s.data(), zero + 1);
    key_.push_back('\xFF');
    s.remove_prefix(zero + 1);
  }
  key_.append(s.data(), s.size());
  key_.append("\0\x01", 2);
  return *this;
}

std::optional<KeyType> KeyReader::Type() {
  if (rest_.empty()) return std::nullopt;
  auto t = static_cast<KeyType>(static_cast<uint8_t>(rest_[0]));
  rest_.remove_prefix(1);
  return t;
}

std::optional<uint8_t> KeyReader::U8() {
  if (rest_.empty()) return std::nullopt;
  auto v = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return v;
}

std::optional<uint64_t> KeyReader::U64() {
  if (rest_.size() < 8) return std::nullopt;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(8);
  return v;
}

std::optional<uint32_t> KeyReader::U32() {
  if (rest_.size() < 4) return std::nullopt;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(4);
  return v;
}

std::optional<int64_t> KeyReader::I64() {
  auto u = U64();
  if (!u) return std::nullopt;
  return static_cast<int64_t>(*u ^ (uint64_t{1} << 63));
}

size_t KeyReader::StrSize() const {
  for (size_t i = 0; i + 1 < rest_.size(); ++i) {
    if (rest_[i] != '\0') continue;
    if (rest_[i + 1] == '\x01') return i + 2;
    if (rest_[i + 1] != '\xFF') return absl::string_view::npos;
    ++i;  // an escaped 0x00
  }
  return absl::string_view::npos;
}

std::optional<std::string> KeyReader::Str() {
  const size_t size = StrSize();
  if (size == absl::string_view::npos) return std::nullopt;
  std::string out;
  out.reserve(size - 2);
  for (size_t i = 0; i + 2 < size; ++i) {
    out.push_back(rest_[i]);
    if (rest_[i] == '\0') ++i;  // skip the escape's 0xFF
  }
  rest_.remove_prefix(size);
  return out;
}

bool KeyReader::SkipStr() {
  const size_t size = StrSize();
  if (size == absl::string_view::npos) return false;
  rest_.remove_prefix(size);
  return true;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto last = static_cast<uint8_t>(end.back());
    if (last != 0xFF) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;  // empty: no upper bound
}

absl::string_view KeyHead(absl::string_view key) {
  if (key.empty()) return key;
  switch (static_cast<KeyType>(static_cast<uint8_t>(key[0]))) {
    case KeyType::kMembership:
    case KeyType::kToken:
    case KeyType::kActAsGrant:
    case KeyType::kRequest:
    case KeyType::kTask:
    case KeyType::kDelegation:
    case KeyType::kIdxUserTeams:
    case KeyType::kIdxTaskAssignee:
    case KeyType::kIdxTaskTeam:
    case KeyType::kIdxTaskDependents:
    case KeyType::kIdxApprovalPending:
    case KeyType::kIdxDelegateOf: {
      // The type and the first string part.
      KeyReader reader(key.substr(1));
      if (!reader.SkipStr()) return key.substr(0, 1);
      return key.substr(0, key.size() - reader.rest().size());
    }
    case KeyType::kIdxTaskDue:
      return key.substr(0, std::min<size_t>(key.size(), 2));
    default:
      // One part (a user, a project, an approval ...) or a sequence
      // (events, timers): the type alone.
      return key.substr(0, 1);
  }
}

namespace keys {

std::string MetaFormatVersion() {
  return KeyBuilder(KeyType::kMetaFormatVersion).Build();
}
std::string MetaLastRevision() {
  return KeyBuilder(KeyType::kMetaLastRevision).Build();
}
std::string MetaBootstrapped() {
  return KeyBuilder(KeyType::kMetaBootstrapped).Build();
}

std::string User(absl::string_view user) {
  return KeyBuilder(KeyType::kUser).Str(user).Build();
}
std::string UserPrefix() { return KeyBuilder(KeyType::kUser).Build(); }
std::string Team(absl::string_view team) {
  return KeyBuilder(KeyType::kTeam).Str(team).Build();
}
std::string TeamPrefix() { return KeyBuilder(KeyType::kTeam).Build(); }
std::string Membership(absl::string_view team, absl::string_view user) {
  return KeyBuilder(KeyType::kMembership).Str(team).Str(user).Build();
}
std::string MembershipPrefix(absl::string_view team) {
  return KeyBuilder(KeyType::kMembership).Str(team).Build();
}
std::string Token(absl::string_view user, absl::string_view token_id) {
  return KeyBuilder(KeyType::kToken).Str(user).Str(token_id).Build();
}
std::string TokenPrefix(absl::string_view user) {
  return KeyBuilder(KeyType::kToken).Str(user).Build();
}
std::string ActAsGrant(absl::string_view bot, absl::string_view user) {
  return KeyBuilder(KeyType::kActAsGrant).Str(bot).Str(user).Build();
}
std::string ActAsGrantPrefix(absl::string_view bot) {
  return KeyBuilder(KeyType::kActAsGrant).Str(bot).Build();
}
std::string Request(absl::string_view principal, absl::string_view method,
                    absl::string_view request_id) {
  return KeyBuilder(KeyType::kRequest)
      .Str(principal)
      .Str(method)
      .Str(request_id)
      .Build();
}

std::string IdxUserTeam(absl::string_view user, absl::string_view team) {
  return KeyBuilder(KeyType::kIdxUserTeams).Str(user).Str(team).Build();
}
std::string IdxUserTeamPrefix(absl::string_view user) {
  return KeyBuilder(KeyType::kIdxUserTeams).Str(user).Build();
}
std::optional<std::string> TeamOfIdxUserTeam(absl::string_view key) {
  KeyReader r(key);
  if (r.Type() != KeyType::kIdxUserTeams || !r.Str()) return std::nullopt;
  return r.Str();
}
std::string IdxTokenId(absl::string_view token_id) {
  return KeyBuilder(KeyType::kIdxTokenId).Str(token_id).Build();
}

std::string Project(absl::string_view project) {
  return KeyBuilder(KeyType::kProject).Str(project).Build();
}
std::string ProjectPrefix() { return KeyBuilder(KeyType::kProject).Build(); }
std::string Task(absl::string_view project, absl::string_view task) {
  return KeyBuilder(KeyType::kTask).Str(project).Str(task).Build();
}
std::string TaskPrefix(absl::string_view project) {
  return KeyBuilder(KeyType::kTask).Str(project).Build();
}
std::string AllTasksPrefix() { return KeyBuilder(KeyType::kTask).Build(); }
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group) {
  return KeyBuilder(KeyType::kIdxTaskAssignee).Str(assignee).U8(group).Build();
}
std::string IdxTaskAssignee(absl::string_view assignee, uint8_t group,
                            int64_t due_micros) {
  return KeyBuilder(KeyType::kIdxTaskAssignee)
      .Str(assignee)
      .U8(group)
      .I64(due_micros)
      .Build();
}
std::string IdxTaskTeam(absl::string_view team, uint8_t group) {
  return KeyBuilder(KeyType::kIdxTaskTeam).Str(team).U8(group).Build();
}
std::string IdxTaskTeam(absl::string_view team, uint8_t group,
                        int64_t due_micros) {
  return KeyBuilder(KeyType::kIdxTaskTeam)
      .Str(team)
      .U8(group)
      .I64(due_micros)
      .Build();
}
std::string IdxTaskDue(uint8_t group) {
  return KeyBuilder(KeyType::kIdxTaskDue).U8(group).Build();
}
std::string IdxTaskDue(uint8_t group, int64_t due_micros) {
  return KeyBuilder(KeyType::kIdxTaskDue).U8(group).I64(due_micros).Build();
}
std::string IdxTaskAssigneeRow(absl::string_view assignee, uint8_t group,
                               int64_t due_micros, absl::string_view project,
                               absl::string_view task) {
  return KeyBuilder(KeyType::kIdxTaskAssignee)
      .Str(assignee)
      .U8(group)
      .I64(due_micros)
      .Str(project)
      .Str(task)
      .Build();
}
std::string IdxTaskTeamRow(absl::string_view team, uint8_t group,
                           int64_t due_micros, absl::string_view project,
                           absl::string_view task) {
  return KeyBuilder(KeyType::kIdxTaskTeam)
      .Str(team)
      .U8(group)
      .I64(due_micros)
      .Str(project)
      .Str(task)
      .Build();
}
std::string IdxTaskDueRow(uint8_t group, int64_t due_micros,
                          absl::string_view project, absl::string_view task) {
  return KeyBuilder(KeyType::kIdxTaskDue)
      .U8(group)
      .I64(due_micros)
      .Str(project)
      .Str(task)
      .Build();
}
std::string IdxTaskDependents(absl::string_view dep_project,
                              absl::string_view dep_task) {
  return KeyBuilder(KeyType::kIdxTaskDependents)
      .Str(dep_project)
      .Str(dep_task)
      .Build();
}
std::string IdxTaskDependentsRow(absl::string_view dep_project,
                                 absl::string_view dep_task,
                                 absl::string_view project,
                                 absl::string_view task) {
  return KeyBuilder(KeyType::kIdxTaskDependents)
      .Str(dep_project)
      .Str(dep_task)
      .Str(project)
      .Str(task)
      .Build();
}
std::optional<std::pair<std::string, std::string>> TaskOfIndexRow(
    absl::string_view key) {
  KeyReader r(key);
  auto type = r.Type();
  if (!type) return std::nullopt;
  bool ok = true;
  switch (*type) {
    case KeyType::kIdxTaskAssignee:
    case KeyType::kIdxTaskTeam:
      ok = r.Str() && r.U8() && r.I64();
      break;
    case KeyType::kIdxTaskDue:
      ok = r.U8() && r.I64();
      break;
    case KeyType::kIdxTaskDependents:
      ok = r.Str() && r.Str();
      break;
    default:
      return std::nullopt;
  }
  if (!ok) return std::nullopt;
  auto project = r.Str();
  auto task = r.Str();
  if (!project || !task || !r.done()) return std::nullopt;
  return std::make_pair(*project, *task);
}

std::string Calendar(absl::string_view calendar) {
  return KeyBuilder(KeyType::kCalendar).Str(calendar).Build();
}
std::string CalendarPrefix() { return KeyBuilder(KeyType::kCalendar).Build(); }
std::string Approval(absl::string_view approval) {
  return KeyBuilder(KeyType::kApproval).Str(approval).Build();
}
std::string ApprovalPrefix() { return KeyBuilder(KeyType::kApproval).Build(); }
std::string Delegation(absl::string_view user, absl::string_view delegation) {
  return KeyBuilder(KeyType::kDelegation).Str(user).Str(delegation).Build();
}
std::string DelegationPrefix(absl::string_view user) {
  return KeyBuilder(KeyType::kDelegation).Str(user).Build();
}
std::string IdxApprovalPending(absl::string_view user) {
  return KeyBuilder(KeyType::kIdxApprovalPending).Str(user).Build();
}
std::string IdxApprovalPendingRow(absl::string_view user, int64_t due_micros,
                                  absl::string_view approval) {
  return KeyBuilder(KeyType::kIdxApprovalPending)
      .Str(user)
      .I64(due_micros)
      .Str(approval)
      .Build();
}
std::optional<std::string> ApprovalOfPendingRow(absl::string_view key) {
  KeyReader r(key);
  if (r.Type() != KeyType::kIdxApprovalPending || !r.Str() || !r.I64()) {
    return std::nullopt;
  }
  return r.Str();
}
std::string IdxDelegateOf(absl::string_view delegate) {
  return KeyBuilder(KeyType::kIdxDelegateOf).Str(delegate).Build();
}
std::string IdxDelegateOfRow(absl::string_view delegate,
                             absl::string_view delegator,
                             absl::string_view delegation) {
  return KeyBuilder(KeyType::kIdxDelegateOf)
      .Str(delegate)
      .Str(delegator)
      .Str(delegation)
      .Build();
}
std::optional<std::pair<std::string, std::string>> DelegatorOfRow(
    absl::string_view key) {
  KeyReader r(key);
  if (r.Type() != KeyType::kIdxDelegateOf || !r.Str()) return std::nullopt;
  auto delegator = r.Str();
  auto delegation = r.Str();
  if (!delegator || !delegation) return std::nullopt;
  return std::make_pair(*delegator, *delegation);
}

std::string Event(uint64_t revision, uint32_t index) {
  return KeyBuilder(KeyType::kEvent).U64(revision).U32(index).Build();
}
std::string EventsFrom(uint64_t revision) {
  return KeyBuilder(KeyType::kEvent).U64(revision).Build();
}
std::string EventPrefix() { return KeyBuilder(KeyType::kEvent).Build(); }

std::string Timer(absl::Time due, uint64_t revision, uint32_t index) {
  return KeyBuilder(KeyType::kTimer)
      .I64(absl::ToUnixMicros(due))
      .U64(revision)
      .U32(index)
      .Build();
}
std::string TimerPrefix() { return KeyBuilder(KeyType::kTimer).Build(); }
std::optional<absl::Time> TimerDue(absl::string_view key) {
  KeyReader r(key);
  if (r.Type() != KeyType::kTimer) return std::nullopt;
  auto micros = r.I64();
  if (!micros) return std::nullopt;
  return absl::FromUnixMicros(*micros);
}

}  // namespace keys
}  // namespace mops::storage

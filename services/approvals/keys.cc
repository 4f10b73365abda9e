#include "services/approvals/keys.h"

namespace mops::services::approvals::keys {

using storage::KeyBuilder;
using storage::KeyReader;
using storage::KeySpace;

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  for (const KeySpace& space :
       {kApproval, kDelegation, kIdxApprovalPending, kIdxDelegateOf}) {
    registry.Add(space);
  }
}

std::string Approval(absl::string_view approval) {
  return KeyBuilder(kApproval).Str(approval).Build();
}
std::string ApprovalPrefix() { return KeyBuilder(kApproval).Build(); }
std::string Delegation(absl::string_view user, absl::string_view delegation) {
  return KeyBuilder(kDelegation).Str(user).Str(delegation).Build();
}
std::string DelegationPrefix(absl::string_view user) {
  return KeyBuilder(kDelegation).Str(user).Build();
}
std::string IdxApprovalPending(absl::string_view user) {
  return KeyBuilder(kIdxApprovalPending).Str(user).Build();
}
std::string IdxApprovalPendingRow(absl::string_view user, int64_t due_micros,
                                  absl::string_view approval) {
  return KeyBuilder(kIdxApprovalPending)
      .Str(user)
      .I64(due_micros)
      .Str(approval)
      .Build();
}
std::optional<std::string> ApprovalOfPendingRow(absl::string_view key) {
  KeyReader r(key);
  if (!r.In(kIdxApprovalPending) || !r.Str() || !r.I64()) {
    return std::nullopt;
  }
  return r.Str();
}
std::string IdxDelegateOf(absl::string_view delegate) {
  return KeyBuilder(kIdxDelegateOf).Str(delegate).Build();
}
std::string IdxDelegateOfRow(absl::string_view delegate,
                             absl::string_view delegator,
                             absl::string_view delegation) {
  return KeyBuilder(kIdxDelegateOf)
      .Str(delegate)
      .Str(delegator)
      .Str(delegation)
      .Build();
}
std::optional<std::pair<std::string, std::string>> DelegatorOfRow(
    absl::string_view key) {
  KeyReader r(key);
  if (!r.In(kIdxDelegateOf) || !r.Str()) return std::nullopt;
  auto delegator = r.Str();
  auto delegation = r.Str();
  if (!delegator || !delegation) return std::nullopt;
  return std::make_pair(*delegator, *delegation);
}

}  // namespace mops::services::approvals::keys

// Approvals' key spaces: approvals, delegations, and the pending and
// delegate-of indexes. Registered with storage by RegisterKeySpaces; every
// approvals key is built here.
#ifndef MOPS_SERVICES_APPROVALS_KEYS_H_
#define MOPS_SERVICES_APPROVALS_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::approvals::keys {

inline constexpr storage::KeySpace kApproval{0x19, "approval",
                                             storage::Cf::kRecords};
// user, delegation
inline constexpr storage::KeySpace kDelegation{
    0x1A, "delegation", storage::Cf::kRecords,
    storage::HeadShape::kFirstString};
// user, due, approval: who can still decide
inline constexpr storage::KeySpace kIdxApprovalPending{
    0x86, "index of pending approvals by user", storage::Cf::kIndex,
    storage::HeadShape::kFirstString, "index.approval_pending"};
// delegate, delegator, delegation
inline constexpr storage::KeySpace kIdxDelegateOf{
    0x87, "index of delegations by delegate", storage::Cf::kIndex,
    storage::HeadShape::kFirstString, "index.delegate_of"};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

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

}  // namespace mops::services::approvals::keys

#endif  // MOPS_SERVICES_APPROVALS_KEYS_H_

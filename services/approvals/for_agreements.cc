// What the agreements domain asks of approvals (approvals.h): a version's
// review, liaisons joining the decisions that concern an agreement, and a
// clock's escalation adding the provider's leads.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/approvals/approvals.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/rules.h"
#include "services/approvals/state.h"
#include "services/common/events.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals {

using storage::Txn;
using namespace internal;  // NOLINT

namespace {

bool InAnyGroup(const v1::Approval& a, const std::string& person) {
  for (const v1::ApproverGroup& g : a.groups()) {
    if (std::find(g.eligible().begin(), g.eligible().end(), person) !=
        g.eligible().end()) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<v1::Approval> GetApprovalNamed(const storage::Reader& reader,
                                              absl::string_view name) {
  ASSIGN_OR_RETURN(std::string id, ParseId("approval", name, "approvals/*"));
  return LoadApproval(reader, id);
}

absl::StatusOr<v1::Approval> RequestApproval(Txn& txn, const Principal& p,
                                             const Subjects* subjects,
                                             v1::Approval approval,
                                             const std::string& id) {
  const commands::CreateApproval create{subjects, id};
  v1::CreateApprovalRequest req;
  *req.mutable_approval() = std::move(approval);
  RETURN_IF_ERROR(create.Validate(req));
  v1::Approval out;
  RETURN_IF_ERROR(create.Apply(txn, p, req, &out));
  return out;
}

absl::StatusOr<v1::Approval> ResubmitApprovalAs(Txn& txn, const Principal& p,
                                                absl::string_view name,
                                                absl::string_view comment) {
  v1::ResubmitApprovalRequest req;
  req.set_name(std::string(name));
  req.set_comment(std::string(comment));
  v1::Approval out;
  RETURN_IF_ERROR(commands::ResubmitApproval().Apply(txn, p, req, &out));
  return out;
}

absl::Status CancelApprovalAs(Txn& txn, const Principal& p,
                              absl::string_view name) {
  Principal authority = p;
  authority.admin = true;  // the caller's right to replace it was checked
  v1::CancelApprovalRequest req;
  req.set_name(std::string(name));
  v1::Approval out;
  return commands::CancelApproval().Apply(txn, authority, req, &out);
}

absl::Status AddLiaisonGroup(Txn& txn, const v1::Event& cause,
                             absl::string_view name,
                             absl::string_view agreement,
                             const std::vector<std::string>& users) {
  ASSIGN_OR_RETURN(v1::Approval a, GetApprovalNamed(txn, name));
  if (a.state() != v1::Approval::PENDING) return absl::OkStatus();
  if (a.groups_size() >= kMaxGroups) return absl::OkStatus();
  for (const v1::ApproverGroup& g : a.groups()) {
    if (g.agreement() == agreement) return absl::OkStatus();
  }
  v1::ApproverGroup g;
  g.set_required(1);
  g.set_agreement(std::string(agreement));
  std::set<std::string> seen;
  for (const std::string& person : users) {
    if (person == a.requester() || InAnyGroup(a, person) ||
        !seen.insert(person).second) {
      continue;
    }
    ASSIGN_OR_RETURN(bool active, IsActiveUser(txn, person));
    if (!active) continue;
    g.add_users(person);
    g.add_eligible(person);
  }
  if (g.eligible().empty()) return absl::OkStatus();
  const v1::Approval old = a;
  *a.add_groups() = g;
  SaveApproval(txn, &old, &a);
  v1::Event e;
  v1::ApprovalLiaisonsAdded* added = e.mutable_approval_liaisons_added();
  *added->mutable_approval() = a;
  added->set_agreement(std::string(agreement));
  *added->mutable_added() = g.eligible();
  EmitReaction(txn, cause, a.name(), std::move(e));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> EscalateApprovalTo(
    Txn& txn, absl::string_view name, const std::vector<std::string>& users) {
  ASSIGN_OR_RETURN(v1::Approval a, GetApprovalNamed(txn, name));
  std::vector<std::string> added;
  if (a.state() != v1::Approval::PENDING) return added;
  const v1::Approval old = a;
  std::vector<GroupTally> tallies;
  Evaluate(a, &tallies);
  std::set<std::string> seen;
  for (int i = 0; i < a.groups_size(); ++i) {
    if (tallies[i].satisfied) continue;
    v1::ApproverGroup* g = a.mutable_groups(i);
    for (const std::string& person : users) {
      if (!MayEscalateTo(a, *g, person)) continue;
      ASSIGN_OR_RETURN(bool active, IsActiveUser(txn, person));
      if (!active) continue;
      g->add_eligible(person);
      g->add_escalated(person);
      if (seen.insert(person).second) added.push_back(person);
    }
  }
  if (added.empty()) return added;
  SaveApproval(txn, &old, &a);
  v1::Event e;
  *e.mutable_approval_escalated()->mutable_approval() = a;
  for (const std::string& person : added) {
    e.mutable_approval_escalated()->add_added(person);
  }
  Emit(txn, Principal::System(), a.name(), std::move(e));
  return added;
}

}  // namespace mops::services::approvals

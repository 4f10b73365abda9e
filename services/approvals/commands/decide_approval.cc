#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/rules.h"
#include "services/approvals/state.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::commands {

using storage::Txn;
using namespace internal;  // NOLINT

namespace {

// FAILED_PRECONDITION or PERMISSION_DENIED when `actor` may not decide on
// `a` at all (before finding whose place they take).
absl::Status CheckMayDecide(const v1::Approval& a, const std::string& actor) {
  if (actor == a.requester()) {
    return absl::PermissionDeniedError(absl::StrCat(
        actor, " requested ", a.name(), " and cannot decide on it"));
  }
  if (a.state() != v1::Approval::PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat(a.name(), " is ", v1::Approval::State_Name(a.state()),
                     " and takes no decisions"));
  }
  if (HasActed(a, actor)) {
    return absl::FailedPreconditionError(absl::StrCat(
        actor, " already decided on ", a.name(), " in round ", a.round()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DecideApproval::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("name", req.name(), "approvals/*").status());
  if (req.outcome() == v1::Decision::OUTCOME_UNSPECIFIED ||
      !v1::Decision::Outcome_IsValid(req.outcome())) {
    return absl::InvalidArgumentError(
        "outcome must be APPROVE, REJECT or REQUEST_CHANGES");
  }
  if (req.outcome() != v1::Decision::APPROVE && req.comment().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "comment is required to ",
        req.outcome() == v1::Decision::REJECT ? "reject" : "request changes"));
  }
  RETURN_IF_ERROR(
      ValidateLength("comment", req.comment(), kMaxDescriptionLength));
  if (!req.on_behalf_of().empty()) {
    RETURN_IF_ERROR(
        ParseId("on_behalf_of", UserName(req.on_behalf_of()), "users/*")
            .status());
  }
  return absl::OkStatus();
}

absl::Status DecideApproval::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  ASSIGN_OR_RETURN(v1::Approval a, LoadApproval(txn, id));
  const v1::Approval old = a;
  const std::string actor = p.UserName();
  RETURN_IF_ERROR(CheckMayDecide(a, actor));
  ASSIGN_OR_RETURN(
      std::string place,
      FindPlace(txn, a, actor, UserName(req.on_behalf_of()), txn.Now()));
  if (HasDecided(a, place)) {
    return absl::FailedPreconditionError(absl::StrCat(
        place, " already decided on ", a.name(), " in round ", a.round()));
  }
  v1::Decision* d = a.add_decisions();
  d->set_approver(actor);
  if (place != actor) d->set_on_behalf_of(place);
  d->set_outcome(req.outcome());
  d->set_comment(req.comment());
  *d->mutable_time() = ToProtoTime(txn.Now());
  d->set_round(a.round());
  if (!p.actor_id.empty()) d->set_via(absl::StrCat("users/", p.actor_id));
  const v1::Decision decision = *d;
  const bool completed = ApplyVerdict(txn.Now(), &a);
  SaveApproval(txn, &old, &a);
  v1::Event e;
  *e.mutable_approval_decided()->mutable_approval() = a;
  *e.mutable_approval_decided()->mutable_decision() = decision;
  Emit(txn, p, a.name(), std::move(e));
  if (completed) EmitCompleted(txn, p, a, v1::ApprovalCompleted::DECISIONS);
  *out = std::move(a);
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::commands

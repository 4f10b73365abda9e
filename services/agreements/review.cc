#include "services/agreements/review.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/agreements/compiled.h"
#include "services/agreements/state.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

using storage::Txn;

namespace {

void EmitAgreement(Txn& txn, const v1::Event& cause, const v1::Agreement& a,
                   v1::Event e, v1::AgreementPayload* payload) {
  *payload->mutable_agreement() = a;
  EmitReaction(txn, cause, a.name(), std::move(e));
}

absl::Status Activate(Txn& txn, const v1::Event& cause, const std::string& id,
                      v1::Agreement v) {
  ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn, id));
  AgreementHead h = head.value_or(AgreementHead());
  const int64_t before = h.active_version();
  std::vector<std::string> types;
  if (before > 0 && before != v.version()) {
    ASSIGN_OR_RETURN(v1::Agreement old, LoadVersion(txn, id, before));
    old.set_state(v1::Agreement::SUPERSEDED);
    *old.mutable_end_time() = ToProtoTime(txn.Now());
    SaveVersion(txn, id, &old);
    // Its open clocks still move on its conditions until a recalculation.
    h.mutable_superseded_versions()->Add(before);
    std::rotate(h.mutable_superseded_versions()->begin(),
                h.mutable_superseded_versions()->end() - 1,
                h.mutable_superseded_versions()->end());
  }
  for (int64_t superseded : h.superseded_versions()) {
    ASSIGN_OR_RETURN(auto compiled, LoadCompiled(txn, id, superseded));
    types.insert(types.end(), compiled->types.begin(), compiled->types.end());
  }
  v.set_state(v1::Agreement::ACTIVE);
  v.clear_review_note();
  *v.mutable_activate_time() = ToProtoTime(txn.Now());
  SaveVersion(txn, id, &v);
  h.set_active_version(v.version());
  SaveHead(txn, id, h);
  ASSIGN_OR_RETURN(auto compiled, LoadCompiled(txn, id, v.version()));
  types.insert(types.end(), compiled->types.begin(), compiled->types.end());
  IndexActive(txn, id, types);
  v.set_active_version(v.version());
  v1::Event e;
  v1::AgreementPayload* p = e.mutable_agreement_activated();
  p->set_superseded_version(before == v.version() ? 0 : before);
  EmitAgreement(txn, cause, v, std::move(e), p);
  return absl::OkStatus();
}

absl::Status BackToDraft(Txn& txn, const v1::Event& cause,
                         const std::string& id, v1::Agreement v,
                         std::string why) {
  v.set_state(v1::Agreement::DRAFT);
  v.set_review_note(why);
  SaveVersion(txn, id, &v);
  v1::Event e;
  v1::AgreementPayload* p = e.mutable_agreement_review_failed();
  p->set_reason(std::move(why));
  EmitAgreement(txn, cause, v, std::move(e), p);
  return absl::OkStatus();
}

std::string Outcome(const v1::Approval& a) {
  switch (a.state()) {
    case v1::Approval::REJECTED:
      return "rejected";
    case v1::Approval::CANCELLED:
      return "cancelled";
    case v1::Approval::EXPIRED:
      return "expired";
    default:
      return "closed";
  }
}

}  // namespace

absl::Status OnReviewOutcome(Txn& txn, const v1::Event& e) {
  const bool completed = e.has_approval_completed();
  const v1::Approval& a = completed ? e.approval_completed().approval()
                                    : e.approval_decided().approval();
  if (!absl::StartsWith(a.subject(), "agreements/")) return absl::OkStatus();
  if (!completed && a.state() != v1::Approval::CHANGES_REQUESTED) {
    return absl::OkStatus();
  }
  absl::StatusOr<VersionRef> ref = ParseAgreementName("subject", a.subject());
  if (!ref.ok() || ref->version == 0) return absl::OkStatus();
  absl::StatusOr<v1::Agreement> v = LoadVersion(txn, ref->id, ref->version);
  if (absl::IsNotFound(v.status())) return absl::OkStatus();
  RETURN_IF_ERROR(v.status());
  // Only the version's own, current review decides it.
  if (v->state() != v1::Agreement::IN_REVIEW || v->approval() != a.name()) {
    return absl::OkStatus();
  }
  if (!completed) {
    const v1::Decision& d = e.approval_decided().decision();
    return BackToDraft(
        txn, e, ref->id, *std::move(v),
        absl::StrCat("changes requested by ", d.approver(), ": ", d.comment()));
  }
  if (a.state() == v1::Approval::APPROVED) {
    return Activate(txn, e, ref->id, *std::move(v));
  }
  return BackToDraft(txn, e, ref->id, *std::move(v),
                     absl::StrCat(a.name(), " was ", Outcome(a)));
}

}  // namespace mops::services::agreements

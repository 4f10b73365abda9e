#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/agreements/commands/commands.h"
#include "services/agreements/rules.h"
#include "services/agreements/state.h"
#include "services/approvals/approvals.h"
#include "services/calendars/calendars.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::commands {

namespace {

// Whether the approval still asks the parties and liaisons the draft names.
bool SameParties(const v1::Approval& last, const v1::Approval& review) {
  if (last.groups_size() != review.groups_size()) return false;
  for (int i = 0; i < review.groups_size(); ++i) {
    if (!std::equal(
            last.groups(i).users().begin(), last.groups(i).users().end(),
            review.groups(i).users().begin(), review.groups(i).users().end())) {
      return false;
    }
  }
  return true;
}

// At most `max` bytes of `s`, not cutting a UTF-8 character.
std::string Truncated(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

absl::Status RequireDraft(const v1::Agreement& a) {
  switch (a.state()) {
    case v1::Agreement::DRAFT:
      return absl::OkStatus();
    case v1::Agreement::IN_REVIEW:
      return absl::FailedPreconditionError(
          absl::StrCat(a.name(), " version ", a.version(),
                       " is in review already (", a.approval(), ")"));
    default:
      return absl::FailedPreconditionError(
          absl::StrCat(a.name(), " has no draft: version ", a.version(), " is ",
                       v1::Agreement::State_Name(a.state()),
                       "; edit the agreement to make the next draft"));
  }
}

// One group per party: one of its liaisons approves. A party whose only
// liaisons are the submitter (who never approves their own request) or
// deactivated could never approve: said now, naming the party.
absl::StatusOr<v1::Approval> ReviewOf(const storage::Reader& reader,
                                      const Principal& p, absl::string_view id,
                                      const v1::Agreement& a,
                                      const v1::SubmitAgreementRequest& req) {
  v1::Approval review;
  review.set_subject(VersionName(id, a.version()));
  review.set_asset_version(absl::StrCat(a.version()));
  review.set_title(Truncated(
      absl::StrCat("Activate ", a.title(), " (version ", a.version(), ")"),
      200));
  review.set_details(req.comment());
  review.set_due(req.due());
  const std::string me = absl::StrCat("users/", p.user_id);
  for (int i = 0; i < a.parties_size(); ++i) {
    const v1::AgreementParty& party = a.parties(i);
    bool someone = false;
    for (const std::string& liaison : party.liaisons()) {
      if (liaison == me) continue;
      absl::string_view id = liaison;
      absl::ConsumePrefix(&id, "users/");
      absl::StatusOr<v1::User> u = identity::LoadUser(reader, id);
      someone = someone || (u.ok() && u->state() == v1::User::ACTIVE);
    }
    if (!someone) {
      return absl::FailedPreconditionError(absl::StrCat(
          "agreement.parties[", i, "] (", party.team(),
          ") has no liaison but the submitter who can approve: add one, or "
          "let another steward submit"));
    }
    v1::ApproverGroup* g = review.add_groups();
    *g->mutable_users() = party.liaisons();
    g->set_required(1);
  }
  return review;
}

}  // namespace

absl::Status SubmitAgreement::Validate(const Request& req) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName("name", req.name()));
  if (ref.version != 0) {
    return absl::InvalidArgumentError(
        "name: submit the agreement (agreements/{a}); its draft is submitted");
  }
  if (!req.due().empty()) {
    RETURN_IF_ERROR(calendars::ValidateDue("due", req.due()));
  }
  return absl::OkStatus();
}

absl::Status SubmitAgreement::Apply(storage::Txn& txn, const Principal& p,
                                    const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName("name", req.name()));
  ASSIGN_OR_RETURN(v1::Agreement a, LoadVersion(txn, ref.id, 0));
  RETURN_IF_ERROR(CheckEtag(req.etag(), a.etag(), a.name()));
  RETURN_IF_ERROR(RequireSteward(txn, p, a, "submit it"));
  RETURN_IF_ERROR(RequireDraft(a));
  RETURN_IF_ERROR(CheckReferences(txn, a));
  ASSIGN_OR_RETURN(v1::Approval review, ReviewOf(txn, p, ref.id, a, req));
  std::string approval;
  if (!a.approval().empty()) {
    ASSIGN_OR_RETURN(v1::Approval last,
                     approvals::GetApprovalNamed(txn, a.approval()));
    if (last.state() == v1::Approval::CHANGES_REQUESTED) {
      if (last.requester() == p.UserName() && SameParties(last, review)) {
        // Changes were asked for on this draft: its review goes on.
        ASSIGN_OR_RETURN(
            v1::Approval next,
            approvals::ResubmitApprovalAs(txn, p, last.name(), req.comment()));
        approval = next.name();
      } else {
        // Other parties or liaisons now, or another submitter: a new review.
        RETURN_IF_ERROR(approvals::CancelApprovalAs(txn, p, last.name()));
      }
    }
  }
  if (approval.empty()) {
    ASSIGN_OR_RETURN(std::string id, approvals::FreshApprovalId(txn));
    ASSIGN_OR_RETURN(
        v1::Approval made,
        approvals::RequestApproval(txn, p, subjects, std::move(review), id));
    approval = made.name();
  }
  a.set_state(v1::Agreement::IN_REVIEW);
  a.set_approval(approval);
  a.clear_review_note();
  *a.mutable_submit_time() = ToProtoTime(txn.Now());
  SaveVersion(txn, ref.id, &a);
  v1::Event e;
  *e.mutable_agreement_submitted()->mutable_agreement() = a;
  Emit(txn, p, a.name(), std::move(e));
  *out = std::move(a);
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::commands

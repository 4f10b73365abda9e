#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/agreements/commands/commands.h"
#include "services/agreements/commands/draft.h"
#include "services/agreements/rules.h"
#include "services/agreements/state.h"
#include "services/common/events.h"
#include "services/common/update_mask.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::commands {

namespace {

constexpr absl::string_view kUpdatable[] = {
    "title", "scope",   "parties", "effective_start_date", "effective_end_date",
    "terms", "concerns"};

void SetPath(const std::string& path, const v1::Agreement& in,
             v1::Agreement* a) {
  if (path == "title") {
    a->set_title(in.title());
  } else if (path == "scope") {
    a->set_scope(in.scope());
  } else if (path == "parties") {
    *a->mutable_parties() = in.parties();
  } else if (path == "effective_start_date") {
    a->set_effective_start_date(in.effective_start_date());
  } else if (path == "effective_end_date") {
    a->set_effective_end_date(in.effective_end_date());
  } else if (path == "terms") {
    *a->mutable_terms() = in.terms();
  } else if (path == "concerns") {
    *a->mutable_concerns() = in.concerns();
  }
}

// The version an edit lands on: the draft itself, or a new draft after
// the latest version (active, superseded or retired).
absl::StatusOr<v1::Agreement> DraftOf(const v1::Agreement& latest) {
  if (latest.state() == v1::Agreement::DRAFT) return latest;
  if (latest.state() == v1::Agreement::IN_REVIEW) {
    return absl::FailedPreconditionError(absl::StrCat(
        latest.name(), " version ", latest.version(), " is in review (",
        latest.approval(),
        "): edit it when the review ends, or cancel the approval"));
  }
  v1::Agreement next = Spec(latest);
  next.set_name(latest.name());
  next.set_version(latest.version() + 1);
  next.set_state(v1::Agreement::DRAFT);
  return next;
}

}  // namespace

absl::Status UpdateAgreement::Validate(const Request& req) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName("agreement.name",
                                                      req.agreement().name()));
  if (ref.version != 0) {
    return absl::InvalidArgumentError(
        "agreement.name: edit the agreement (agreements/{a}), not a version");
  }
  return UpdatePaths(req.update_mask(), req.agreement(), kUpdatable).status();
}

absl::Status UpdateAgreement::Apply(storage::Txn& txn, const Principal& p,
                                    const Request& req, Response* out) const {
  const v1::Agreement& in = req.agreement();
  ASSIGN_OR_RETURN(VersionRef ref,
                   ParseAgreementName("agreement.name", in.name()));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   UpdatePaths(req.update_mask(), in, kUpdatable));
  ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn, ref.id));
  if (!head) {
    if (!req.allow_missing()) {
      return absl::NotFoundError(
          absl::StrCat("agreement \"", AgreementName(ref.id),
                       "\" not found (allow_missing creates it)"));
    }
    v1::Agreement a;
    for (const std::string& path : paths) SetPath(path, in, &a);
    return CreateDraft(txn, p, ref.id, std::move(a), req.validate_only(), out);
  }
  ASSIGN_OR_RETURN(v1::Agreement latest, LoadVersion(txn, ref.id, 0));
  RETURN_IF_ERROR(CheckEtag(in.etag(), latest.etag(), latest.name()));
  RETURN_IF_ERROR(RequireSteward(txn, p, latest, "edit it"));
  ASSIGN_OR_RETURN(v1::Agreement draft, DraftOf(latest));
  for (const std::string& path : paths) SetPath(path, in, &draft);
  // Applying the same file again changes nothing: no new version (but the
  // same text after a retirement is a new draft, to bring it back).
  if (latest.state() != v1::Agreement::RETIRED &&
      google::protobuf::util::MessageDifferencer::Equals(Spec(draft),
                                                         Spec(latest))) {
    *out = std::move(latest);
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(ValidateAgreement("agreement.", Spec(draft)));
  // Whoever edits must still have a say in what they made.
  RETURN_IF_ERROR(RequireSteward(txn, p, draft, "own it"));
  RETURN_IF_ERROR(CheckReferences(txn, draft));
  draft.set_active_version(head->active_version());
  if (req.validate_only()) {
    *out = std::move(draft);
    return absl::OkStatus();
  }
  const bool made = draft.version() != latest.version();
  SaveVersion(txn, ref.id, &draft);
  if (made) {
    AgreementHead h = *head;
    h.set_latest_version(draft.version());
    SaveHead(txn, ref.id, h);
  }
  v1::Event e;
  *e.mutable_agreement_updated()->mutable_agreement() = draft;
  for (const std::string& path : paths) {
    e.mutable_agreement_updated()->add_fields(path);
  }
  Emit(txn, p, draft.name(), std::move(e));
  *out = std::move(draft);
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::commands

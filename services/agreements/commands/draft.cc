#include "services/agreements/commands/draft.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/agreements/rules.h"
#include "services/agreements/state.h"
#include "services/common/events.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::commands {

v1::Agreement Spec(const v1::Agreement& a) {
  v1::Agreement spec = a;
  spec.clear_name();
  spec.clear_version();
  spec.clear_state();
  spec.clear_active_version();
  spec.clear_approval();
  spec.clear_review_note();
  spec.clear_etag();
  spec.clear_create_time();
  spec.clear_update_time();
  spec.clear_submit_time();
  spec.clear_activate_time();
  spec.clear_end_time();
  return spec;
}

absl::Status CreateDraft(storage::Txn& txn, const Principal& p,
                         absl::string_view id, v1::Agreement a,
                         bool validate_only, v1::Agreement* out) {
  ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn, id));
  if (head) {
    return absl::AlreadyExistsError(
        absl::StrCat("agreement \"", AgreementName(id), "\" already exists"));
  }
  a = Spec(a);
  RETURN_IF_ERROR(ValidateAgreement("agreement.", a));
  RETURN_IF_ERROR(RequireSteward(txn, p, a, "create it"));
  RETURN_IF_ERROR(CheckReferences(txn, a));
  a.set_name(AgreementName(id));
  a.set_version(1);
  a.set_state(v1::Agreement::DRAFT);
  if (validate_only) {
    *out = std::move(a);
    return absl::OkStatus();
  }
  SaveVersion(txn, id, &a);
  AgreementHead h;
  h.set_latest_version(1);
  SaveHead(txn, id, h);
  v1::Event e;
  *e.mutable_agreement_created()->mutable_agreement() = a;
  Emit(txn, p, a.name(), std::move(e));
  *out = std::move(a);
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::commands

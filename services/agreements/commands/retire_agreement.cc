#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/agreements/clocks.h"
#include "services/agreements/commands/commands.h"
#include "services/agreements/keys.h"
#include "services/agreements/rules.h"
#include "services/agreements/state.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::commands {

namespace {

// A retired agreement measures nothing more: its open clocks are
// cancelled, each with its event.
absl::Status CancelOpenClocks(storage::Txn& txn, const Principal& p,
                              absl::string_view id) {
  std::vector<ClockRecord> open;
  RETURN_IF_ERROR(storage::ScanParsed<ClockRecord>(
      txn, storage::Cf::kRecords, keys::ClockPrefix(id), "",
      [&](absl::string_view, ClockRecord&& r) {
        if (!IsStopped(r.clock().current())) open.push_back(std::move(r));
        return true;
      }));
  CalendarCache calendars(txn);
  for (ClockRecord& r : open) {
    ASSIGN_OR_RETURN(
        const calendars::BusinessClock* bc,
        calendars.Get(r.clock().calendar(), r.clock().calendar_version()));
    RETURN_IF_ERROR(
        CancelCycle(r.mutable_clock()->mutable_current(), *bc, txn.Now()));
    CancelClockTimer(txn, &r);
    RETURN_IF_ERROR(SaveClock(txn, &r));
    v1::Event e;
    *e.mutable_agreement_clock_cancelled()->mutable_clock() = r.clock();
    Emit(txn, p, r.clock().name(), std::move(e));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RetireAgreement::Validate(const Request& req) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName("name", req.name()));
  if (ref.version != 0) {
    return absl::InvalidArgumentError(
        "name: retire the agreement (agreements/{a}), not a version");
  }
  return absl::OkStatus();
}

absl::Status RetireAgreement::Apply(storage::Txn& txn, const Principal& p,
                                    const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName("name", req.name()));
  ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn, ref.id));
  if (!head) {
    return absl::NotFoundError(
        absl::StrCat("agreement \"", AgreementName(ref.id), "\" not found"));
  }
  if (head->active_version() == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        AgreementName(ref.id), " has no active version to retire"));
  }
  ASSIGN_OR_RETURN(v1::Agreement a,
                   LoadVersion(txn, ref.id, head->active_version()));
  RETURN_IF_ERROR(RequireSteward(txn, p, a, "retire it"));
  // Its approval would bring the agreement back: the review ends first.
  ASSIGN_OR_RETURN(v1::Agreement latest, LoadVersion(txn, ref.id, 0));
  if (latest.state() == v1::Agreement::IN_REVIEW) {
    return absl::FailedPreconditionError(absl::StrCat(
        latest.name(), " version ", latest.version(), " is in review (",
        latest.approval(), "): cancel that approval, then retire"));
  }
  a.set_state(v1::Agreement::RETIRED);
  *a.mutable_end_time() = ToProtoTime(txn.Now());
  SaveVersion(txn, ref.id, &a);
  AgreementHead h = *head;
  h.set_active_version(0);
  h.clear_superseded_versions();  // their open clocks are cancelled below
  SaveHead(txn, ref.id, h);
  RETURN_IF_ERROR(UnindexActive(txn, ref.id));
  RETURN_IF_ERROR(CancelOpenClocks(txn, p, ref.id));
  a.set_active_version(0);
  v1::Event e;
  *e.mutable_agreement_retired()->mutable_agreement() = a;
  e.mutable_agreement_retired()->set_reason(req.reason());
  Emit(txn, p, a.name(), std::move(e));
  *out = std::move(a);
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::commands

// RecalculateClocks: the one way a running clock changes its agreement
// version or calendar version. Each moved clock records the move; one
// event names the versions before and after.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/agreements/clocks.h"
#include "services/agreements/commands/commands.h"
#include "services/agreements/compiled.h"
#include "services/agreements/keys.h"
#include "services/agreements/rules.h"
#include "services/agreements/state.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::commands {

using storage::Txn;

namespace {

constexpr int kMaxChanged = 100;

struct Totals {
  int64_t from_agreement = 0;
  int64_t from_calendar = 0;
  int64_t to_calendar = 0;
  void Saw(int64_t agreement, int64_t calendar) {
    if (from_agreement == 0 || agreement < from_agreement) {
      from_agreement = agreement;
    }
    if (from_calendar == 0 || calendar < from_calendar) {
      from_calendar = calendar;
    }
  }
};

// The target the term of the new version sets for the cycle: its segment
// of the same name, else its default; in business time from the start.
absl::StatusOr<absl::Duration> NewTarget(const v1::AgreementTerm& term,
                                         const v1::ClockCycle& cycle,
                                         const calendars::BusinessClock& bc) {
  std::string target = term.target();
  for (const v1::TermSegment& s : term.segments()) {
    if (s.name() == cycle.segment()) target = s.target();
  }
  ASSIGN_OR_RETURN(BusinessSpan span, ParseSpan("target", target));
  return SpanDuration(span, bc, FromProtoTime(cycle.start_time()));
}

// Counts the cycle again on `bc` against `term`: what it recorded past the
// new marks is forgotten, and the timer records what it has reached.
absl::Status Recount(const v1::AgreementTerm& term,
                     const calendars::BusinessClock& bc, absl::Time now,
                     v1::ClockCycle* c) {
  ASSIGN_OR_RETURN(absl::Duration target, NewTarget(term, *c, bc));
  *c->mutable_target() = ToProtoDuration(target);
  ASSIGN_OR_RETURN(absl::Duration run, RunTime(*c, bc, now));
  if (c->has_breach() && run <= target) {
    c->clear_breach();
    if (c->state() == v1::ClockCycle::BREACHED) {
      c->set_state(v1::ClockCycle::RUNNING);
    }
  }
  std::vector<int> kept;
  for (int percent : c->warned_percents()) {
    if (target * percent / 100 <= run) kept.push_back(percent);
  }
  c->mutable_warned_percents()->Assign(kept.begin(), kept.end());
  ASSIGN_OR_RETURN(CycleTargets targets, TargetsOf(term, *c, bc));
  int taken = 0;
  while (taken < c->escalations_taken() &&
         taken < static_cast<int>(targets.escalations.size()) &&
         targets.escalations[taken] <= run) {
    ++taken;
  }
  c->set_escalations_taken(taken);
  return RefreshCycle(c, bc, now);
}

}  // namespace

absl::Status RecalculateClocks::Validate(const Request& req) const {
  ASSIGN_OR_RETURN(VersionRef ref,
                   ParseAgreementName("agreement", req.agreement()));
  if (ref.version != 0) {
    return absl::InvalidArgumentError(
        "agreement: name the agreement (agreements/{a}); clocks move to its "
        "active version");
  }
  if (!req.calendar().empty()) {
    RETURN_IF_ERROR(
        ParseId("calendar", req.calendar(), "calendars/*").status());
  }
  if (req.calendar_version() < 0) {
    return absl::InvalidArgumentError("calendar_version: 0 or more");
  }
  if (req.calendar_version() > 0 && req.calendar().empty()) {
    return absl::InvalidArgumentError(
        "calendar_version needs calendar: a version of which calendar?");
  }
  return absl::OkStatus();
}

absl::Status RecalculateClocks::Apply(Txn& txn, const Principal& p,
                                      const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref,
                   ParseAgreementName("agreement", req.agreement()));
  ASSIGN_OR_RETURN(v1::Agreement latest, LoadVersion(txn, ref.id, 0));
  if (latest.active_version() == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        latest.name(), " has no active version to count clocks with"));
  }
  RETURN_IF_ERROR(RequireSteward(txn, p, latest, "recalculate its clocks"));
  ASSIGN_OR_RETURN(auto active,
                   LoadCompiled(txn, ref.id, latest.active_version()));
  CalendarCache calendars(txn);
  if (!req.calendar().empty()) {
    // NOT_FOUND naming the version before anything moves.
    RETURN_IF_ERROR(
        calendars.Get(req.calendar(), req.calendar_version()).status());
  }
  std::vector<ClockRecord> clocks;
  RETURN_IF_ERROR(storage::ScanParsed<ClockRecord>(
      txn, storage::Cf::kRecords, keys::ClockPrefix(ref.id), "",
      [&](absl::string_view, ClockRecord&& r) {
        clocks.push_back(std::move(r));
        return true;
      }));
  Totals totals;
  const absl::Time now = txn.Now();
  for (ClockRecord& r : clocks) {
    v1::Clock* c = r.mutable_clock();
    if (!req.calendar().empty() && c->calendar() != req.calendar()) continue;
    if (IsStopped(c->current())) {
      out->set_left_alone(out->left_alone() + 1);
      continue;
    }
    totals.Saw(c->agreement_version(), c->calendar_version());
    const v1::ClockCycle before = c->current();
    v1::ClockRecalculation* change = c->add_recalculations();
    *change->mutable_time() = ToProtoTime(now);
    change->set_actor(absl::StrCat("users/", p.user_id));
    change->set_from_agreement_version(c->agreement_version());
    change->set_to_agreement_version(active->agreement.version());
    change->set_from_calendar_version(c->calendar_version());
    *change->mutable_from_target() = before.target();
    const CompiledTerm* term = active->Term(c->term());
    const calendars::BusinessClock* bc = nullptr;
    if (term == nullptr) {
      // The active version has no such term: nothing to measure against.
      ASSIGN_OR_RETURN(const calendars::BusinessClock* old,
                       calendars.Get(c->calendar(), c->calendar_version()));
      RETURN_IF_ERROR(CancelCycle(c->mutable_current(), *old, now));
    } else {
      ASSIGN_OR_RETURN(std::string calendar,
                       req.calendar().empty()
                           ? calendars.CalendarOf(*term->term)
                           : absl::StatusOr<std::string>(req.calendar()));
      ASSIGN_OR_RETURN(CalendarCache::Resolved cal,
                       calendars.Resolve(calendar, req.calendar_version()));
      bc = cal.clock;
      c->set_calendar(calendar);
      c->set_calendar_version(cal.version);
      c->set_agreement_version(active->agreement.version());
      RETURN_IF_ERROR(Recount(*term->term, *bc, now, c->mutable_current()));
      totals.to_calendar = cal.version;
    }
    change->set_to_calendar_version(c->calendar_version());
    *change->mutable_to_target() = c->current().target();
    out->set_recalculated(out->recalculated() + 1);
    const bool changed = FromProtoTime(before.due_time()) !=
                             FromProtoTime(c->current().due_time()) ||
                         before.has_breach() != c->current().has_breach() ||
                         before.state() != c->current().state();
    if (changed && out->changed_size() < kMaxChanged) *out->add_changed() = *c;
    if (req.validate_only()) continue;
    if (bc != nullptr) {
      RETURN_IF_ERROR(ArmClock(txn, *term->term, *bc, &r));
    } else {
      CancelClockTimer(txn, &r);
    }
    SaveClock(txn, &r);
  }
  out->set_agreement_version(active->agreement.version());
  if (req.validate_only() || out->recalculated() == 0) return absl::OkStatus();
  v1::Event e;
  v1::ClocksRecalculated* ev = e.mutable_agreement_clocks_recalculated();
  ev->set_agreement(latest.name());
  ev->set_from_agreement_version(totals.from_agreement);
  ev->set_to_agreement_version(active->agreement.version());
  ev->set_calendar(req.calendar());
  ev->set_from_calendar_version(totals.from_calendar);
  ev->set_to_calendar_version(totals.to_calendar);
  ev->set_recalculated(out->recalculated());
  ev->set_left_alone(out->left_alone());
  Emit(txn, p, latest.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::commands

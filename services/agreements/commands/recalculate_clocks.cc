// RecalculateClocks: the one way a running clock changes its agreement
// version or calendar version. Each moved clock records the move; one
// event names the versions before and after.
#include <algorithm>
#include <map>
#include <optional>
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

// Per calendar the clocks move to: the versions they counted with before
// (the oldest) and after, for the event naming both.
struct Moved {
  int64_t from_agreement = 0;
  int64_t from_calendar = 0;
  int64_t to_calendar = 0;
  int32_t clocks = 0;
};

int64_t Oldest(int64_t seen, int64_t v) {
  return seen == 0 ? v : std::min(seen, v);
}

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
  } else if (c->has_breach()) {
    // Still breached, but of the new target: when that one was passed.
    ASSIGN_OR_RETURN(std::optional<absl::Time> when,
                     TimeRunTimeReached(*c, bc, now, target));
    if (when) *c->mutable_breach()->mutable_time() = ToProtoTime(*when);
    *c->mutable_breach()->mutable_elapsed() = ToProtoDuration(target);
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

namespace {

// Moves one open clock to the active version and the calendar version;
// records the move on it. A clock whose term the active version dropped is
// cancelled.
class Mover {
 public:
  Mover(Txn& txn, const Principal& p, const v1::RecalculateClocksRequest& req,
        const CompiledAgreement& active, v1::RecalculateClocksResponse* out)
      : txn_(txn),
        p_(p),
        req_(req),
        active_(active),
        calendars_(txn),
        out_(out) {}

  // NOT_FOUND naming the calendar version before anything moves.
  absl::Status Check() {
    if (req_.calendar().empty()) return absl::OkStatus();
    return calendars_.Get(req_.calendar(), req_.calendar_version()).status();
  }

  absl::Status Move(ClockRecord* r) {
    v1::Clock* c = r->mutable_clock();
    const v1::ClockCycle before = c->current();
    v1::ClockRecalculation change;
    *change.mutable_time() = ToProtoTime(txn_.Now());
    change.set_actor(p_.UserName());
    change.set_from_agreement_version(c->agreement_version());
    change.set_to_agreement_version(active_.agreement.version());
    change.set_from_calendar_version(c->calendar_version());
    *change.mutable_from_target() = before.target();
    const CompiledTerm* term = active_.Term(c->term());
    const calendars::BusinessClock* bc = nullptr;
    std::string old_calendar = c->calendar();
    if (term == nullptr) {
      ASSIGN_OR_RETURN(const calendars::BusinessClock* old,
                       calendars_.Get(c->calendar(), c->calendar_version()));
      RETURN_IF_ERROR(CancelCycle(c->mutable_current(), *old, txn_.Now()));
    } else {
      ASSIGN_OR_RETURN(bc, Recounted(*term->term, c));
    }
    change.set_to_calendar_version(c->calendar_version());
    *change.mutable_to_target() = c->current().target();
    *c->add_recalculations() = std::move(change);
    Note(*c, before, old_calendar);
    if (req_.validate_only()) return absl::OkStatus();
    if (bc != nullptr) {
      RETURN_IF_ERROR(ArmClock(txn_, *term->term, *bc, r));
    } else {
      CancelClockTimer(txn_, r);
    }
    RETURN_IF_ERROR(SaveClock(txn_, r));
    if (term == nullptr) {
      v1::Event e;
      *e.mutable_agreement_clock_cancelled()->mutable_clock() = *c;
      Emit(txn_, p_, c->name(), std::move(e));
    }
    return absl::OkStatus();
  }

  const std::map<std::string, Moved>& moved() const { return moved_; }

 private:
  absl::StatusOr<const calendars::BusinessClock*> Recounted(
      const v1::AgreementTerm& term, v1::Clock* c) {
    ASSIGN_OR_RETURN(std::string calendar,
                     req_.calendar().empty()
                         ? calendars_.CalendarOf(term)
                         : absl::StatusOr<std::string>(req_.calendar()));
    ASSIGN_OR_RETURN(CalendarCache::Resolved cal,
                     calendars_.Resolve(calendar, req_.calendar_version()));
    c->set_calendar(calendar);
    c->set_calendar_version(cal.version);
    c->set_agreement_version(active_.agreement.version());
    c->set_term_title(term.title());
    c->set_provider(term.provider());
    c->set_customer(term.customer());
    c->set_metric(term.metric());
    v1::ClockCycle* cycle = c->mutable_current();
    cycle->set_agreement_version(active_.agreement.version());
    cycle->set_calendar(calendar);
    cycle->set_calendar_version(cal.version);
    RETURN_IF_ERROR(Recount(term, *cal.clock, txn_.Now(), cycle));
    return cal.clock;
  }

  void Note(const v1::Clock& c, const v1::ClockCycle& before,
            const std::string& old_calendar) {
    const v1::ClockRecalculation& change = *c.recalculations().rbegin();
    Moved& m = moved_[c.calendar().empty() ? old_calendar : c.calendar()];
    m.from_agreement =
        Oldest(m.from_agreement, change.from_agreement_version());
    m.from_calendar = Oldest(m.from_calendar, change.from_calendar_version());
    m.to_calendar = change.to_calendar_version();
    ++m.clocks;
    out_->set_recalculated(out_->recalculated() + 1);
    const bool changed = FromProtoTime(before.due_time()) !=
                             FromProtoTime(c.current().due_time()) ||
                         before.has_breach() != c.current().has_breach() ||
                         before.state() != c.current().state();
    if (changed && out_->changed_size() < kMaxChanged) *out_->add_changed() = c;
  }

  Txn& txn_;
  const Principal& p_;
  const v1::RecalculateClocksRequest& req_;
  const CompiledAgreement& active_;
  CalendarCache calendars_;
  v1::RecalculateClocksResponse* out_;
  std::map<std::string, Moved> moved_;
};

}  // namespace

absl::Status RecalculateClocks::Apply(Txn& txn, const Principal& p,
                                      const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref,
                   ParseAgreementName("agreement", req.agreement()));
  ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn, ref.id));
  if (!head || head->active_version() == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        AgreementName(ref.id), " has no active version to count clocks with"));
  }
  ASSIGN_OR_RETURN(auto active,
                   LoadCompiled(txn, ref.id, head->active_version()));
  RETURN_IF_ERROR(
      RequireSteward(txn, p, active->agreement, "recalculate its clocks"));
  Mover mover(txn, p, req, *active, out);
  RETURN_IF_ERROR(mover.Check());
  std::vector<ClockRecord> open;
  RETURN_IF_ERROR(storage::ScanParsed<ClockRecord>(
      txn, storage::Cf::kRecords, keys::ClockPrefix(ref.id), "",
      [&](absl::string_view, ClockRecord&& r) {
        if (!req.calendar().empty() && r.clock().calendar() != req.calendar()) {
          return true;
        }
        if (IsStopped(r.clock().current())) {
          out->set_left_alone(out->left_alone() + 1);
        } else {
          open.push_back(std::move(r));
        }
        return true;
      }));
  for (ClockRecord& r : open) RETURN_IF_ERROR(mover.Move(&r));
  out->set_agreement_version(active->agreement.version());
  if (req.validate_only() || out->recalculated() == 0) return absl::OkStatus();
  if (req.calendar().empty() && !head->superseded_versions().empty()) {
    // Every open clock counts on the active version now.
    AgreementHead h = *head;
    h.clear_superseded_versions();
    SaveHead(txn, ref.id, h);
  }
  for (const auto& [calendar, moved] : mover.moved()) {
    v1::Event e;
    v1::ClocksRecalculated* ev = e.mutable_agreement_clocks_recalculated();
    ev->set_agreement(AgreementName(ref.id));
    ev->set_from_agreement_version(moved.from_agreement);
    ev->set_to_agreement_version(active->agreement.version());
    ev->set_calendar(calendar);
    ev->set_from_calendar_version(moved.from_calendar);
    ev->set_to_calendar_version(moved.to_calendar);
    ev->set_recalculated(moved.clocks);
    ev->set_left_alone(out->left_alone());
    Emit(txn, p, AgreementName(ref.id), std::move(e));
  }
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::commands

// GetAgreementReport (compliance per term over a period) and GetWaitLedger
// (who waited on whom, across agreements). Both read every clock in range
// once, counting business time on each clock's own calendar version.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/agreements/clocks.h"
#include "services/agreements/compiled.h"
#include "services/agreements/keys.h"
#include "services/agreements/queries.h"
#include "services/agreements/rules.h"
#include "services/agreements/state.h"
#include "services/common/time_util.h"
#include "storage/status_macros.h"

namespace mops::services::agreements::queries {

using storage::Cf;
using storage::Reader;

namespace {

struct Period {
  absl::Time from;
  absl::Time to;
};

// Defaults: up to now, from 30 days before `to`.
absl::StatusOr<Period> PeriodOf(const google::protobuf::Timestamp* from,
                                const google::protobuf::Timestamp* to,
                                absl::Time now) {
  Period p;
  p.to = to != nullptr ? FromProtoTime(*to) : now;
  p.from = from != nullptr ? FromProtoTime(*from) : p.to - absl::Hours(24 * 30);
  if (p.from >= p.to) {
    return absl::InvalidArgumentError("from: must be before to");
  }
  return p;
}

// The cycles a term's rule counts: every one, the first or the last.
std::vector<const v1::ClockCycle*> Counted(
    const v1::Clock& c, v1::AgreementTerm::CountedCycles rule) {
  std::vector<const v1::ClockCycle*> all;
  for (const v1::ClockCycle& cycle : c.previous_cycles()) all.push_back(&cycle);
  all.push_back(&c.current());
  if (rule == v1::AgreementTerm::FIRST) return {all.front()};
  if (rule == v1::AgreementTerm::LAST) return {all.back()};
  return all;
}

absl::Duration Percentile(std::vector<absl::Duration>* v, int p) {
  if (v->empty()) return absl::ZeroDuration();
  std::sort(v->begin(), v->end());
  // Nearest rank.
  size_t rank = (static_cast<size_t>(p) * v->size() + 99) / 100;
  return (*v)[std::max<size_t>(rank, 1) - 1];
}

struct TermTally {
  v1::TermReport report;
  std::vector<absl::Duration> to_stop;
  std::map<std::pair<std::string, std::string>, absl::Duration> paused;
};

absl::Status Tally(const v1::Clock& c, const v1::ClockCycle& cycle,
                   const calendars::BusinessClock& bc, absl::Time now,
                   TermTally* t, v1::AgreementReport* out) {
  v1::TermReport& r = t->report;
  r.set_started(r.started() + 1);
  // A breach counts whatever came after it (a pause, a cancel).
  if (cycle.has_breach()) {
    r.set_breached(r.breached() + 1);
  } else if (cycle.state() == v1::ClockCycle::MET) {
    r.set_met(r.met() + 1);
  } else if (cycle.state() == v1::ClockCycle::CANCELLED) {
    r.set_cancelled(r.cancelled() + 1);
  } else {
    r.set_running(r.running() + 1);
  }
  if (cycle.state() == v1::ClockCycle::MET ||
      cycle.state() == v1::ClockCycle::BREACHED_STOPPED) {
    t->to_stop.push_back(FromProtoDuration(cycle.elapsed()));
  }
  const absl::Time end =
      cycle.has_stop_time() ? FromProtoTime(cycle.stop_time()) : now;
  for (const v1::ClockPause& p : cycle.pauses()) {
    ASSIGN_OR_RETURN(
        absl::Duration d,
        bc.Elapsed(FromProtoTime(p.start_time()),
                   p.has_end_time() ? FromProtoTime(p.end_time()) : end));
    t->paused[{p.reason(), p.charged_to()}] += d;
  }
  if (cycle.has_breach()) {
    v1::BreachEntry* b = out->add_breaches();
    b->set_clock(c.name());
    b->set_term(c.term());
    b->set_subject(c.subject());
    b->set_cycle(cycle.number());
    *b->mutable_breach() = cycle.breach();
    if (cycle.has_stop_time()) *b->mutable_stop_time() = cycle.stop_time();
    if (IsStopped(cycle)) {
      *b->mutable_elapsed() = cycle.elapsed();
    } else {
      // Open: its business time as of now (only breaches need it; a
      // report computes no due times).
      ASSIGN_OR_RETURN(absl::Duration run, RunTime(cycle, bc, now));
      *b->mutable_elapsed() = ToProtoDuration(run);
    }
    *b->mutable_target() = cycle.target();
  }
  return absl::OkStatus();
}

void Finish(TermTally* t) {
  v1::TermReport& r = t->report;
  const int decided = r.met() + r.breached();
  r.set_percent_met(decided == 0 ? 0 : 100.0 * r.met() / decided);
  *r.mutable_median_time_to_stop() =
      ToProtoDuration(Percentile(&t->to_stop, 50));
  *r.mutable_p90_time_to_stop() = ToProtoDuration(Percentile(&t->to_stop, 90));
  for (const auto& [key, d] : t->paused) {
    v1::PausedTime* p = r.add_paused();
    p->set_reason(key.first);
    p->set_charged_to(key.second);
    *p->mutable_business_time() = ToProtoDuration(d);
  }
}

}  // namespace

absl::Status GetAgreementReport::Run(const Reader& reader, const Principal&,
                                     const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(VersionRef ref,
                   ParseAgreementName("agreement", req.agreement()));
  const absl::Time now = clock->Now();
  ASSIGN_OR_RETURN(Period period,
                   PeriodOf(req.has_from() ? &req.from() : nullptr,
                            req.has_to() ? &req.to() : nullptr, now));
  ASSIGN_OR_RETURN(v1::Agreement latest, LoadVersion(reader, ref.id, 0));
  const int64_t shown =
      latest.active_version() > 0 ? latest.active_version() : latest.version();
  ASSIGN_OR_RETURN(v1::Agreement version, LoadVersion(reader, ref.id, shown));
  std::map<std::string, TermTally> tallies;
  std::vector<std::string> order;
  auto tally_of = [&](const v1::AgreementTerm& term) -> TermTally& {
    auto [it, added] = tallies.try_emplace(term.id());
    if (added) {
      order.push_back(term.id());
      v1::TermReport& r = it->second.report;
      r.set_term(term.id());
      r.set_title(term.title());
      r.set_provider(term.provider());
      r.set_customer(term.customer());
      r.set_counted_cycles(term.counted_cycles());
    }
    return it->second;
  };
  for (const v1::AgreementTerm& term : version.terms()) tally_of(term);
  CalendarCache calendars(reader);
  std::map<int64_t, std::shared_ptr<const CompiledAgreement>> versions;
  absl::Status failed;
  RETURN_IF_ERROR(storage::ScanParsed<ClockRecord>(
      reader, Cf::kRecords, keys::ClockPrefix(ref.id), "",
      [&](absl::string_view, ClockRecord&& r) {
        v1::Clock& c = *r.mutable_clock();
        auto& v = versions[c.agreement_version()];
        if (v == nullptr) {
          absl::StatusOr<std::shared_ptr<const CompiledAgreement>> loaded =
              LoadCompiled(reader, ref.id, c.agreement_version());
          if (!(failed = loaded.status()).ok()) return false;
          v = *std::move(loaded);
        }
        const CompiledTerm* term = v->Term(c.term());
        if (term == nullptr) return true;
        out->set_clocks(out->clocks() + 1);
        auto in_period = [&](const v1::ClockCycle* cycle) {
          const absl::Time start = FromProtoTime(cycle->start_time());
          return start >= period.from && start < period.to;
        };
        for (const v1::ClockCycle* cycle :
             Counted(c, term->term->counted_cycles())) {
          if (!in_period(cycle)) continue;
          const CycleCalendar cal = CycleCalendarOf(c, *cycle);
          absl::StatusOr<const calendars::BusinessClock*> bc =
              calendars.Get(cal.name, cal.version);
          if (!(failed = bc.status()).ok()) return false;
          failed = Tally(c, *cycle, **bc, now, &tally_of(*term->term), out);
          if (!failed.ok()) return false;
        }
        return true;
      }));
  RETURN_IF_ERROR(failed);
  out->set_agreement(latest.name());
  *out->mutable_from() = ToProtoTime(period.from);
  *out->mutable_to() = ToProtoTime(period.to);
  for (const std::string& id : order) {
    TermTally& t = tallies[id];
    Finish(&t);
    *out->add_terms() = std::move(t.report);
  }
  std::sort(out->mutable_breaches()->begin(), out->mutable_breaches()->end(),
            [](const v1::BreachEntry& a, const v1::BreachEntry& b) {
              return FromProtoTime(a.breach().time()) <
                     FromProtoTime(b.breach().time());
            });
  return absl::OkStatus();
}

namespace {

struct Waits {
  absl::Duration running;
  absl::Duration paused;
};
using Ledger = std::map<std::pair<std::string, std::string>, Waits>;

// The cycle's waits inside [from, to): the customer on the provider while
// it runs; while paused, the provider on the party charged (the customer
// on the provider when the provider is charged).
absl::Status AddWaits(const v1::Clock& c, const v1::ClockCycle& cycle,
                      const calendars::BusinessClock& bc, absl::Time now,
                      const Period& period, Ledger* ledger) {
  const absl::Time end =
      cycle.has_stop_time() ? FromProtoTime(cycle.stop_time()) : now;
  const absl::Time from =
      std::max(FromProtoTime(cycle.start_time()), period.from);
  const absl::Time to = std::min(end, period.to);
  if (from >= to) return absl::OkStatus();
  std::vector<calendars::Interval> pauses;
  for (const v1::ClockPause& p : cycle.pauses()) {
    const absl::Time ps = FromProtoTime(p.start_time());
    const absl::Time pe = p.has_end_time() ? FromProtoTime(p.end_time()) : end;
    pauses.push_back({ps, pe});
    const absl::Time cs = std::max(ps, from);
    const absl::Time ce = std::min(pe, to);
    if (cs >= ce) continue;
    ASSIGN_OR_RETURN(absl::Duration d, bc.Elapsed(cs, ce));
    const bool self = p.charged_to() == c.provider();
    (*ledger)[{self ? c.customer() : c.provider(),
               self ? c.provider() : p.charged_to()}]
        .paused += d;
  }
  ASSIGN_OR_RETURN(absl::Duration run,
                   bc.ElapsedExcluding(from, to, std::move(pauses)));
  (*ledger)[{c.customer(), c.provider()}].running += run;
  return absl::OkStatus();
}

}  // namespace

absl::Status GetWaitLedger::Run(const Reader& reader, const Principal&,
                                const Request& req, Response* out) const {
  const absl::Time now = clock->Now();
  ASSIGN_OR_RETURN(Period period,
                   PeriodOf(req.has_from() ? &req.from() : nullptr,
                            req.has_to() ? &req.to() : nullptr, now));
  CalendarCache calendars(reader);
  Ledger ledger;
  absl::Status failed;
  RETURN_IF_ERROR(storage::ScanParsed<ClockRecord>(
      reader, Cf::kRecords, keys::AllClocksPrefix(), "",
      [&](absl::string_view, ClockRecord&& r) {
        const v1::Clock& c = r.clock();
        out->set_clocks(out->clocks() + 1);
        auto add = [&](const v1::ClockCycle& cycle) {
          const CycleCalendar cal = CycleCalendarOf(c, cycle);
          absl::StatusOr<const calendars::BusinessClock*> bc =
              calendars.Get(cal.name, cal.version);
          failed = bc.ok() ? AddWaits(c, cycle, **bc, now, period, &ledger)
                           : bc.status();
          return failed.ok();
        };
        for (const v1::ClockCycle& cycle : c.previous_cycles()) {
          if (!add(cycle)) return false;
        }
        return add(c.current());
      }));
  RETURN_IF_ERROR(failed);
  *out->mutable_from() = ToProtoTime(period.from);
  *out->mutable_to() = ToProtoTime(period.to);
  std::set<std::string> teams;
  for (const auto& [pair, waits] : ledger) {
    if (waits.running + waits.paused == absl::ZeroDuration()) continue;
    v1::WaitEntry* e = out->add_entries();
    e->set_waiting(pair.first);
    e->set_waited_on(pair.second);
    *e->mutable_running() = ToProtoDuration(waits.running);
    *e->mutable_paused() = ToProtoDuration(waits.paused);
    *e->mutable_total() = ToProtoDuration(waits.running + waits.paused);
    teams.insert(pair.first);
    teams.insert(pair.second);
  }
  for (const std::string& t : teams) out->add_teams(t);
  return absl::OkStatus();
}

}  // namespace mops::services::agreements::queries

// The views of `mops ola`: agreements, clocks, reports and the wait ledger.
#include "clients/cli/agreement_render.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;

std::string StateOf(api::Agreement::State s) {
  return EnumName(api::Agreement::State_Name(s));
}

std::string CycleState(api::ClockCycle::State s) {
  return EnumName(api::ClockCycle::State_Name(s));
}

std::string Ids(const google::protobuf::RepeatedPtrField<std::string>& names) {
  std::vector<std::string> ids;
  for (const auto& n : names) ids.push_back(Id(n));
  return ids.empty() ? "-" : absl::StrJoin(ids, ", ");
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// `label` padded to the width of the longest label, then the lines of
// `values`, the later ones under the first: "  label:  value\n".
void Field(std::ostringstream& out, const std::string& indent,
           const std::string& label, const std::vector<std::string>& values) {
  constexpr size_t kWidth = 13;  // "escalations: "
  const std::string head = label.empty() ? "" : label + ":";
  const size_t pad = std::max(kWidth, head.size() + 1);
  bool first = true;
  for (const auto& v : values) {
    out << indent
        << (first ? head + std::string(pad - head.size(), ' ')
                  : std::string(pad, ' '))
        << v << "\n";
    first = false;
  }
}

std::string MetricOf(const api::AgreementTerm& t) {
  if (t.metric() == api::AgreementTerm::CUSTOM && !t.custom_metric().empty()) {
    return t.custom_metric();
  }
  return EnumName(api::AgreementTerm::Metric_Name(t.metric()));
}

std::string CyclesOf(api::AgreementTerm::CountedCycles c) {
  switch (c) {
    case api::AgreementTerm::FIRST:
      return "the first cycle of each clock";
    case api::AgreementTerm::LAST:
      return "the last cycle of each clock";
    default:
      return "every cycle";
  }
}

// "task.created where labels:mql", or "... (every one)"; a pause adds its
// reason and the party charged.
std::vector<std::string> Conditions(
    const google::protobuf::RepeatedPtrField<api::ClockCondition>& cs,
    const std::string& customer) {
  std::vector<std::string> lines;
  for (const auto& c : cs) {
    std::string line =
        c.event_type() +
        (c.filter().empty() ? " (every one)" : " where " + c.filter());
    std::vector<std::string> why;
    if (!c.reason().empty()) why.push_back(c.reason());
    if (!c.charged_to().empty() || !c.reason().empty()) {
      why.push_back("charged to " +
                    Id(c.charged_to().empty() ? customer : c.charged_to()));
    }
    if (!why.empty()) line += " (" + absl::StrJoin(why, "; ") + ")";
    lines.push_back(line);
  }
  return lines;
}

std::string Escalation(const api::EscalationStep& e,
                       const std::string& provider) {
  std::string offset = e.offset();
  const bool before = !offset.empty() && offset[0] == '-';
  if (!offset.empty() && (offset[0] == '-' || offset[0] == '+')) {
    offset = offset.substr(1);
  }
  const std::string when =
      offset.empty() ? "when due" : offset + (before ? " before" : " after");
  std::vector<std::string> what;
  if (e.notify_liaisons()) what.push_back("notify the liaisons");
  if (e.add_provider_leads()) {
    what.push_back("add the leads of " + Id(provider) + " to the approval");
  }
  if (what.empty()) what.push_back("record it");
  return when + ": " + absl::StrJoin(what, ", ") +
         (e.note().empty() ? "" : " (" + e.note() + ")");
}

void WriteTerm(std::ostringstream& out, const api::AgreementTerm& t) {
  out << "\n" << t.id() << (t.title().empty() ? "" : ": " + t.title()) << "\n";
  const std::string in = "  ";
  Field(out, in, "parties", {Id(t.provider()) + " -> " + Id(t.customer())});
  Field(out, in, "metric", {MetricOf(t)});
  Field(out, in, "target", {OrDash(t.target())});
  std::vector<std::string> segments;
  for (const auto& s : t.segments()) {
    segments.push_back(absl::StrCat(s.name(), ": ", s.target(), " when ",
                                    s.filter().empty() ? "any" : s.filter()));
  }
  if (!segments.empty()) Field(out, in, "segments", segments);
  Field(out, in, "calendar",
        {t.calendar().empty() ? "the provider's (" + Id(t.provider()) + ")"
                              : Id(t.calendar())});
  Field(out, in, "counts", {CyclesOf(t.counted_cycles())});
  std::vector<std::string> percents;
  for (int p : t.warning_percents()) percents.push_back(absl::StrCat(p, "%"));
  Field(out, in, "warnings",
        {percents.empty()
             ? "at 50%, 75% of the target (default)"
             : "at " + absl::StrJoin(percents, ", ") + " of the target"});
  std::vector<std::string> steps;
  for (const auto& e : t.escalations()) {
    steps.push_back(Escalation(e, t.provider()));
  }
  if (!steps.empty()) Field(out, in, "escalations", steps);
  const std::pair<const char*, const google::protobuf::RepeatedPtrField<
                                   api::ClockCondition>*>
      lists[] = {{"start", &t.start()},
                 {"pause", &t.pause()},
                 {"resume", &t.resume()},
                 {"stop", &t.stop()},
                 {"cancel", &t.cancel()}};
  for (const auto& [label, list] : lists) {
    if (!list->empty()) Field(out, in, label, Conditions(*list, t.customer()));
  }
}

std::string Effective(const api::Agreement& a) {
  const std::string& s = a.effective_start_date();
  const std::string& e = a.effective_end_date();
  if (s.empty() && e.empty()) return "always";
  if (e.empty()) return "from " + s;
  if (s.empty()) return "until " + e;
  return s + " to " + e;
}

void WriteConcerns(std::ostringstream& out, const api::ConcernedDecisions& c) {
  if (c.project_labels().empty() && c.project_teams().empty() &&
      c.workflow_templates().empty()) {
    return;
  }
  out << "\ndecisions that concern it (the liaisons join their approvals):\n";
  if (!c.project_labels().empty()) {
    Field(out, "  ", "labels",
          {"approvals on projects labelled " +
           absl::StrJoin(c.project_labels(), ", ")});
  }
  if (!c.project_teams().empty()) {
    Field(out, "  ", "teams",
          {"approvals on projects of " + Ids(c.project_teams())});
  }
  if (!c.workflow_templates().empty()) {
    Field(out, "  ", "workflows",
          {"approval stages of runs of " + Ids(c.workflow_templates())});
  }
}

}  // namespace

std::string BusinessDuration(const google::protobuf::Duration& d) {
  int64_t s = d.seconds();
  const std::string sign = s < 0 ? "-" : "";
  if (s < 0) s = -s;
  if (s == 0) return "0m";
  if (s < 60) return absl::StrCat(sign, s, "s");
  const int64_t h = s / 3600, m = (s % 3600) / 60;
  if (h == 0) return absl::StrCat(sign, m, "m");
  if (m == 0) return absl::StrCat(sign, h, "h");
  return absl::StrCat(sign, h, "h", m, "m");
}

Table AgreementsTable(
    const google::protobuf::RepeatedPtrField<api::Agreement>& all) {
  Table t({"ID", "LATEST", "STATE", "ACTIVE", "PARTIES", "TERMS", "TITLE"});
  for (const auto& a : all) {
    std::vector<std::string> parties;
    for (const auto& p : a.parties()) parties.push_back(Id(p.team()));
    t.AddRow({Id(a.name()), std::to_string(a.version()), StateOf(a.state()),
              a.active_version() > 0 ? std::to_string(a.active_version()) : "-",
              parties.empty() ? "-" : absl::StrJoin(parties, ","),
              std::to_string(a.terms_size()), a.title()});
  }
  return t;
}

Table AgreementVersionsTable(
    const google::protobuf::RepeatedPtrField<api::Agreement>& all) {
  Table t({"VERSION", "STATE", "UPDATED", "SUBMITTED", "ACTIVATED", "ENDED",
           "APPROVAL", "NOTE"});
  for (const auto& a : all) {
    t.AddRow({std::to_string(a.version()), StateOf(a.state()),
              FormatTime(a.update_time()), FormatTime(a.submit_time()),
              FormatTime(a.activate_time()), FormatTime(a.end_time()),
              a.approval().empty() ? "-" : Id(a.approval()),
              OrDash(a.review_note())});
  }
  return t;
}

std::string RenderAgreement(const api::Agreement& a) {
  std::ostringstream out;
  out << a.name() << (a.title().empty() ? "" : ": " + a.title()) << "\n";
  Field(out, "", "version", {std::to_string(a.version())});
  Field(out, "", "state", {StateOf(a.state())});
  Field(
      out, "", "active",
      {a.active_version() > 0 ? "version " + std::to_string(a.active_version())
                              : "none"});
  Field(out, "", "effective", {Effective(a)});
  if (!a.approval().empty()) {
    Field(out, "", "approval",
          {a.approval() + " (submitted " + FormatTime(a.submit_time()) + ")"});
  }
  if (!a.review_note().empty()) Field(out, "", "review", {a.review_note()});
  if (!a.scope().empty()) {
    out << "\nscope:\n";
    for (absl::string_view line :
         absl::StrSplit(absl::StripTrailingAsciiWhitespace(a.scope()), '\n')) {
      out << (line.empty() ? "" : "  ") << line << "\n";
    }
  }
  out << "\nparties:\n";
  for (const auto& p : a.parties()) {
    out << "  " << Id(p.team()) << " (liaisons: " << Ids(p.liaisons()) << ")\n";
    for (const auto& r : p.responsibilities()) out << "    - " << r << "\n";
  }
  if (a.terms().empty()) out << "\nno terms\n";
  for (const auto& t : a.terms()) WriteTerm(out, t);
  WriteConcerns(out, a.concerns());
  return out.str();
}

namespace {

// "agreements/a/clocks/c" -> "a/c", what `mops ola clock` takes.
std::string ShortClock(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  return parts.size() == 4 ? parts[1] + "/" + parts[3] : name;
}

std::string TargetOf(const api::ClockCycle& c) {
  const bool named = !c.segment().empty() && c.segment() != "default";
  return BusinessDuration(c.target()) + (named ? " (" + c.segment() + ")" : "");
}

std::string DueOf(const api::ClockCycle& c) {
  if (c.has_due_time()) return FormatTime(c.due_time());
  return c.state() == api::ClockCycle::PAUSED ? "paused" : "-";
}

std::vector<std::string> Pauses(const api::ClockCycle& c) {
  std::vector<std::string> lines;
  for (const auto& p : c.pauses()) {
    lines.push_back(absl::StrCat(
        FormatTime(p.start_time()), " to ",
        p.has_end_time() ? FormatTime(p.end_time()) : "now (paused)", ": ",
        p.reason().empty() ? "no reason given" : p.reason(),
        p.charged_to().empty() ? "" : ", charged to " + Id(p.charged_to())));
  }
  return lines;
}

void WriteCycle(std::ostringstream& out, const api::ClockCycle& c) {
  out << "\ncycle " << c.number() << ": " << CycleState(c.state()) << "\n";
  const std::string in = "  ";
  Field(out, in, "started", {FormatTime(c.start_time())});
  Field(out, in, "target", {TargetOf(c)});
  Field(out, in, "elapsed", {BusinessDuration(c.elapsed())});
  Field(out, in, "due", {DueOf(c)});
  Field(out, in, "stopped", {FormatTime(c.stop_time())});
  if (!c.pauses().empty()) Field(out, in, "pauses", Pauses(c));
  if (c.has_breach()) {
    Field(out, in, "breach",
          {FormatTime(c.breach().time()) + ", owed by " +
           Id(c.breach().responsible()) + " (" +
           BusinessDuration(c.breach().elapsed()) + " had run)"});
  }
  std::vector<std::string> warned;
  for (int p : c.warned_percents()) warned.push_back(absl::StrCat(p, "%"));
  if (!warned.empty()) Field(out, in, "warned", {absl::StrJoin(warned, ", ")});
  if (c.escalations_taken() > 0) {
    Field(out, in, "escalated",
          {absl::StrCat(c.escalations_taken(), " step",
                        c.escalations_taken() == 1 ? "" : "s", " taken")});
  }
}

Table RecalculationsTable(
    const google::protobuf::RepeatedPtrField<api::ClockRecalculation>& all) {
  Table t({"TIME", "BY", "AGREEMENT", "CALENDAR", "TARGET"});
  for (const auto& r : all) {
    t.AddRow({FormatTime(r.time()), r.actor().empty() ? "-" : Id(r.actor()),
              absl::StrCat(r.from_agreement_version(), " -> ",
                           r.to_agreement_version()),
              absl::StrCat(r.from_calendar_version(), " -> ",
                           r.to_calendar_version()),
              BusinessDuration(r.from_target()) + " -> " +
                  BusinessDuration(r.to_target())});
  }
  return t;
}

std::string PercentMet(const api::TermReport& t) {
  const int judged = t.met() + t.breached();
  if (judged == 0) return "-";
  return absl::StrFormat("%.1f%%", 100.0 * t.met() / judged);
}

std::string DurationOrDash(bool has, const google::protobuf::Duration& d) {
  return has ? BusinessDuration(d) : "-";
}

Table TermsTable(const api::AgreementReport& r) {
  Table t({"TERM", "PROVIDER -> CUSTOMER", "STARTED", "MET", "BREACHED",
           "RUNNING", "CANCELLED", "MET %", "MEDIAN", "P90"});
  for (const auto& term : r.terms()) {
    t.AddRow(
        {term.term(), Id(term.provider()) + " -> " + Id(term.customer()),
         std::to_string(term.started()), std::to_string(term.met()),
         std::to_string(term.breached()), std::to_string(term.running()),
         std::to_string(term.cancelled()), PercentMet(term),
         DurationOrDash(term.has_median_time_to_stop(),
                        term.median_time_to_stop()),
         DurationOrDash(term.has_p90_time_to_stop(), term.p90_time_to_stop())});
  }
  return t;
}

Table BreachesTable(const api::AgreementReport& r) {
  Table t({"BREACHED", "CLOCK", "TERM", "SUBJECT", "CYCLE", "OWED BY",
           "ELAPSED", "TARGET", "STOPPED"});
  for (const auto& b : r.breaches()) {
    t.AddRow({FormatTime(b.breach().time()), ShortClock(b.clock()), b.term(),
              b.subject(), std::to_string(b.cycle()),
              OrDash(Id(b.breach().responsible())),
              BusinessDuration(b.elapsed()), BusinessDuration(b.target()),
              FormatTime(b.stop_time())});
  }
  return t;
}

int64_t Seconds(const api::WaitEntry& e) {
  if (e.has_total()) return e.total().seconds();
  return e.running().seconds() + e.paused().seconds();
}

}  // namespace

Table ClocksTable(const google::protobuf::RepeatedPtrField<api::Clock>& all) {
  Table t({"NAME", "SUBJECT", "TERM", "STATE", "ELAPSED", "TARGET", "DUE"});
  for (const auto& c : all) {
    const api::ClockCycle& cur = c.current();
    const bool breached = cur.state() == api::ClockCycle::BREACHED ||
                          cur.state() == api::ClockCycle::BREACHED_STOPPED;
    t.AddRow({ShortClock(c.name()), c.subject(), c.term(),
              CycleState(cur.state()) +
                  (c.at_risk() && !breached ? " (at risk)" : ""),
              BusinessDuration(cur.elapsed()), TargetOf(cur), DueOf(cur)});
  }
  return t;
}

std::string RenderClock(const api::Clock& c) {
  std::ostringstream out;
  out << c.name() << "\n";
  Field(
      out, "", "term",
      {c.term() + (c.term_title().empty() ? "" : " (" + c.term_title() + ")")});
  Field(out, "", "subject", {c.subject()});
  Field(out, "", "parties", {Id(c.provider()) + " -> " + Id(c.customer())});
  Field(out, "", "metric",
        {EnumName(api::AgreementTerm::Metric_Name(c.metric()))});
  Field(
      out, "", "counts with",
      {absl::StrCat("agreement version ", c.agreement_version(), ", calendar ",
                    c.calendar().empty() ? "-" : Id(c.calendar()), " version ",
                    c.calendar_version())});
  Field(out, "", "at risk", {c.at_risk() ? "yes" : "no"});
  WriteCycle(out, c.current());
  for (int i = c.previous_cycles_size() - 1; i >= 0; --i) {
    WriteCycle(out, c.previous_cycles(i));
  }
  if (!c.recalculations().empty()) {
    out << "\nrecalculations:\n"
        << RecalculationsTable(c.recalculations()).Render();
  }
  return out.str();
}

std::string RenderReport(const api::AgreementReport& r) {
  std::ostringstream out;
  out << r.agreement() << ": cycles started from " << FormatTime(r.from())
      << " to " << FormatTime(r.to()) << " (" << r.clocks()
      << " clocks read)\n\n"
      << TermsTable(r).Render();
  Table paused({"TERM", "REASON", "CHARGED TO", "BUSINESS TIME"});
  bool any_paused = false;
  for (const auto& t : r.terms()) {
    for (const auto& p : t.paused()) {
      paused.AddRow({t.term(), OrDash(p.reason()), OrDash(Id(p.charged_to())),
                     BusinessDuration(p.business_time())});
      any_paused = true;
    }
  }
  if (any_paused) out << "\npaused:\n" << paused.Render();
  if (r.breaches().empty()) {
    out << "\nno breaches\n";
  } else {
    out << "\nbreaches (oldest first):\n" << BreachesTable(r).Render();
  }
  return out.str();
}

std::string RenderLedger(const api::WaitLedger& l) {
  std::set<std::string> teams(l.teams().begin(), l.teams().end());
  std::map<std::pair<std::string, std::string>, int64_t> cells;
  std::map<std::string, int64_t> row_total;
  for (const auto& e : l.entries()) {
    teams.insert(e.waiting());
    teams.insert(e.waited_on());
    cells[{e.waiting(), e.waited_on()}] += Seconds(e);
    row_total[e.waiting()] += Seconds(e);
  }
  auto cell = [](int64_t seconds, bool any) {
    google::protobuf::Duration d;
    d.set_seconds(seconds);
    return any ? BusinessDuration(d) : "-";
  };
  std::vector<std::string> header = {"WAITING \\ ON"};
  for (const auto& t : teams) header.push_back(Id(t));
  header.push_back("TOTAL");
  Table table(header);
  for (const auto& waiting : teams) {
    std::vector<std::string> row = {Id(waiting)};
    for (const auto& on : teams) {
      const auto it = cells.find({waiting, on});
      row.push_back(
          cell(it == cells.end() ? 0 : it->second, it != cells.end()));
    }
    const auto total = row_total.find(waiting);
    row.push_back(cell(total == row_total.end() ? 0 : total->second,
                       total != row_total.end()));
    table.AddRow(row);
  }
  std::ostringstream out;
  out << "Business time each team (row) waited on another (column), "
      << FormatTime(l.from()) << " to " << FormatTime(l.to()) << " ("
      << l.clocks() << " clocks read)\n\n"
      << (teams.empty() ? "Nobody waited.\n" : table.Render());
  return out.str();
}

}  // namespace mops::cli

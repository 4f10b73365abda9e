// Agreement files, names and list filters, and what `mops ola apply`,
// `submit`, `retire` and `recalculate` say (declared in agreement_render.h).
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/agreement_render.h"
#include "clients/cli/apply_file.h"
#include "clients/cli/client.h"
#include "clients/cli/parse.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;

const FileSyntax& AgreementSyntax() {
  static const auto* syntax = new FileSyntax{
      /*enum_fields=*/{"metric", "counted_cycles", "countedCycles"},
      /*list_fields=*/
      {"liaisons", "responsibilities", "project_labels", "projectLabels",
       "project_teams", "projectTeams", "workflow_templates",
       "workflowTemplates"},
      /*file_keys=*/{"id"}};
  return *syntax;
}

// The lower-case value of `text` if it is one of `allowed`, else a usage
// error naming `flag` and the values ("a, b or c").
std::string OneOf(const std::string& flag, const std::string& text,
                  const std::vector<std::string>& allowed) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (const auto& a : allowed) {
    if (a == lower) return lower;
  }
  const std::vector<std::string> most(allowed.begin(), allowed.end() - 1);
  throw CliError{kExitUsage, absl::StrCat(flag, ": \"", text, "\" is not ",
                                          absl::StrJoin(most, ", "), " or ",
                                          allowed.back())};
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string StateOf(api::Agreement::State s) {
  return EnumName(api::Agreement::State_Name(s));
}

}  // namespace

api::Agreement ParseAgreementFile(const std::string& text,
                                  const std::string& source) {
  api::Agreement a;
  auto keys = ParseMessageFile(
      text, source, AgreementSyntax(),
      "an agreement file is a map with id, title, scope, parties, terms, ...",
      &a);
  const auto id = keys.find("id");
  if (id != keys.end()) {
    if (id->second.empty() || id->second.find('/') != std::string::npos) {
      throw CliError{kExitUsage,
                     absl::StrCat(source, ": id: \"", id->second,
                                  "\" is not an agreement id (lower-case "
                                  "letters, digits and '-', such as "
                                  "marketing-sales)")};
    }
    const std::string name = AgreementName(id->second);
    if (!a.name().empty() && AgreementName(a.name()) != name) {
      throw CliError{kExitUsage,
                     absl::StrCat(source, ": id ", id->second, " and name ",
                                  a.name(), " differ; give one of them")};
    }
    a.set_name(name);
  }
  if (a.name().empty()) {
    throw CliError{kExitUsage,
                   absl::StrCat(source,
                                ": id is required (the agreement's id, such "
                                "as marketing-sales)")};
  }
  a.set_name(AgreementName(a.name()));
  return a;
}

std::string AgreementYaml(const api::Agreement& a) {
  api::Agreement spec = a;
  for (const char* field :
       {"name", "version", "state", "active_version", "approval", "review_note",
        "etag", "create_time", "update_time", "submit_time", "activate_time",
        "end_time"}) {
    spec.GetReflection()->ClearField(
        &spec, spec.GetDescriptor()->FindFieldByName(field));
  }
  // The server may send an empty `concerns`; a file leaves it out.
  if (spec.concerns().ByteSizeLong() == 0) spec.clear_concerns();
  std::string body = MessageYaml(spec, AgreementSyntax());
  if (body == "{}\n") body.clear();
  return a.name().empty() ? body : "id: " + Id(a.name()) + "\n" + body;
}

std::string AgreementName(const std::string& id) {
  return ResourceName("agreements", id);
}

std::string ClockName(const std::string& text) {
  if (text.rfind("agreements/", 0) == 0) return text;
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
    throw CliError{kExitUsage,
                   "CLOCK: \"" + text +
                       "\" is not AGREEMENT/CLOCK (marketing-sales/c1) or "
                       "agreements/A/clocks/C"};
  }
  return "agreements/" + parts[0] + "/clocks/" + parts[1];
}

std::string AgreementsFilter(const AgreementListFlags& f) {
  std::vector<std::string> terms;
  if (!f.state.empty()) {
    terms.push_back("state = " +
                    absl::AsciiStrToUpper(OneOf("--state", f.state,
                                                {"draft", "in_review", "active",
                                                 "superseded", "retired"})));
  }
  if (!f.party.empty()) terms.push_back("party = " + Quoted(TeamName(f.party)));
  if (!f.liaison.empty()) {
    terms.push_back("liaison = " +
                    Quoted(f.liaison == "me" ? "me" : UserName(f.liaison)));
  }
  return JoinFilter(f.filter, terms);
}

std::string ClocksParent(const ClockListFlags& f) {
  return f.agreement.empty() ? "agreements/-" : AgreementName(f.agreement);
}

std::string ClocksFilter(const ClockListFlags& f) {
  std::vector<std::string> terms;
  if (!f.state.empty()) {
    terms.push_back("state = " + absl::AsciiStrToUpper(OneOf(
                                     "--state", f.state,
                                     {"running", "paused", "met", "breached",
                                      "breached_stopped", "cancelled"})));
  }
  if (!f.term.empty()) terms.push_back("term = " + Quoted(f.term));
  if (!f.subject.empty()) terms.push_back("subject = " + Quoted(f.subject));
  if (f.at_risk) terms.push_back("at_risk = true");
  if (f.breached) terms.push_back("breached = true");
  return JoinFilter(f.filter, terms);
}

TimeWindow ReportWindow(const std::string& from, const std::string& to,
                        absl::Time now) {
  TimeWindow w;
  if (to.empty()) {
    // Now to the nanosecond: the period ends before --to, and a clock
    // started this second counts.
    const absl::Duration since = now - absl::UnixEpoch();
    w.to.set_seconds(absl::ToInt64Seconds(since));
    w.to.set_nanos(static_cast<int32_t>(
        absl::ToInt64Nanoseconds(since - absl::Seconds(w.to.seconds()))));
  } else {
    w.to = ParseWhen("--to", to);
  }
  if (from.empty()) {
    w.from.set_seconds(w.to.seconds() - 30 * 86400);
  } else {
    w.from = ParseWhen("--from", from);
  }
  if (w.from.seconds() > w.to.seconds() ||
      (w.from.seconds() == w.to.seconds() && w.from.nanos() >= w.to.nanos())) {
    throw CliError{kExitUsage, "--from: " + FormatTime(w.from) +
                                   " is not before --to (" + FormatTime(w.to) +
                                   ")"};
  }
  return w;
}

std::string ApplyOutcome(const api::Agreement* before,
                         const api::Agreement& saved) {
  const std::string state = StateOf(saved.state());
  if (before == nullptr) {
    return absl::StrCat(saved.name(), " created: version ", saved.version(),
                        ", a draft (mops ola submit ", Id(saved.name()),
                        " asks the liaisons to approve it)\n");
  }
  if (saved.version() != before->version()) {
    return absl::StrCat(
        saved.name(), ": version ", saved.version(), " ", state, " created",
        saved.active_version() > 0
            ? absl::StrCat(" (version ", saved.active_version(),
                           " stays active until it is approved)")
            : "",
        "\n");
  }
  if (AgreementYaml(*before) == AgreementYaml(saved)) {
    return absl::StrCat(saved.name(), " unchanged (version ", saved.version(),
                        ", ", state, ")\n");
  }
  return absl::StrCat(saved.name(), ": version ", saved.version(), " ", state,
                      " updated\n");
}

std::string DryRunOutcome(const api::Agreement* before) {
  if (before == nullptr) return "would create version 1, a draft";
  if (before->state() == api::Agreement::DRAFT ||
      before->state() == api::Agreement::IN_REVIEW) {
    return absl::StrCat("would update version ", before->version(), ", ",
                        StateOf(before->state()));
  }
  return absl::StrCat("would make version ", before->version() + 1,
                      ", a draft (version ", before->version(), " is ",
                      StateOf(before->state()), ")");
}

std::string SubmitSummary(const api::Agreement& a) {
  std::vector<std::string> parties;
  for (const auto& p : a.parties()) parties.push_back(Id(p.team()));
  return absl::StrCat(a.name(), ": version ", a.version(), " ",
                      StateOf(a.state()), "; ",
                      a.approval().empty() ? "the approval" : a.approval(),
                      " asks one liaison of each party (",
                      absl::StrJoin(parties, ", "), ") to approve it\n");
}

std::string RetireSummary(const api::Agreement& a) {
  return absl::StrCat(a.name(), ": version ", a.version(), " ",
                      StateOf(a.state()),
                      "; no new clocks, running ones are cancelled\n");
}

std::string RecalculateSummary(const std::string& agreement,
                               const api::RecalculateClocksResponse& r,
                               bool dry_run) {
  std::string out = absl::StrCat(
      agreement, dry_run ? " (dry run): " : ": ", r.recalculated(),
      " running or paused clocks ", dry_run ? "would move" : "moved",
      " to version ", r.agreement_version(), "; ", r.left_alone(),
      " stopped clocks left as they were\n");
  if (!r.changed().empty()) {
    out += absl::StrCat("\ndue time or breach ",
                        dry_run ? "would change" : "changed", ":\n",
                        ClocksTable(r.changed()).Render());
  }
  return out;
}

}  // namespace mops::cli

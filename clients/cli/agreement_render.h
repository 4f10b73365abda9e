// mops ola ...: what the agreement commands (agreement.cc) parse and print,
// without a server, for tests: agreement files, the filters of the list
// flags, and the views of agreements, clocks, reports and the wait ledger.
#ifndef MOPS_CLIENTS_CLI_AGREEMENT_RENDER_H_
#define MOPS_CLIENTS_CLI_AGREEMENT_RENDER_H_

#include <string>

#include "absl/time/time.h"
#include "clients/cli/list.h"
#include "clients/cli/output.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "mops/v1/agreements.pb.h"

namespace mops::cli {

// ---- files (agreement_file.cc)

// An agreement file: the fields of Agreement (snake_case, or the JSON
// mapping's camelCase), enum values in any case (`metric: response`), and
// `id`, the agreement's id (`name`, bare or full, also does). The result is
// named "agreements/{id}". Throws CliError (usage) naming the source and
// the problem, such as a field Agreement does not have.
::mops::v1::Agreement ParseAgreementFile(const std::string& text,
                                         const std::string& source);

// The agreement as a file that ParseAgreementFile reads back: `id` first,
// output-only fields (version, state, etag, times, ...) left out.
std::string AgreementYaml(const ::mops::v1::Agreement& a);

// "x" -> "agreements/x"; a name with a '/' passes through.
std::string AgreementName(const std::string& id);
// CLOCK: "a/c" -> "agreements/a/clocks/c"; a full name passes through.
// Throws CliError (usage) naming CLOCK otherwise.
std::string ClockName(const std::string& text);

// The flags of `mops ola list`.
struct AgreementListFlags {
  std::string filter, state, party, liaison;
};
// --filter AND the shortcut flags' terms. Throws CliError (usage) naming
// --state for an unknown state.
std::string AgreementsFilter(const AgreementListFlags& f);

// The flags of `mops ola clocks`.
struct ClockListFlags {
  std::string filter, agreement, state, term, subject, order_by;
  bool at_risk = false, breached = false;
  int limit = kDefaultListLimit;
};
// "agreements/{a}" for --agreement, else "agreements/-".
std::string ClocksParent(const ClockListFlags& f);
// Throws CliError (usage) naming --state for an unknown state.
std::string ClocksFilter(const ClockListFlags& f);

// --from and --to of report and ledger: RFC 3339 or YYYY-MM-DD; --to
// defaults to `now`, --from to 30 days before --to. Throws CliError
// (usage) naming the flag.
struct TimeWindow {
  google::protobuf::Timestamp from, to;
};
TimeWindow ReportWindow(const std::string& from, const std::string& to,
                        absl::Time now);

// ---- what the changes say (agreement_file.cc)

// What apply did: `before` is the latest version before it (nullptr: there
// was none), `saved` what UpdateAgreement returned ("created", "version N
// draft updated", "version N draft created", "unchanged").
std::string ApplyOutcome(const ::mops::v1::Agreement* before,
                         const ::mops::v1::Agreement& saved);
// What apply would do, for --dry-run.
std::string DryRunOutcome(const ::mops::v1::Agreement* before);
// `mops ola submit`, `retire` and `recalculate`.
std::string SubmitSummary(const ::mops::v1::Agreement& a);
std::string RetireSummary(const ::mops::v1::Agreement& a);
std::string RecalculateSummary(const std::string& agreement,
                               const ::mops::v1::RecalculateClocksResponse& r,
                               bool dry_run);

// ---- views (agreement_render.cc)

// Business time as hours and minutes: "1h30m", "16h", "45m", "0m";
// seconds only under a minute ("30s").
std::string BusinessDuration(const google::protobuf::Duration& d);

Table AgreementsTable(
    const google::protobuf::RepeatedPtrField<::mops::v1::Agreement>& all);
Table AgreementVersionsTable(
    const google::protobuf::RepeatedPtrField<::mops::v1::Agreement>& all);
// `mops ola get`: title, state and versions, scope, parties with their
// liaisons and responsibilities, then each term: provider -> customer,
// metric, target and segments, warnings, escalations and conditions; then
// the decisions that concern it.
std::string RenderAgreement(const ::mops::v1::Agreement& a);

// NAME (a/c), SUBJECT, TERM, STATE, ELAPSED, TARGET, DUE.
Table ClocksTable(
    const google::protobuf::RepeatedPtrField<::mops::v1::Clock>& clocks);
// `mops ola clock`: the clock, its cycles (newest first) with pauses and
// breach, and its recalculations.
std::string RenderClock(const ::mops::v1::Clock& c);

// `mops ola report`: a row per term, the paused time by reason and party,
// then the breaches.
std::string RenderReport(const ::mops::v1::AgreementReport& r);
// `mops ola ledger`: rows are the waiting teams, columns the teams waited
// on, cells the business time (summed over entries), "-" for none.
std::string RenderLedger(const ::mops::v1::WaitLedger& l);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_AGREEMENT_RENDER_H_

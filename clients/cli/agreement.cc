// mops ola ... (alias agreement): operating-level agreements between teams
// as files (apply, like kubectl apply), their versions and review, the
// clocks that measure their terms, compliance reports and the wait ledger.
// What the commands parse and print is in agreement_render.h.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "clients/cli/agreement_render.h"
#include "clients/cli/apply_file.h"
#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "mops/v1/agreements.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Agreements = Rpc<api::AgreementService>;
using AgreementStub = api::AgreementService::Stub;

constexpr char kAgreementHelp[] = "Agreement: marketing-sales or agreements/ID";

// The latest version, or nothing when the agreement does not exist.
std::optional<api::Agreement> GetIfExists(const Agreements& rpc,
                                          const std::string& name) {
  api::GetAgreementRequest req;
  req.set_name(name);
  try {
    return rpc.Call(&AgreementStub::GetAgreement, req);
  } catch (const CliError& e) {
    if (e.message.rfind("NOT_FOUND:", 0) != 0) throw;
    return std::nullopt;
  }
}

struct ApplyFlags {
  std::string file;
  bool dry_run = false;
};

void Apply(const Cli& cli, const Agreements& rpc, const ApplyFlags& f) {
  const api::Agreement a = ParseAgreementFile(ReadFileFlag(f.file), f.file);
  const std::optional<api::Agreement> current = GetIfExists(rpc, a.name());
  const api::Agreement* before = current ? &*current : nullptr;
  const std::string before_yaml = current ? AgreementYaml(*current) : "";
  // The same file again changes nothing, but makes the next draft of a
  // retired agreement (to bring it back).
  const bool unchanged = current &&
                         current->state() != api::Agreement::RETIRED &&
                         before_yaml == AgreementYaml(a);
  api::UpdateAgreementRequest req;
  *req.mutable_agreement() = a;
  if (current) req.mutable_agreement()->set_etag(current->etag());
  req.mutable_update_mask()->add_paths("*");
  req.set_allow_missing(true);
  if (f.dry_run) {
    req.set_validate_only(true);
    const std::string diff =
        UnifiedDiff(before_yaml, AgreementYaml(a),
                    current ? a.name() : "/dev/null", f.file);
    std::cout << (diff.empty() ? "No change.\n" : diff);
    // A file the server refuses fails the dry run too (exit 1), so that a
    // CI check can use it; other errors keep their own exit codes.
    rpc.Call(&AgreementStub::UpdateAgreement, req);
    std::cout << a.name() << " (dry run): "
              << (unchanged ? std::string("nothing would change")
                            : DryRunOutcome(before))
              << "; the file is valid\n";
    return;
  }
  // No new draft of an active agreement that would be the same.
  if (unchanged) {
    cli.PrintDone(*current, ApplyOutcome(before, *current));
    return;
  }
  const api::Agreement saved = rpc.Call(&AgreementStub::UpdateAgreement, req);
  cli.PrintDone(saved, ApplyOutcome(before, saved));
}

void AddApply(CLI::App* ola, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<ApplyFlags>();
  auto* apply = ola->add_subcommand(
      "apply",
      "Create or edit an agreement from a YAML or JSON file: the draft, or "
      "a new draft version when the latest is active (it stays active "
      "until the draft is approved). The file is the whole agreement: what "
      "it leaves out is cleared.\n"
      "Example: mops ola apply -f examples/agreements/marketing-sales.yaml "
      "--dry-run");
  apply->add_option("-f,--file", f->file, "The file ('-': standard input)")
      ->required();
  apply->add_flag("--dry-run", f->dry_run,
                  "Show the diff against the latest version and check the "
                  "file; change nothing");
  OnCall<Agreements>(apply, cli, action,
                     [&cli, f](const Agreements& rpc) { Apply(cli, rpc, *f); });
}

void AddReads(CLI::App* ola, Cli& cli, std::function<void()>& action) {
  auto lf = std::make_shared<AgreementListFlags>();
  auto* list = ola->add_subcommand(
      "list",
      "Agreements (their latest versions); the shortcut flags become an "
      "AIP-160 filter, joined by AND.\n"
      "Example: mops ola list --party sales --state active");
  list->add_option("--state", lf->state,
                   "draft, in_review, active, superseded or retired");
  list->add_option("--party", lf->party, "With this team as a party");
  list->add_option("--liaison", lf->liaison,
                   "With this user as a liaison ('me': you)");
  list->add_option("--filter", lf->filter,
                   "AIP-160 filter on state, party, liaison");
  OnCall<Agreements>(list, cli, action, [&cli, lf](const Agreements& rpc) {
    api::ListAgreementsRequest req;
    req.set_filter(AgreementsFilter(*lf));
    auto all = rpc.ListAll(&AgreementStub::ListAgreements, req);
    cli.Print(all, [&] { return AgreementsTable(all.agreements()); });
  });

  struct GetFlags {
    std::string id;
    int64_t version = 0;
  };
  auto gf = std::make_shared<GetFlags>();
  auto* get = ola->add_subcommand(
      "get",
      "An agreement: state and versions, scope, parties with liaisons and "
      "responsibilities, and each term with its target, conditions, "
      "warnings and escalations.\n"
      "Example: mops ola get marketing-sales --version 2");
  get->add_option("AGREEMENT", gf->id, kAgreementHelp)->required();
  get->add_option("--version", gf->version,
                  "This version (default: the latest)")
      ->check(VersionNumber());
  OnCall<Agreements>(get, cli, action, [&cli, gf](const Agreements& rpc) {
    api::GetAgreementRequest req;
    req.set_name(AgreementName(gf->id));
    if (gf->version > 0) {
      req.set_name(req.name() + "/versions/" + std::to_string(gf->version));
    }
    auto a = rpc.Call(&AgreementStub::GetAgreement, req);
    cli.PrintWith(a, [&] { std::cout << RenderAgreement(a); });
  });

  auto vid = std::make_shared<std::string>();
  auto* versions = ola->add_subcommand(
      "versions",
      "An agreement's versions, newest first, with their review.\n"
      "Example: mops ola versions marketing-sales");
  versions->add_option("AGREEMENT", *vid, kAgreementHelp)->required();
  OnCall<Agreements>(versions, cli, action, [&cli, vid](const Agreements& rpc) {
    api::ListAgreementVersionsRequest req;
    req.set_parent(AgreementName(*vid));
    auto all = rpc.ListAll(&AgreementStub::ListAgreementVersions, req);
    cli.Print(all, [&] { return AgreementVersionsTable(all.versions()); });
  });
}

void AddReview(CLI::App* ola, Cli& cli, std::function<void()>& action) {
  struct SubmitFlags {
    std::string id, due, comment, etag, request_id;
  };
  auto sf = std::make_shared<SubmitFlags>();
  auto* submit = ola->add_subcommand(
      "submit",
      "Check the draft and ask one liaison of every party to approve it; "
      "approved, it becomes the active version.\n"
      "Example: mops ola submit marketing-sales --due 5bd -m 'p0 MQLs "
      "within an hour'");
  submit->add_option("AGREEMENT", sf->id, kAgreementHelp)->required();
  submit->add_option("--due", sf->due,
                     "The approval's deadline: business time (5bd, 16bh) or "
                     "RFC 3339");
  submit->add_option("-m,--comment", sf->comment, "For the liaisons");
  submit->add_option("--etag", sf->etag,
                     "Submit only if the draft still has this etag");
  submit->add_option("--request-id", sf->request_id,
                     "Idempotency key: a retry with the same id asks nothing "
                     "more");
  OnCall<Agreements>(submit, cli, action, [&cli, sf](const Agreements& rpc) {
    api::SubmitAgreementRequest req;
    req.set_name(AgreementName(sf->id));
    req.set_due(sf->due);
    req.set_comment(sf->comment);
    req.set_etag(sf->etag);
    req.set_request_id(sf->request_id);
    auto a = rpc.Call(&AgreementStub::SubmitAgreement, req);
    cli.PrintDone(a, SubmitSummary(a));
  });

  struct RetireFlags {
    std::string id, reason, request_id;
  };
  auto rf = std::make_shared<RetireFlags>();
  auto* retire = ola->add_subcommand(
      "retire",
      "End the active version: no new clocks, running ones are cancelled.\n"
      "Example: mops ola retire marketing-it -m 'replaced by the IT service "
      "catalogue'");
  retire->add_option("AGREEMENT", rf->id, kAgreementHelp)->required();
  retire->add_option("-m,--reason", rf->reason, "Why, for the log");
  retire->add_option("--request-id", rf->request_id,
                     "Idempotency key: a retry with the same id changes "
                     "nothing");
  OnCall<Agreements>(retire, cli, action, [&cli, rf](const Agreements& rpc) {
    api::RetireAgreementRequest req;
    req.set_name(AgreementName(rf->id));
    req.set_reason(rf->reason);
    req.set_request_id(rf->request_id);
    auto a = rpc.Call(&AgreementStub::RetireAgreement, req);
    cli.PrintDone(a, RetireSummary(a));
  });
}

void AddRecalculate(CLI::App* ola, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, calendar, request_id;
    int64_t calendar_version = 0;
    bool dry_run = false;
  };
  auto f = std::make_shared<Flags>();
  auto* recalc = ola->add_subcommand(
      "recalculate",
      "Move the agreement's running and paused clocks to its active version "
      "and to a version of their calendar (after a holiday was added, say); "
      "stopped clocks stay as they are.\n"
      "Example: mops ola recalculate marketing-sales --calendar sales "
      "--dry-run");
  recalc->add_option("AGREEMENT", f->id, kAgreementHelp)->required();
  recalc->add_option("--calendar", f->calendar,
                     "Only the clocks on this calendar (default: every one)");
  recalc
      ->add_option("--calendar-version", f->calendar_version,
                   "Count with this calendar version (default: the current)")
      ->check(VersionNumber());
  recalc->add_flag("--dry-run", f->dry_run,
                   "Say what would change; change nothing");
  recalc->add_option("--request-id", f->request_id,
                     "Idempotency key: a retry with the same id changes "
                     "nothing");
  OnCall<Agreements>(recalc, cli, action, [&cli, f](const Agreements& rpc) {
    api::RecalculateClocksRequest req;
    req.set_agreement(AgreementName(f->id));
    if (!f->calendar.empty()) {
      req.set_calendar(ResourceName("calendars", f->calendar));
    }
    req.set_calendar_version(f->calendar_version);
    req.set_validate_only(f->dry_run);
    req.set_request_id(f->request_id);
    auto r = rpc.Call(&AgreementStub::RecalculateClocks, req);
    cli.PrintDone(r, RecalculateSummary(req.agreement(), r, f->dry_run));
  });
}

void AddClocks(CLI::App* ola, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<ClockListFlags>();
  auto* clocks = ola->add_subcommand(
      "clocks",
      "The clocks measuring the terms of one agreement or of all; the "
      "shortcut flags become an AIP-160 filter, joined by AND.\n"
      "Example: mops ola clocks --agreement marketing-sales --at-risk "
      "--order-by due_time");
  clocks->add_option("--agreement", f->agreement,
                     "Of this agreement (default: every agreement)");
  clocks->add_option("--state", f->state,
                     "running, paused, met, breached, breached_stopped or "
                     "cancelled (the current cycle's)");
  clocks->add_option("--term", f->term, "Of this term (its id)");
  clocks->add_option("--subject", f->subject,
                     "Measuring this task, approval or workflow stage");
  clocks->add_flag("--at-risk", f->at_risk,
                   "Past the last warning share of the target, or breached "
                   "and not stopped");
  clocks->add_flag("--breached", f->breached, "Past the target");
  clocks->add_option("--filter", f->filter,
                     "AIP-160 filter on state, term, subject, provider, "
                     "customer, breached, at_risk");
  clocks->add_option("--order-by", f->order_by,
                     "start_time (default) or due_time");
  AddLimitFlag(clocks, &f->limit);
  OnCall<Agreements>(clocks, cli, action, [&cli, f](const Agreements& rpc) {
    api::ListClocksRequest req;
    req.set_parent(ClocksParent(*f));
    req.set_filter(ClocksFilter(*f));
    req.set_order_by(f->order_by);
    auto all = rpc.ListUpTo(
        &AgreementStub::ListClocks, req, f->limit,
        [](api::ListClocksResponse* r) { return r->mutable_clocks(); });
    cli.Print(all, [&] { return ClocksTable(all.clocks()); });
  });

  auto name = std::make_shared<std::string>();
  auto* clock = ola->add_subcommand(
      "clock",
      "One clock: its cycles with pauses (why, charged to whom) and "
      "breach, and its recalculations.\n"
      "Example: mops ola clock marketing-sales/c1a2");
  clock
      ->add_option("CLOCK", *name,
                   "AGREEMENT/CLOCK (as `clocks` lists it) or "
                   "agreements/A/clocks/C")
      ->required();
  OnCall<Agreements>(clock, cli, action, [&cli, name](const Agreements& rpc) {
    api::GetClockRequest req;
    req.set_name(ClockName(*name));
    auto c = rpc.Call(&AgreementStub::GetClock, req);
    cli.PrintWith(c, [&] { std::cout << RenderClock(c); });
  });
}

// --from and --to of report and ledger.
struct WindowFlags {
  std::string from, to;
  void Add(CLI::App* cmd) {
    cmd->add_option("--from", from,
                    "Start: RFC 3339 or YYYY-MM-DD (default: 30 days before "
                    "--to)");
    cmd->add_option("--to", to,
                    "End, excluded: RFC 3339 or YYYY-MM-DD (default: now)");
  }
};

void AddReports(CLI::App* ola, Cli& cli, std::function<void()>& action) {
  struct ReportFlags {
    std::string id;
    WindowFlags window;
  };
  auto rf = std::make_shared<ReportFlags>();
  auto* report = ola->add_subcommand(
      "report",
      "Compliance per term over the cycles that started in [--from, --to): "
      "started, met, breached, running, % met, median and p90 time to "
      "stop, time paused by reason and party; then the breaches.\n"
      "Example: mops ola report marketing-sales --from 2027-01-01 --to "
      "2027-02-01");
  report->add_option("AGREEMENT", rf->id, kAgreementHelp)->required();
  rf->window.Add(report);
  OnCall<Agreements>(report, cli, action, [&cli, rf](const Agreements& rpc) {
    const TimeWindow w =
        ReportWindow(rf->window.from, rf->window.to, absl::Now());
    api::GetAgreementReportRequest req;
    req.set_agreement(AgreementName(rf->id));
    *req.mutable_from() = w.from;
    *req.mutable_to() = w.to;
    auto r = rpc.Call(&AgreementStub::GetAgreementReport, req);
    cli.PrintWith(r, [&] { std::cout << RenderReport(r); });
  });

  auto lf = std::make_shared<WindowFlags>();
  auto* ledger = ola->add_subcommand(
      "ledger",
      "Who waited on whom, in business time, across every agreement: the "
      "customer on the provider while a clock runs, the provider on the "
      "party a pause is charged to.\n"
      "Example: mops ola ledger --from 2027-01-01 -o json");
  lf->Add(ledger);
  OnCall<Agreements>(ledger, cli, action, [&cli, lf](const Agreements& rpc) {
    const TimeWindow w = ReportWindow(lf->from, lf->to, absl::Now());
    api::GetWaitLedgerRequest req;
    *req.mutable_from() = w.from;
    *req.mutable_to() = w.to;
    auto l = rpc.Call(&AgreementStub::GetWaitLedger, req);
    cli.PrintWith(l, [&] { std::cout << RenderLedger(l); });
  });
}

}  // namespace

void AddAgreement(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* ola = app.add_subcommand(
      "ola",
      "Operating-level agreements between teams (alias: agreement): files, "
      "versions and review, the clocks of their terms, reports");
  ola->alias("agreement");
  ola->alias("agreements");
  ola->require_subcommand(1);
  AddApply(ola, cli, action);
  AddReads(ola, cli, action);
  AddReview(ola, cli, action);
  AddClocks(ola, cli, action);
  AddReports(ola, cli, action);
  AddRecalculate(ola, cli, action);
}

}  // namespace mops::cli

// The agreement-report scenario: GetAgreementReport of
// agreements/bench-report over the whole period, which reads every clock
// of the agreement and counts business time on each. Only reads.
//
// The setup, once before the first run, activates the agreement (Marketing
// and Sales, one term: a clock starts on `task.created` of a task labelled
// ola-report and stops when it is done), makes --report-clocks labelled
// tasks in projects/bench-report (BatchCreateTasks of 1000, so each batch
// starts 1000 clocks in its commit), completes one in four of them
// (CompleteTask from 16 clients; their clocks are met, the others run),
// waits for the server to settle, then checks one report and times
// GetWaitLedger (every clock of every agreement) once; the note says what
// it found.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/bench/bench.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/agreements.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::bench {
namespace {

constexpr char kId[] = "bench-report";
constexpr char kLabel[] = "ola-report";
constexpr char kProject[] = "bench-report";
constexpr char kPrefix[] = "r";

v1::Agreement ReportAgreement() {
  v1::Agreement a;
  a.set_title("Marketing and Sales, reported (mops-bench)");
  *a.add_parties() = BenchParty("teams/marketing");
  *a.add_parties() = BenchParty("teams/sales");
  *a.add_terms() =
      BenchTerm("lead-done", "teams/sales", v1::AgreementTerm::RESOLUTION,
                "5bd", kLabel, "DONE");
  return a;
}

google::protobuf::Timestamp Proto(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

grpc::Status CallReport(const World& w, v1::AgreementService::Stub* stub,
                        v1::AgreementReport* out) {
  v1::GetAgreementReportRequest req;
  req.set_agreement(absl::StrCat("agreements/", kId));
  *req.mutable_from() = Proto(w.report_from);
  *req.mutable_to() = Proto(w.report_to);
  Ctx ctx(w.admin);
  return stub->GetAgreementReport(ctx.get(), req, out);
}

double MsSince(absl::Time t0) {
  return absl::ToDoubleMilliseconds(absl::Now() - t0);
}

// Completes tasks r0, r4, r8, ... from 16 clients; returns how many are
// done (one an earlier run completed counts).
int CompleteOneInFour(const World& w, int n) {
  const int64_t count = (n + 3) / 4;
  std::vector<std::unique_ptr<v1::TaskService::Stub>> stubs;
  for (int i = 0; i < 16; ++i) {
    stubs.push_back(v1::TaskService::NewStub(NewChannel(w.server, 3000 + i)));
  }
  Parallel(16, count, [&](int t, int64_t i) {
    v1::TaskActionRequest req;
    req.set_name(
        absl::StrCat("projects/", kProject, "/tasks/", kPrefix, 4 * i));
    v1::Task done;
    Ctx ctx(w.admin);
    grpc::Status s = stubs[t]->CompleteTask(ctx.get(), req, &done);
    if (!s.ok() && s.error_code() != grpc::FAILED_PRECONDITION) {
      Die("complete " + req.name(), s);
    }
  });
  return static_cast<int>(count);
}

// Checks one report against what the setup made and times it and
// GetWaitLedger; returns the note.
std::string CheckAndTime(const World& w, int completed) {
  auto stub = v1::AgreementService::NewStub(NewChannel(w.server, -1));
  v1::AgreementReport r;
  absl::Time t0 = absl::Now();
  grpc::Status s = CallReport(w, stub.get(), &r);
  const double report_ms = MsSince(t0);
  if (!s.ok()) Die(absl::StrCat("report on agreements/", kId), s);
  if (r.clocks() < w.report_clocks || r.terms_size() != 1 ||
      r.terms(0).met() < completed) {
    Die("check the report",
        grpc::Status(grpc::StatusCode::INTERNAL,
                     absl::StrCat("it read ", r.clocks(), " clocks (",
                                  w.report_clocks, " made) and counts ",
                                  r.terms_size() == 1 ? r.terms(0).met() : 0,
                                  " met (", completed, " completed)")));
  }
  v1::GetWaitLedgerRequest req;
  *req.mutable_from() = Proto(w.report_from);
  *req.mutable_to() = Proto(w.report_to);
  v1::WaitLedger ledger;
  t0 = absl::Now();
  {
    Ctx ctx(w.admin);
    s = stub->GetWaitLedger(ctx.get(), req, &ledger);
  }
  const double ledger_ms = MsSince(t0);
  if (!s.ok()) Die("GetWaitLedger", s);
  return absl::StrFormat(
      "%d clocks (%d met, %d running); first report %.0f ms; GetWaitLedger "
      "%.0f ms over %d clocks",
      r.clocks(), r.terms(0).met(), r.terms(0).running(), report_ms, ledger_ms,
      ledger.clocks());
}

void SetUpReport(World& w) {
  const int n = w.report_clocks;
  std::cerr << "making agreements/" << kId << " and " << n
            << " tasks with a clock each...\n";
  EnsureProject(w, kProject);
  ActivateAgreement(w, kId, ReportAgreement());
  // The whole period: every clock an earlier run (of the last 30 days)
  // made too.
  const absl::Time now = absl::Now();
  w.report_from = now - absl::Hours(24 * 30);
  w.report_to = now + absl::Hours(24);
  absl::Time t0 = absl::Now();
  CreateTasks(w, kProject, kPrefix, n, 1, {kLabel});
  const double create_s = MsSince(t0) / 1000;
  t0 = absl::Now();
  const int completed = CompleteOneInFour(w, n);
  const double complete_s = MsSince(t0) / 1000;
  std::cerr << absl::StrFormat(
      "made %d tasks with clocks in %.1f s, completed %d in %.1f s\n", n,
      create_s, completed, complete_s);
  if (w.server_pid > 0) WaitIdle(w.server_pid, absl::Seconds(60));
  w.report_note = CheckAndTime(w, completed);
  w.report_ready = true;
}

}  // namespace

Load AgreementReportScenario(World& w) {
  if (!w.report_ready) SetUpReport(w);
  MakeOp make = [&w](int, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub = std::shared_ptr<v1::AgreementService::Stub>(
        v1::AgreementService::NewStub(ch));
    return [stub, &w](bool*) {
      v1::AgreementReport r;
      return CallReport(w, stub.get(), &r).ok() &&
             r.clocks() >= w.report_clocks;
    };
  };
  return {make, {}, w.report_note};
}

}  // namespace mops::bench

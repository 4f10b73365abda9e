// The create-task-agreements scenario: create-task's load (the same
// CreateTask from the same clients) with each task labelled ola-load, while
// five agreements are active between teams/marketing and sales, it,
// finance, legal and design, each with one or two terms (8 in all) whose
// start condition is `task.created` with `labels:ola-load`: every create
// is checked against their terms and starts 8 clocks in its own commit.
// Compare its figures with create-task's: the difference is the cost of
// clock evaluation and of the clocks per write.
//
// The setup, once before the first run, makes the two teams the server
// does not start with, the liaisons (bench-liaison-{team}, with tokens)
// and the agreements; submits each as admin and has the liaison of each
// party approve it; then creates one labelled task and checks that it got
// one clock per term. The agreements stay active after the scenario.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "clients/bench/bench.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/agreements.grpc.pb.h"
#include "mops/v1/approvals.grpc.pb.h"
#include "mops/v1/identity.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::bench {
namespace {

constexpr char kLabel[] = "ola-load";
constexpr char kCustomer[] = "teams/marketing";
// The partner of each agreement; legal and design are made by the setup.
constexpr const char* kPartners[] = {"sales", "it", "finance", "legal",
                                     "design"};

std::string LiaisonId(const std::string& team) {
  absl::string_view id = team;
  absl::ConsumePrefix(&id, "teams/");
  return absl::StrCat("bench-liaison-", id);
}

void EnsureTeam(v1::IdentityService::Stub* stub, const std::string& admin,
                const std::string& id) {
  v1::CreateTeamRequest req;
  req.set_team_id(id);
  req.mutable_team()->set_display_name(absl::StrCat("Benchmark ", id));
  v1::Team t;
  Ctx ctx(admin);
  grpc::Status s = stub->CreateTeam(ctx.get(), req, &t);
  if (!s.ok() && s.error_code() != grpc::ALREADY_EXISTS) {
    Die("create team " + id, s);
  }
}

// The agreement as stored now: made from `spec`, or the one an earlier
// run made.
v1::Agreement CreateOrGet(const World& w, v1::AgreementService::Stub* stub,
                          const std::string& id, const v1::Agreement& spec) {
  v1::CreateAgreementRequest create;
  create.set_agreement_id(id);
  *create.mutable_agreement() = spec;
  v1::Agreement a;
  grpc::Status s;
  {
    Ctx ctx(w.admin);
    s = stub->CreateAgreement(ctx.get(), create, &a);
  }
  if (s.error_code() == grpc::ALREADY_EXISTS) {
    v1::GetAgreementRequest get;
    get.set_name("agreements/" + id);
    Ctx ctx(w.admin);
    s = stub->GetAgreement(ctx.get(), get, &a);
  }
  if (!s.ok()) Die("create agreements/" + id, s);
  return a;
}

// Each party's first liaison approves the review `approval`; one who
// decided already (in an earlier, interrupted run) is passed over.
void ApproveAsLiaisons(const World& w, const v1::Agreement& a,
                       const std::map<std::string, std::string>& tokens) {
  auto stub = v1::ApprovalService::NewStub(NewChannel(w.server, -1));
  for (const v1::AgreementParty& p : a.parties()) {
    v1::DecideApprovalRequest req;
    req.set_name(a.approval());
    req.set_outcome(v1::Decision::APPROVE);
    v1::Approval out;
    Ctx ctx(tokens.at(p.liaisons(0)));
    grpc::Status s = stub->DecideApproval(ctx.get(), req, &out);
    if (!s.ok() && s.error_code() != grpc::FAILED_PRECONDITION) {
      Die(absl::StrCat(p.liaisons(0), " approves ", a.approval()), s);
    }
  }
}

}  // namespace

v1::AgreementParty BenchParty(const std::string& team) {
  v1::AgreementParty p;
  p.set_team(team);
  p.add_liaisons(absl::StrCat("users/", LiaisonId(team)));
  return p;
}

v1::AgreementTerm BenchTerm(const std::string& id, const std::string& provider,
                            v1::AgreementTerm::Metric metric,
                            const std::string& target, const std::string& label,
                            const std::string& stop_state) {
  v1::AgreementTerm t;
  t.set_id(id);
  t.set_title(absl::StrCat(provider, " ", id, " (mops-bench)"));
  t.set_provider(provider);
  t.set_customer(kCustomer);
  t.set_metric(metric);
  t.set_target(target);
  v1::ClockCondition* start = t.add_start();
  start->set_event_type("task.created");
  start->set_filter(absl::StrCat("labels:", label));
  v1::ClockCondition* stop = t.add_stop();
  stop->set_event_type("task.state_changed");
  stop->set_filter(absl::StrCat("labels:", label, " AND state = ", stop_state));
  return t;
}

void ActivateAgreement(const World& w, const std::string& id,
                       const v1::Agreement& spec) {
  // The liaisons must exist before the agreement names them.
  auto ident = v1::IdentityService::NewStub(NewChannel(w.server, -1));
  std::map<std::string, std::string> tokens;
  for (const v1::AgreementParty& p : spec.parties()) {
    for (const std::string& l : p.liaisons()) {
      absl::string_view user = l;
      absl::ConsumePrefix(&user, "users/");
      tokens[l] = TokenFor(ident.get(), w.admin, std::string(user));
    }
  }
  auto stub = v1::AgreementService::NewStub(NewChannel(w.server, -1));
  v1::Agreement a = CreateOrGet(w, stub.get(), id, spec);
  if (a.state() == v1::Agreement::ACTIVE) return;
  if (a.state() == v1::Agreement::DRAFT) {
    v1::SubmitAgreementRequest submit;
    submit.set_name(a.name());
    Ctx ctx(w.admin);
    grpc::Status s = stub->SubmitAgreement(ctx.get(), submit, &a);
    if (!s.ok()) Die("submit " + a.name(), s);
  }
  if (a.state() == v1::Agreement::IN_REVIEW) ApproveAsLiaisons(w, a, tokens);
  v1::GetAgreementRequest get;
  get.set_name(a.name());
  Ctx ctx(w.admin);
  grpc::Status s = stub->GetAgreement(ctx.get(), get, &a);
  if (!s.ok()) Die("get " + a.name(), s);
  if (a.state() != v1::Agreement::ACTIVE) {
    Die("activate " + a.name(),
        grpc::Status(
            grpc::StatusCode::FAILED_PRECONDITION,
            absl::StrCat("it is ", v1::Agreement::State_Name(a.state()),
                         " after its review: ", a.review_note())));
  }
}

namespace {

// Agreement i: a response term on every create and, for every other
// agreement, a resolution term too.
v1::Agreement LoadAgreement(int i) {
  const std::string partner = absl::StrCat("teams/", kPartners[i]);
  v1::Agreement a;
  a.set_title(absl::StrCat("Marketing and ", kPartners[i], " (mops-bench)"));
  *a.add_parties() = BenchParty(kCustomer);
  *a.add_parties() = BenchParty(partner);
  v1::AgreementTerm* response = a.add_terms();
  *response = BenchTerm("response", partner, v1::AgreementTerm::RESPONSE, "2bd",
                        kLabel, "IN_PROGRESS");
  v1::TermSegment* p0 = response->add_segments();
  p0->set_name("p0");
  p0->set_filter("priority = P0");
  p0->set_target("4bh");
  if (i % 2 == 0) {
    *a.add_terms() =
        BenchTerm("resolution", partner, v1::AgreementTerm::RESOLUTION, "5bd",
                  kLabel, "DONE");
  }
  return a;
}

// Creates one labelled task and returns how many clocks it got.
int ClocksOfOneCreate(const World& w) {
  auto channel = NewChannel(w.server, -1);
  auto tasks = v1::TaskService::NewStub(channel);
  v1::CreateTaskRequest create;
  create.set_parent("projects/bench-writes");
  create.mutable_task()->set_title("Agreements probe");
  create.mutable_task()->set_assignee("users/a0");
  create.mutable_task()->add_labels(kLabel);
  v1::Task t;
  {
    Ctx ctx(w.admin);
    grpc::Status s = tasks->CreateTask(ctx.get(), create, &t);
    if (!s.ok()) Die("create the probe task", s);
  }
  auto agreements = v1::AgreementService::NewStub(channel);
  v1::ListClocksRequest list;
  list.set_parent("agreements/-");
  list.set_filter(absl::StrCat("subject = \"", t.name(), "\""));
  list.set_page_size(100);
  v1::ListClocksResponse resp;
  Ctx ctx(w.admin);
  grpc::Status s = agreements->ListClocks(ctx.get(), list, &resp);
  if (!s.ok()) Die("list the probe task's clocks", s);
  return resp.clocks_size();
}

void SetUpAgreements(World& w) {
  std::cerr << "activating 5 agreements on tasks labelled " << kLabel
            << "...\n";
  auto ident = v1::IdentityService::NewStub(NewChannel(w.server, -1));
  int terms = 0;
  for (int i = 0; i < 5; ++i) {
    EnsureTeam(ident.get(), w.admin, kPartners[i]);
    const v1::Agreement spec = LoadAgreement(i);
    terms += spec.terms_size();
    ActivateAgreement(w, absl::StrCat("bench-ola-", kPartners[i]), spec);
  }
  const int clocks = ClocksOfOneCreate(w);
  if (clocks != terms) {
    Die("check the agreements",
        grpc::Status(
            grpc::StatusCode::INTERNAL,
            absl::StrCat("a labelled task got ", clocks,
                         " clocks; the agreements have ", terms, " terms")));
  }
  w.agreements_note = absl::StrFormat(
      "5 active agreements, %d terms: %d clocks started per create", terms,
      clocks);
  w.agreements_ready = true;
}

}  // namespace

Load CreateTaskAgreementsScenario(World& w) {
  if (!w.agreements_ready) SetUpAgreements(w);
  Load load{CreateTaskScenario(w, kLabel), {}, w.agreements_note};
  return load;
}

}  // namespace mops::bench

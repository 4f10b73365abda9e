// The advance-workflow scenario: completing the open task of a run's active
// stage, which in the same commit finishes that stage and starts the next
// one with its task. Each client drives its own runs of an 8-stage chain of
// task stages in projects/bench-workflows, as bench-runner, a member of the
// project's team (run starters must be, and it makes the tasks as them); a
// finished run is replaced by a new one.
//
// One operation is one advance: CompleteTask, timed alone (the write that
// advances the run), then GetWorkflow, which checks that the next stage is
// active with one task and names the task the next operation completes
// (and, after the last stage, StartWorkflow of the next run). A run that
// did not move on as it should counts as an error.
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/bench/bench.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/identity.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"
#include "mops/v1/workflows.grpc.pb.h"

namespace mops::bench {
namespace {

constexpr char kTemplateId[] = "bench-chain";
constexpr char kProject[] = "bench-workflows";
constexpr char kRunner[] = "bench-runner";
constexpr char kTeam[] = "teams/marketing";  // CreateBenchProject's
constexpr int kStages = 8;

std::string TemplateName() {
  return absl::StrCat("workflowTemplates/", kTemplateId);
}

std::string StageId(int i) { return absl::StrCat("s", i + 1); }

// s1..s8, each after the one before and making one task; the run's
// variable n (client-run) tells the runs' tasks apart.
v1::WorkflowTemplate ChainTemplate() {
  v1::WorkflowTemplate t;
  t.set_display_name("Benchmark chain");
  t.set_description("mops-bench advance-workflow: 8 task stages in a row");
  t.set_team(kTeam);
  v1::WorkflowVariable* n = t.add_variables();
  n->set_name("n");
  n->set_type(v1::WorkflowVariable::STRING);
  n->set_required(true);
  for (int i = 0; i < kStages; ++i) {
    v1::WorkflowStage* s = t.add_stages();
    s->set_id(StageId(i));
    s->set_title(absl::StrCat("Step ", i + 1));
    if (i > 0) s->add_after(StageId(i - 1));
    s->mutable_task()->add_tasks()->set_title(
        absl::StrCat("Step ", i + 1, " of {{n}}"));
  }
  return t;
}

// Creates workflowTemplates/bench-chain and publishes it. Against a server
// an earlier run set up, the draft is set to the chain again and published
// only if that changed it (publishing an unchanged draft is refused).
void PublishChain(const World& w) {
  auto stub = v1::WorkflowService::NewStub(NewChannel(w.server, -1));
  v1::CreateWorkflowTemplateRequest create;
  create.set_workflow_template_id(kTemplateId);
  *create.mutable_workflow_template() = ChainTemplate();
  v1::WorkflowTemplate draft;
  grpc::Status s;
  {
    Ctx ctx(w.admin);
    s = stub->CreateWorkflowTemplate(ctx.get(), create, &draft);
  }
  if (s.error_code() == grpc::ALREADY_EXISTS) {
    v1::UpdateWorkflowTemplateRequest update;
    *update.mutable_workflow_template() = ChainTemplate();
    update.mutable_workflow_template()->set_name(TemplateName());
    Ctx ctx(w.admin);
    s = stub->UpdateWorkflowTemplate(ctx.get(), update, &draft);
  }
  if (!s.ok()) Die("create the workflow template " + TemplateName(), s);
  if (!draft.draft_changed()) return;
  v1::PublishWorkflowTemplateRequest publish;
  publish.set_name(TemplateName());
  v1::WorkflowTemplateVersion version;
  Ctx ctx(w.admin);
  s = stub->PublishWorkflowTemplate(ctx.get(), publish, &version);
  if (!s.ok()) Die("publish " + TemplateName(), s);
}

// The stage `id` of `run`; null when it has none.
const v1::WorkflowStageState* FindStage(const v1::Workflow& run,
                                        const std::string& id) {
  for (const v1::WorkflowStageState& s : run.stages()) {
    if (s.id() == id) return &s;
  }
  return nullptr;
}

// Why stage `i` of `run` is not in `state` (with one task when ACTIVE);
// empty when it is.
std::string StageProblem(const v1::Workflow& run, int i,
                         v1::WorkflowStageState::State state) {
  const v1::WorkflowStageState* s = FindStage(run, StageId(i));
  if (s == nullptr) {
    return absl::StrCat(run.name(), " has no stage ", StageId(i));
  }
  const bool one_task =
      state != v1::WorkflowStageState::ACTIVE || s->tasks_size() == 1;
  if (s->state() != state || !one_task) {
    return absl::StrCat(run.name(), " stage ", StageId(i), " is ",
                        v1::WorkflowStageState::State_Name(s->state()),
                        " with ", s->tasks_size(), " task(s), not ",
                        v1::WorkflowStageState::State_Name(state),
                        one_task ? "" : " with one");
  }
  return "";
}

// One client's runs: the run it drives and the task it completes next.
class Runner {
 public:
  Runner(const World& w, int client, std::shared_ptr<grpc::Channel> channel,
         std::shared_ptr<std::atomic<bool>> reported)
      : w_(w),
        client_(client),
        reported_(std::move(reported)),
        workflows_(v1::WorkflowService::NewStub(channel)),
        tasks_(v1::TaskService::NewStub(channel)) {}

  // Starts a run; INTERNAL when its first stage is not active with one
  // task.
  grpc::Status Start();

  // One operation: a new run if the last one is over, then one advance.
  bool Step() {
    if (run_.empty()) {
      grpc::Status s = Start();
      if (!s.ok()) return Fail(s.error_message());
    }
    return Advance();
  }

 private:
  bool Advance();
  // Reports the first problem of the scenario's run on stderr (the error
  // count alone does not say what went wrong) and drops the run: the next
  // operation starts another.
  bool Fail(const std::string& why) {
    if (!reported_->exchange(true)) {
      std::cerr << "mops-bench: advance-workflow: " << why << "\n";
    }
    run_.clear();
    return false;
  }

  const World& w_;
  const int client_;
  std::shared_ptr<std::atomic<bool>> reported_;
  std::unique_ptr<v1::WorkflowService::Stub> workflows_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  int64_t started_ = 0;
  std::string run_;   // "workflows/{w}"; empty: none yet, or it is over
  int stage_ = 0;     // the active stage's index
  std::string task_;  // its task, "projects/p/tasks/t"
};

grpc::Status Runner::Start() {
  v1::StartWorkflowRequest req;
  req.set_template_(TemplateName());
  req.set_project(absl::StrCat("projects/", kProject));
  const std::string n = absl::StrCat(client_, "-", ++started_);
  req.set_title("Benchmark run " + n);
  (*req.mutable_variables())["n"] = n;
  v1::Workflow run;
  Ctx ctx(w_.runner_token);
  grpc::Status s = workflows_->StartWorkflow(ctx.get(), req, &run);
  if (!s.ok()) {
    return grpc::Status(s.error_code(),
                        absl::StrCat("start a run: ", s.error_message()));
  }
  const std::string why = StageProblem(run, 0, v1::WorkflowStageState::ACTIVE);
  if (!why.empty()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, why + " when it started");
  }
  run_ = run.name();
  stage_ = 0;
  task_ = FindStage(run, StageId(0))->tasks(0);
  return grpc::Status::OK;
}

bool Runner::Advance() {
  v1::TaskActionRequest complete;
  complete.set_name(task_);
  v1::Task done;
  grpc::Status s;
  {
    Ctx ctx(w_.runner_token);
    const Clock::time_point t0 = Clock::now();
    s = tasks_->CompleteTask(ctx.get(), complete, &done);
    TimeCall(Clock::now() - t0);
  }
  if (!s.ok()) {
    return Fail(absl::StrCat("complete ", task_, ": ", s.error_message()));
  }
  if (done.state() != v1::Task::DONE) {
    return Fail(absl::StrCat(task_, " is ", v1::Task::State_Name(done.state()),
                             " after CompleteTask"));
  }
  v1::GetWorkflowRequest get;
  get.set_name(run_);
  v1::Workflow run;
  Ctx ctx(w_.runner_token);
  s = workflows_->GetWorkflow(ctx.get(), get, &run);
  if (!s.ok()) return Fail(absl::StrCat("get ", run_, ": ", s.error_message()));
  std::string why = StageProblem(run, stage_, v1::WorkflowStageState::DONE);
  if (!why.empty()) return Fail(why + " after its task was completed");
  if (stage_ + 1 == kStages) {
    if (run.state() != v1::Workflow::COMPLETED) {
      return Fail(absl::StrCat(run_, " is ",
                               v1::Workflow::State_Name(run.state()),
                               " after its last stage was done"));
    }
    run_.clear();  // the next operation starts another
    return true;
  }
  why = StageProblem(run, stage_ + 1, v1::WorkflowStageState::ACTIVE);
  if (!why.empty()) return Fail(why + " after the stage before was done");
  ++stage_;
  task_ = FindStage(run, StageId(stage_))->tasks(0);
  return true;
}

}  // namespace

void SetUpWorkflows(World* w) {
  EnsureProject(*w, kProject);
  auto ident = v1::IdentityService::NewStub(NewChannel(w->server, -1));
  w->runner_token = TokenFor(ident.get(), w->admin, kRunner);
  v1::AddTeamMemberRequest join;
  join.set_team(kTeam);
  join.set_user(absl::StrCat("users/", kRunner));
  v1::Membership m;
  Ctx ctx(w->admin);
  grpc::Status s = ident->AddTeamMember(ctx.get(), join, &m);
  if (!s.ok() && s.error_code() != grpc::ALREADY_EXISTS) {
    Die(absl::StrCat("add ", kRunner, " to ", kTeam), s);
  }
  PublishChain(*w);
}

MakeOp AdvanceWorkflowScenario(World& w) {
  auto reported = std::make_shared<std::atomic<bool>>(false);
  return [&w, reported](int c, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto runner = std::make_shared<Runner>(w, c, ch, reported);
    // The first run is set up with the clients, like update-task's task.
    grpc::Status s = runner->Start();
    if (!s.ok()) Die("advance-workflow", s);
    return [runner](bool*) { return runner->Step(); };
  };
}

}  // namespace mops::bench

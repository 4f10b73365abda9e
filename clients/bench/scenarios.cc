// The scenarios: what each client of a run does, call after call.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "clients/bench/bench.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/approvals.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::bench {

const std::vector<std::string> kAllScenarios = {
    "health", "get-task", "create-task", "update-task", "decide-approval",
    "inbox", "list-tasks", "delete-project", "watch", "webhook",
    "advance-workflow",
    // Last: the agreements they make stay active, and every task.created
    // after them is checked against their terms.
    "create-task-agreements", "agreement-report"};

namespace {

MakeOp HealthScenario(World&) {
  return [](int, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub = std::shared_ptr<grpc::health::v1::Health::Stub>(
        grpc::health::v1::Health::NewStub(ch));
    return [stub](bool*) {
      Ctx ctx("");
      grpc::health::v1::HealthCheckResponse resp;
      return stub->Check(ctx.get(), {}, &resp).ok();
    };
  };
}

MakeOp GetTaskScenario(World& w) {
  const int n = std::max(1, w.preloaded_tasks);
  return [&w, n](int c, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub =
        std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
    auto rng = std::make_shared<absl::BitGen>();
    (void)c;
    return [stub, rng, n, &w](bool*) {
      v1::GetTaskRequest req;
      req.set_name(
          absl::StrCat("projects/bench/tasks/t", absl::Uniform(*rng, 0, n)));
      v1::Task t;
      Ctx ctx(w.admin);
      return stub->GetTask(ctx.get(), req, &t).ok();
    };
  };
}

MakeOp UpdateTaskScenario(World& w) {
  return [&w](int c, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub =
        std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
    // Each client updates its own task, carrying the etag forward.
    auto task = std::make_shared<v1::Task>();
    v1::CreateTaskRequest create;
    create.set_parent("projects/bench-writes");
    create.mutable_task()->set_title(absl::StrCat("Updated by client ", c));
    Ctx ctx(w.admin);
    grpc::Status s = stub->CreateTask(ctx.get(), create, task.get());
    if (!s.ok()) Die("create task to update", s);
    auto n = std::make_shared<int64_t>(0);
    return [stub, task, n, &w](bool*) {
      v1::UpdateTaskRequest req;
      req.mutable_task()->set_name(task->name());
      req.mutable_task()->set_etag(task->etag());
      req.mutable_task()->set_title(absl::StrCat("Revision ", ++*n));
      req.mutable_update_mask()->add_paths("title");
      Ctx ctx(w.admin);
      return stub->UpdateTask(ctx.get(), req, task.get()).ok();
    };
  };
}

MakeOp DecideApprovalScenario(World& w) {
  // Pending approvals made beforehand, each decided (approved) once.
  auto pool = std::make_shared<std::vector<std::string>>(
      CreateApprovals(w, w.requester_token, "bench-approver", w.approval_pool));
  auto next = std::make_shared<std::atomic<size_t>>(0);
  return [&w, pool, next](int, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub = std::shared_ptr<v1::ApprovalService::Stub>(
        v1::ApprovalService::NewStub(ch));
    return [stub, pool, next, &w](bool* stop) {
      size_t i = (*next)++;
      if (i >= pool->size()) {
        *stop = true;
        return true;
      }
      v1::DecideApprovalRequest req;
      req.set_name((*pool)[i]);
      req.set_outcome(v1::Decision::APPROVE);
      v1::Approval a;
      Ctx ctx(w.approver_token);
      return stub->DecideApproval(ctx.get(), req, &a).ok() &&
             a.state() == v1::Approval::APPROVED;
    };
  };
}

MakeOp InboxScenario(World& w) {
  return [&w](int, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub = std::shared_ptr<v1::ApprovalService::Stub>(
        v1::ApprovalService::NewStub(ch));
    return [stub, &w](bool*) {
      v1::ListApprovalsRequest req;
      req.set_filter("pending_for = \"me\"");
      req.set_page_size(50);
      v1::ListApprovalsResponse resp;
      Ctx ctx(w.inbox_token);
      return stub->ListApprovals(ctx.get(), req, &resp).ok() &&
             resp.approvals_size() > 0;
    };
  };
}

MakeOp ListTasksScenario(World& w) {
  return [&w](int c, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub =
        std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
    auto rng = std::make_shared<absl::BitGen>();
    (void)c;
    return [stub, rng, &w](bool*) {
      v1::ListTasksRequest req;
      req.set_parent("projects/-");
      req.set_filter(absl::StrCat(
          "assignee = \"users/a", absl::Uniform(*rng, 0, w.assignees),
          "\" AND state != DONE AND state != CANCELLED"));
      req.set_page_size(50);
      v1::ListTasksResponse resp;
      Ctx ctx(w.admin);
      return stub->ListTasks(ctx.get(), req, &resp).ok() &&
             resp.tasks_size() > 0;
    };
  };
}

// delete-project's side work: one forced DeleteProject of
// projects/bench-doomed at `at`, then CreateProject of the id every 10 ms
// until it succeeds (FAILED_PRECONDITION while the purge runs), which also
// makes the project again for the next run. Its own connection, made
// before `at`.
std::string DeleteDoomed(const World& w, Clock::time_point at,
                         Clock::time_point deadline) {
  auto channel = NewChannel(w.server, -2);
  channel->WaitForConnected(std::chrono::system_clock::now() +
                            (at - Clock::now()));
  auto stub = v1::ProjectService::NewStub(channel);
  std::this_thread::sleep_until(at);
  v1::DeleteProjectRequest req;
  req.set_name("projects/bench-doomed");
  req.set_force(true);
  v1::DeleteProjectResponse resp;
  const Clock::time_point t0 = Clock::now();
  Ctx ctx(w.admin);
  grpc::Status s = stub->DeleteProject(ctx.get(), req, &resp);
  if (!s.ok()) Die("delete projects/bench-doomed", s);
  const Clock::time_point answered = Clock::now();
  const double call_ms =
      std::chrono::duration<double, std::milli>(answered - t0).count();
  while (true) {
    s = CreateBenchProject(stub.get(), w.admin, "bench-doomed");
    const Clock::time_point now = Clock::now();
    const double purge_s =
        std::chrono::duration<double>(now - answered).count();
    if (s.ok()) {
      return absl::StrFormat("deleted %d tasks: call %.1f ms, purge %.2f s",
                             resp.deleted_tasks(), call_ms, purge_s);
    }
    if (s.error_code() != grpc::FAILED_PRECONDITION)
      Die("create projects/bench-doomed again", s);
    if (now >= deadline) {
      return absl::StrFormat(
          "deleted %d tasks: call %.1f ms, purge not over at the end of the "
          "window (%.1f s after the call)",
          resp.deleted_tasks(), call_ms, purge_s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// create-task's load while projects/bench-doomed, filled with
// w.doomed_tasks tasks before each run (all assigned to a0, so that the
// purge removes real index rows), is deleted.
Load DeleteProjectScenario(World& w) {
  std::cerr << "filling projects/bench-doomed with " << w.doomed_tasks
            << " tasks...\n";
  // Waits out the purge of an earlier run if it is still going.
  EnsureProject(w, "bench-doomed");
  CreateTasks(w, "bench-doomed", "d", w.doomed_tasks, 1);
  if (w.server_pid > 0) WaitIdle(w.server_pid, absl::Seconds(60));
  Load load{CreateTaskScenario(w), {}};
  load.side.run = [&w](Clock::time_point at, Clock::time_point deadline) {
    return DeleteDoomed(w, at, deadline);
  };
  return load;
}

// create-task's load with `side` running from 1 s into the window (or a
// quarter of it) to its end.
Load CreateTaskWith(World& w,
                    std::string (*side)(const World&, Clock::time_point,
                                        Clock::time_point)) {
  Load load{CreateTaskScenario(w), {}};
  load.side.start = absl::Seconds(1);
  load.side.run = [&w, side](Clock::time_point at, Clock::time_point) {
    const auto lead = std::chrono::duration_cast<Clock::duration>(
        absl::ToChronoNanoseconds(std::min(absl::Seconds(1), w.window / 4)));
    const auto end = at - lead +
                     std::chrono::duration_cast<Clock::duration>(
                         absl::ToChronoNanoseconds(w.window));
    return side(w, at, end);
  };
  return load;
}

}  // namespace

MakeOp CreateTaskScenario(World& w, const std::string& label) {
  static std::atomic<int64_t> seq{0};
  return [&w, label](int, std::shared_ptr<grpc::Channel> ch) -> Op {
    auto stub =
        std::shared_ptr<v1::TaskService::Stub>(v1::TaskService::NewStub(ch));
    return [stub, &w, label](bool*) {
      v1::CreateTaskRequest req;
      req.set_parent("projects/bench-writes");
      req.mutable_task()->set_title(absl::StrCat("Created ", seq++));
      req.mutable_task()->set_assignee("users/a0");
      if (!label.empty()) req.mutable_task()->add_labels(label);
      v1::Task t;
      Ctx ctx(w.admin);
      return stub->CreateTask(ctx.get(), req, &t).ok();
    };
  };
}

Load Scenario(const std::string& name, World& w) {
  if (name == "health") return {HealthScenario(w), {}};
  if (name == "get-task") return {GetTaskScenario(w), {}};
  if (name == "create-task") return {CreateTaskScenario(w), {}};
  if (name == "update-task") return {UpdateTaskScenario(w), {}};
  if (name == "decide-approval") return {DecideApprovalScenario(w), {}};
  if (name == "inbox") return {InboxScenario(w), {}};
  if (name == "list-tasks") return {ListTasksScenario(w), {}};
  if (name == "delete-project") return DeleteProjectScenario(w);
  // With 1,000 watchers open (compare QPS with create-task's) and the
  // delivery latency to one more.
  if (name == "watch") return CreateTaskWith(w, RunWatchers);
  // While one webhook delivers every task.created to a local receiver.
  if (name == "webhook") return CreateTaskWith(w, RunWebhook);
  if (name == "advance-workflow") return {AdvanceWorkflowScenario(w), {}};
  // Compare with create-task: the cost of the clocks per write.
  if (name == "create-task-agreements") return CreateTaskAgreementsScenario(w);
  if (name == "agreement-report") return AgreementReportScenario(w);
  return {};
}

}  // namespace mops::bench

// The data the scenarios need: users, tokens, projects, the preloaded tasks
// and pending approvals.
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/bench/bench.h"
#include "grpcpp/grpcpp.h"
#include "mops/v1/approvals.grpc.pb.h"
#include "mops/v1/identity.grpc.pb.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::bench {
void Parallel(int threads, int64_t total,
              const std::function<void(int thread, int64_t i)>& fn) {
  std::atomic<int64_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (true) {
        int64_t i = next++;
        if (i >= total) break;
        fn(t, i);
      }
    });
  }
  for (auto& t : pool) t.join();
}

namespace {

v1::Approval NewApproval(const std::string& approver) {
  v1::Approval a;
  a.set_subject("projects/bench");
  a.set_title("Benchmark approval");
  a.add_groups()->add_users("users/" + approver);
  return a;
}

}  // namespace

void EnsureUser(v1::IdentityService::Stub* stub, const std::string& admin,
                const std::string& id) {
  v1::CreateUserRequest req;
  req.set_user_id(id);
  v1::User u;
  Ctx ctx(admin);
  grpc::Status s = stub->CreateUser(ctx.get(), req, &u);
  if (!s.ok() && s.error_code() != grpc::ALREADY_EXISTS)
    Die("create user " + id, s);
}

std::string TokenFor(v1::IdentityService::Stub* stub, const std::string& admin,
                     const std::string& id) {
  EnsureUser(stub, admin, id);
  v1::CreateTokenRequest req;
  req.set_parent("users/" + id);
  v1::CreateTokenResponse resp;
  Ctx ctx(admin);
  grpc::Status s = stub->CreateToken(ctx.get(), req, &resp);
  if (!s.ok()) Die("create token for " + id, s);
  return resp.secret();
}

grpc::Status CreateBenchProject(v1::ProjectService::Stub* stub,
                                const std::string& admin,
                                const std::string& id) {
  v1::CreateProjectRequest req;
  req.set_project_id(id);
  req.mutable_project()->set_title("Benchmark " + id);
  req.mutable_project()->set_team("teams/marketing");
  v1::Project p;
  Ctx ctx(admin);
  return stub->CreateProject(ctx.get(), req, &p);
}

// While an earlier run's forced delete of the project is still purging
// its tasks the id is taken (FAILED_PRECONDITION): waits that out.
void EnsureProject(const World& w, const std::string& id) {
  auto stub = v1::ProjectService::NewStub(NewChannel(w.server, -1));
  const absl::Time until = absl::Now() + absl::Minutes(10);
  while (true) {
    grpc::Status s = CreateBenchProject(stub.get(), w.admin, id);
    if (s.ok() || s.error_code() == grpc::ALREADY_EXISTS) return;
    if (s.error_code() != grpc::FAILED_PRECONDITION || absl::Now() > until)
      Die("create project", s);
    absl::SleepFor(absl::Milliseconds(100));
  }
}

int CreateTasks(const World& w, const std::string& project,
                const std::string& prefix, int n, int assignees,
                const std::vector<std::string>& labels) {
  const int batches = (n + 999) / 1000;
  std::atomic<int> existing{0};
  const absl::Time now = absl::Now();
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i)
    channels.push_back(NewChannel(w.server, 1000 + i));
  Parallel(4, batches, [&](int t, int64_t b) {
    auto stub = v1::TaskService::NewStub(channels[t]);
    v1::BatchCreateTasksRequest req;
    req.set_parent("projects/" + project);
    absl::BitGen rng;
    for (int64_t i = b * 1000; i < std::min<int64_t>(n, (b + 1) * 1000); ++i) {
      auto* one = req.add_requests();
      one->set_task_id(absl::StrCat(prefix, i));
      one->mutable_task()->set_title(absl::StrCat("Benchmark task ", i));
      one->mutable_task()->set_assignee(absl::StrCat("users/a", i % assignees));
      for (const std::string& l : labels) one->mutable_task()->add_labels(l);
      absl::Time due = now + absl::Hours(1) +
                       absl::Seconds(absl::Uniform(rng, 0, 365 * 86400));
      one->mutable_task()->mutable_due_time()->set_seconds(
          absl::ToUnixSeconds(due));
    }
    v1::BatchCreateTasksResponse resp;
    Ctx ctx(w.admin);
    grpc::Status s = stub->BatchCreateTasks(ctx.get(), req, &resp);
    // Batches are all or none, so a batch an earlier run wrote fails as a
    // whole and creating again fills in only what is missing.
    if (s.error_code() == grpc::ALREADY_EXISTS) {
      existing += req.requests_size();
    } else if (!s.ok()) {
      Die("preload", s);
    }
  });
  return existing.load();
}

void Preload(World* w, int n, int assignees) {
  auto ident = v1::IdentityService::NewStub(NewChannel(w->server, -1));
  Parallel(8, assignees, [&](int, int64_t i) {
    EnsureUser(ident.get(), w->admin, absl::StrCat("a", i));
  });
  EnsureProject(*w, "bench");
  absl::Time t0 = absl::Now();
  const int existing = CreateTasks(*w, "bench", "t", n, assignees);
  w->preload_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  w->preloaded_tasks = n;
  w->preload_existing = existing;
}

// "1000000 tasks in 16.8 s (59492 tasks/s)"; the rate counts only the tasks
// this run wrote.
std::string PreloadSummary(const World& w) {
  const int written = w.preloaded_tasks - w.preload_existing;
  std::string out = absl::StrFormat("%d tasks in %.1f s", w.preloaded_tasks,
                                    w.preload_seconds);
  if (written > 0) {
    absl::StrAppendFormat(&out, " (%.0f tasks/s)", written / w.preload_seconds);
  }
  if (w.preload_existing > 0) {
    absl::StrAppend(&out, ", ", w.preload_existing,
                    " of them already there from an earlier run");
  }
  return out;
}

// Creates `n` approvals pending for `approver`; returns their names.
std::vector<std::string> CreateApprovals(const World& w,
                                         const std::string& requester_token,
                                         const std::string& approver,
                                         int64_t n) {
  std::vector<std::string> names(n);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 16; ++i)
    channels.push_back(NewChannel(w.server, 2000 + i));
  Parallel(16, n, [&](int t, int64_t i) {
    auto stub = v1::ApprovalService::NewStub(channels[t]);
    v1::CreateApprovalRequest req;
    *req.mutable_approval() = NewApproval(approver);
    v1::Approval a;
    Ctx ctx(requester_token);
    grpc::Status s = stub->CreateApproval(ctx.get(), req, &a);
    if (!s.ok()) Die("create approval", s);
    names[i] = a.name();
  });
  return names;
}

}  // namespace mops::bench

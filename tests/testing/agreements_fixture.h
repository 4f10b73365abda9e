// Agreements over the real server with a fake clock: the workflow-run
// fixture (lea leads marketing, mem is a member, leg in legal, fin in
// finance, project "launch") plus a sales team (sam leads, sue), an IT
// person (ivan) and a second finance person (fiona), and helpers to make
// agreements active and read clocks.
#ifndef MOPS_TESTS_TESTING_AGREEMENTS_FIXTURE_H_
#define MOPS_TESTS_TESTING_AGREEMENTS_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/text_format.h"
#include "mops/v1/agreements.grpc.pb.h"
#include "tests/testing/workflow_runs_fixture.h"

namespace mops::testing {

using AgStub = v1::AgreementService::Stub;
using Cycle = v1::ClockCycle;

class AgreementsTest : public WorkflowRunsTest {
 protected:
  void SetUp() override {
    WorkflowRunsTest::SetUp();
    agreements_ = v1::AgreementService::NewStub(channel_);
    sam_ = CreateUserWithToken("sam");
    sue_ = CreateUserWithToken("sue");
    ivan_ = CreateUserWithToken("ivan");
    fiona_ = CreateUserWithToken("fiona");
    AddMember("sales", "sam", v1::Membership::LEAD);
    AddMember("sales", "sue", v1::Membership::MEMBER);
    AddMember("it", "ivan", v1::Membership::LEAD);
    AddMember("finance", "fiona", v1::Membership::LEAD);
  }

  static v1::Agreement Parse(const std::string& text) {
    v1::Agreement a;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &a))
        << text;
    return a;
  }

  grpc::Status Create(const std::string& token, const std::string& id,
                      const v1::Agreement& a, v1::Agreement* out = nullptr) {
    v1::CreateAgreementRequest req;
    req.set_agreement_id(id);
    *req.mutable_agreement() = a;
    v1::Agreement ignored;
    return Call(agreements_.get(), &AgStub::CreateAgreement, token, req,
                out != nullptr ? out : &ignored);
  }

  grpc::Status Update(const std::string& token, const std::string& id,
                      v1::Agreement a, v1::Agreement* out = nullptr) {
    v1::UpdateAgreementRequest req;
    a.set_name("agreements/" + id);
    *req.mutable_agreement() = std::move(a);
    v1::Agreement ignored;
    return Call(agreements_.get(), &AgStub::UpdateAgreement, token, req,
                out != nullptr ? out : &ignored);
  }

  grpc::Status Submit(const std::string& token, const std::string& id,
                      v1::Agreement* out = nullptr) {
    v1::SubmitAgreementRequest req;
    req.set_name("agreements/" + id);
    v1::Agreement ignored;
    return Call(agreements_.get(), &AgStub::SubmitAgreement, token, req,
                out != nullptr ? out : &ignored);
  }

  v1::Agreement Get(const std::string& name) {
    v1::GetAgreementRequest req;
    req.set_name(name);
    v1::Agreement a;
    grpc::Status s =
        Call(agreements_.get(), &AgStub::GetAgreement, member_, req, &a);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return a;
  }

  // Submits the draft as admin and has one liaison of each party approve:
  // the first of each party that is not `skip`.
  void Activate(const std::string& id) {
    v1::Agreement a;
    grpc::Status s = Submit(admin_token_, id, &a);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const v1::AgreementParty& p : a.parties()) {
      const std::string& liaison = p.liaisons(0);
      s = Decide(TokenOf(liaison), a.approval(), v1::Decision::APPROVE);
      ASSERT_TRUE(s.ok()) << liaison << ": " << s.error_message();
    }
    ASSERT_EQ(Get("agreements/" + id).state(), v1::Agreement::ACTIVE);
  }

  std::string TokenOf(const std::string& user) {
    if (user == "users/lea") return lead_;
    if (user == "users/mem") return member_;
    if (user == "users/sam") return sam_;
    if (user == "users/sue") return sue_;
    if (user == "users/ivan") return ivan_;
    if (user == "users/fiona") return fiona_;
    if (user == "users/fin") return finance_;
    if (user == "users/leg") return legal_;
    ADD_FAILURE() << "no token for " << user;
    return "";
  }

  std::vector<v1::Clock> Clocks(const std::string& agreement,
                                const std::string& filter = "") {
    v1::ListClocksRequest req;
    req.set_parent("agreements/" + agreement);
    req.set_filter(filter);
    req.set_page_size(1000);
    v1::ListClocksResponse resp;
    grpc::Status s =
        Call(agreements_.get(), &AgStub::ListClocks, member_, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.clocks().begin(), resp.clocks().end()};
  }

  // The one clock of the agreement on `subject` (fails the test if none).
  v1::Clock ClockOn(const std::string& agreement, const std::string& subject) {
    for (v1::Clock& c : Clocks(agreement)) {
      if (c.subject() == subject) return c;
    }
    ADD_FAILURE() << "no clock of " << agreement << " on " << subject;
    return {};
  }

  // A task in project "launch" as admin.
  v1::Task MakeTask(const std::string& title, const std::string& team,
                    std::vector<std::string> labels,
                    v1::Task::Priority priority = v1::Task::P2) {
    v1::CreateTaskRequest req;
    req.set_parent("projects/launch");
    req.mutable_task()->set_title(title);
    req.mutable_task()->set_team(team);
    req.mutable_task()->set_priority(priority);
    for (std::string& l : labels) req.mutable_task()->add_labels(std::move(l));
    v1::Task t;
    grpc::Status s = Call(tasks_.get(), &v1::TaskService::Stub::CreateTask,
                          admin_token_, req, &t);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return t;
  }

  grpc::Status TaskAction(grpc::Status (v1::TaskService::Stub::*method)(
                              grpc::ClientContext*,
                              const v1::TaskActionRequest&, v1::Task*),
                          const std::string& task) {
    v1::TaskActionRequest req;
    req.set_name(task);
    v1::Task t;
    return Call(tasks_.get(), method, admin_token_, req, &t);
  }

  grpc::Status Block(const std::string& task, const std::string& reason) {
    v1::BlockTaskRequest req;
    req.set_name(task);
    req.set_reason(reason);
    v1::Task t;
    return Call(tasks_.get(), &v1::TaskService::Stub::BlockTask, admin_token_,
                req, &t);
  }

  // The last event of `type` about `subject` (empty when none).
  v1::Event LastEvent(const std::string& type, const std::string& subject) {
    v1::Event last;
    for (const auto& e : AllEvents()) {
      if (e.type() == type && e.subject() == subject) last = e;
    }
    return last;
  }

  void SetNow(const std::string& rfc3339) {
    clock_.Advance(T(rfc3339) - clock_.Now());
  }

  std::unique_ptr<AgStub> agreements_;
  std::string sam_, sue_, ivan_, fiona_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_AGREEMENTS_FIXTURE_H_

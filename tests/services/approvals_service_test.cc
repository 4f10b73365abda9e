// Approvals over a real channel: rules end to end, separation of duties,
// delegation, deadlines on the fake clock, concurrency, replay, permissions.
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/approvals_fixture.h"

namespace mops {
namespace {

using services::ToProtoTime;
using testing::ApprovalsTest;
using testing::AStub;
using ::testing::HasSubstr;
using testing::T;

TEST_F(ApprovalsTest, OneOfLegalAndTwoOfFinance) {
  v1::Approval a;
  Must(Request("req", {Team("legal", 1), Team("finance", 2)}, &a));
  EXPECT_EQ(a.state(), v1::Approval::PENDING);
  EXPECT_EQ(a.round(), 1);
  EXPECT_EQ(a.requester(), "users/req");
  // The requester is in finance but never eligible.
  EXPECT_THAT(std::vector<std::string>(a.groups(1).eligible().begin(),
                                       a.groups(1).eligible().end()),
              ::testing::UnorderedElementsAre("users/fin1", "users/fin2",
                                              "users/fin3"));
  EXPECT_EQ(CountEvents("approval.requested", a.name()), 1);
  EXPECT_EQ(Inbox("fin1"), std::vector<std::string>{a.name()});
  EXPECT_TRUE(Inbox("req").empty());

  Must(Decide("leg2", a, v1::Decision::APPROVE, &a));
  Must(Decide("fin1", a, v1::Decision::APPROVE, &a, "fine by me"));
  EXPECT_EQ(a.state(), v1::Approval::PENDING);
  // Legal has its one approval, but leg1 can still decide (a veto counts).
  EXPECT_EQ(Inbox("leg1"), std::vector<std::string>{a.name()});
  Must(Decide("fin3", a, v1::Decision::APPROVE, &a));
  EXPECT_EQ(a.state(), v1::Approval::APPROVED);
  EXPECT_TRUE(a.has_complete_time());
  EXPECT_EQ(a.decisions_size(), 3);
  EXPECT_EQ(CountEvents("approval.decided", a.name()), 3);
  EXPECT_EQ(CountEvents("approval.completed", a.name()), 1);
  EXPECT_TRUE(Inbox("fin2").empty());
  grpc::Status s = Decide("fin2", a, v1::Decision::APPROVE);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("APPROVED"));
}

TEST_F(ApprovalsTest, VetoNonVetoAndComments) {
  v1::Approval a;
  Must(Request("req", {Team("finance", 2)}, &a));
  grpc::Status s = Decide("fin1", a, v1::Decision::REJECT);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("comment is required to reject"));
  Must(Decide("fin1", a, v1::Decision::REJECT, &a, "over budget"));
  EXPECT_EQ(a.state(), v1::Approval::REJECTED);
  EXPECT_EQ(CountEvents("approval.completed", a.name()), 1);

  v1::Approval b;
  Must(Request("req", {Team("finance", 2, /*veto=*/false)}, &b));
  Must(Decide("fin1", b, v1::Decision::REJECT, &b, "no"));
  EXPECT_EQ(b.state(), v1::Approval::PENDING);
  Must(Decide("fin2", b, v1::Decision::REJECT, &b, "no"));
  EXPECT_EQ(b.state(), v1::Approval::REJECTED);  // 3 eligible - 2 rejects < 2
}

TEST_F(ApprovalsTest, RequestChangesThenResubmitOpensANewRound) {
  v1::Approval a;
  Must(Request("req", {Users({"fin1", "fin2"}, 2)}, &a));
  Must(Decide("fin1", a, v1::Decision::APPROVE, &a));
  grpc::Status s = Decide("fin2", a, v1::Decision::REQUEST_CHANGES);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  Must(
      Decide("fin2", a, v1::Decision::REQUEST_CHANGES, &a, "use the new logo"));
  EXPECT_EQ(a.state(), v1::Approval::CHANGES_REQUESTED);
  EXPECT_EQ(Decide("fin1", a, v1::Decision::APPROVE).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_TRUE(Inbox("fin1").empty());

  v1::ResubmitApprovalRequest resubmit;
  resubmit.set_name(a.name());
  resubmit.set_asset_version("v2");
  EXPECT_EQ(Call(approvals_.get(), &AStub::ResubmitApproval, tokens_["fin1"],
                 resubmit, &a)
                .error_code(),
            grpc::PERMISSION_DENIED);
  Must(Call(approvals_.get(), &AStub::ResubmitApproval, tokens_["req"],
            resubmit, &a));
  EXPECT_EQ(a.state(), v1::Approval::PENDING);
  EXPECT_EQ(a.round(), 2);
  EXPECT_EQ(a.asset_version(), "v2");
  EXPECT_EQ(a.decisions_size(), 2);  // history kept
  EXPECT_EQ(Inbox("fin1"), std::vector<std::string>{a.name()});
  Must(Decide("fin1", a, v1::Decision::APPROVE, &a));
  Must(Decide("fin2", a, v1::Decision::APPROVE, &a));
  EXPECT_EQ(a.state(), v1::Approval::APPROVED);
  EXPECT_EQ(a.decisions(3).round(), 2);
}

TEST_F(ApprovalsTest, SeparationOfDutiesHoldsThroughDelegation) {
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a));
  grpc::Status s = Decide("req", a, v1::Decision::APPROVE);
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("cannot decide"));
  // fin1 delegates to the requester: the requester still cannot decide.
  Must(Delegate("fin1", "req", clock_.Now() - absl::Hours(1),
                clock_.Now() + absl::Hours(24)));
  EXPECT_EQ(Decide("req", a, v1::Decision::APPROVE).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(
      Decide("req", a, v1::Decision::APPROVE, nullptr, "", "", "users/fin1")
          .error_code(),
      grpc::PERMISSION_DENIED);
  EXPECT_TRUE(Inbox("req").empty());
  // Listing the requester as an approver does not make them one.
  v1::Approval b;
  s = Request("req", {Users({"req"})}, &b);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              HasSubstr("approval.groups[0] needs 1 approver but has 0"));
}

TEST_F(ApprovalsTest, DelegatesDecideInTheDelegatorsPlaceWithinWindowAndTeams) {
  v1::Approval a;
  Must(Request("req", {Team("finance", 2), Team("legal", 1)}, &a));
  // A delegation that starts tomorrow does nothing today.
  Must(Delegate("fin1", "sub", clock_.Now() + absl::Hours(24),
                clock_.Now() + absl::Hours(48)));
  EXPECT_EQ(Decide("sub", a, v1::Decision::APPROVE).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_TRUE(Inbox("sub").empty());
  // One restricted to legal does not cover finance.
  Must(Delegate("fin2", "sub", clock_.Now(), clock_.Now() + absl::Hours(24),
                {"legal"}));
  EXPECT_EQ(Decide("sub", a, v1::Decision::APPROVE).error_code(),
            grpc::PERMISSION_DENIED);
  // leg1 -> sub for legal: covered.
  Must(Delegate("leg1", "sub", clock_.Now(), clock_.Now() + absl::Hours(24),
                {"legal"}));
  EXPECT_EQ(Inbox("sub"), std::vector<std::string>{a.name()});
  Must(Decide("sub", a, v1::Decision::APPROVE, &a, "for leg1"));
  EXPECT_EQ(a.decisions(0).approver(), "users/sub");
  EXPECT_EQ(a.decisions(0).on_behalf_of(), "users/leg1");
  EXPECT_EQ(Decide("leg1", a, v1::Decision::APPROVE).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(Decide("sub", a, v1::Decision::APPROVE).error_code(),
            grpc::FAILED_PRECONDITION);
  bool recorded = false;
  for (const auto& e : AllEvents()) {
    if (e.type() == "approval.decided" && e.subject() == a.name()) {
      ASSERT_TRUE(e.has_approval_decided());
      EXPECT_EQ(e.approval_decided().decision().approver(), "users/sub");
      EXPECT_EQ(e.approval_decided().decision().on_behalf_of(), "users/leg1");
      EXPECT_EQ(e.approval_decided().approval().decisions_size(), 1);
      recorded = true;
    }
  }
  EXPECT_TRUE(recorded);

  // A chain fin3 -> sub2 -> other is followed: other decides for fin3.
  Must(Delegate("fin3", "sub2", clock_.Now(), clock_.Now() + absl::Hours(24)));
  Must(Delegate("sub2", "other", clock_.Now(), clock_.Now() + absl::Hours(24)));
  Must(Decide("other", a, v1::Decision::APPROVE, &a, "", "", "users/fin3"));
  EXPECT_EQ(a.decisions(1).on_behalf_of(), "users/fin3");
  // A cycle is refused with its path.
  grpc::Status s =
      Delegate("other", "fin3", clock_.Now(), clock_.Now() + absl::Hours(1));
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(
      s.error_message(),
      HasSubstr(
          "cycle: users/other -> users/fin3 -> users/sub2 -> users/other"));
  s = Delegate("fin1", "fin1", clock_.Now(), clock_.Now() + absl::Hours(1));
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  v1::CreateDelegationRequest for_other;
  for_other.set_parent("users/fin2");
  for_other.mutable_delegation()->set_delegate("users/sub");
  *for_other.mutable_delegation()->mutable_end_time() =
      ToProtoTime(clock_.Now() + absl::Hours(1));
  v1::Delegation d;
  EXPECT_EQ(Call(approvals_.get(), &AStub::CreateDelegation, tokens_["fin1"],
                 for_other, &d)
                .error_code(),
            grpc::PERMISSION_DENIED);
}

TEST_F(ApprovalsTest, InboxIsSoonestDueFirstAndLeavesWhenDecided) {
  v1::Approval late, soon, none;
  Must(Request("req", {Users({"fin1"})}, &late, "5bd"));
  Must(Request("req", {Users({"fin1"})}, &soon, "2bh"));
  Must(Request("req", {Users({"fin1"})}, &none));
  EXPECT_EQ(Inbox("fin1"),
            (std::vector<std::string>{soon.name(), late.name(), none.name()}));
  Must(Decide("fin1", soon, v1::Decision::APPROVE));
  EXPECT_EQ(Inbox("fin1"),
            (std::vector<std::string>{late.name(), none.name()}));
  v1::ListApprovalsRequest req;
  req.set_filter("requester = me AND state = APPROVED");
  v1::ListApprovalsResponse resp;
  Must(Call(approvals_.get(), &AStub::ListApprovals, tokens_["req"], req,
            &resp));
  ASSERT_EQ(resp.approvals_size(), 1);
  EXPECT_EQ(resp.approvals(0).name(), soon.name());
  req.set_filter("pending_for = fin1");
  EXPECT_EQ(
      Call(approvals_.get(), &AStub::ListApprovals, tokens_["fin2"], req, &resp)
          .error_code(),
      grpc::PERMISSION_DENIED);
  req.set_filter("state = PENDING OR pending_for = me");
  grpc::Status s = Call(approvals_.get(), &AStub::ListApprovals,
                        tokens_["fin1"], req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("top-level"));
}

TEST_F(ApprovalsTest, RemindersAndExpiryAcrossAWeekend) {
  clock_.Set(
      T("2026-11-27T16:00:00Z"));  // a Friday, on calendars/default (UTC)
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a, "2bh"));
  EXPECT_EQ(services::FromProtoTime(a.due_time()), T("2026-11-30T10:00:00Z"));
  // Reminders at 75% and 90% of the two business hours: Monday 09:30 and
  // 09:48, not at 75% of the 66 hours on the wall clock.
  clock_.Set(T("2026-11-30T09:29:00Z"));
  Settle();
  EXPECT_EQ(CountEvents("approval.reminder", a.name()), 0);
  clock_.Set(T("2026-11-30T09:30:00Z"));
  EXPECT_TRUE(WaitForEvent("approval.reminder", a.name(), 1));
  Settle();
  EXPECT_EQ(CountEvents("approval.reminder", a.name()), 1);
  clock_.Set(T("2026-11-30T09:59:00Z"));
  EXPECT_TRUE(WaitForEvent("approval.reminder", a.name(), 2));
  EXPECT_EQ(Get(a.name()).state(), v1::Approval::PENDING);
  clock_.Set(T("2026-11-30T10:00:00Z"));
  EXPECT_TRUE(WaitForEvent("approval.completed", a.name()));
  Settle();
  v1::Approval expired = Get(a.name());
  EXPECT_EQ(expired.state(), v1::Approval::EXPIRED);
  EXPECT_EQ(CountEvents("approval.completed", a.name()), 1);
  EXPECT_EQ(CountEvents("approval.reminder", a.name()), 2);
  EXPECT_EQ(Decide("fin1", a, v1::Decision::APPROVE).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_TRUE(Inbox("fin1").empty());
}

TEST_F(ApprovalsTest, DeadlineRejectsOrEscalatesAndSurvivesRestart) {
  clock_.Set(T("2026-11-27T16:00:00Z"));
  v1::Approval rejected, escalated;
  Must(Request("req", {Users({"fin1"})}, &rejected, "1bh",
               v1::Approval::REJECT));
  Must(Request("req", {Users({"fin1"}), Team("legal", 1, true)}, &escalated,
               "1bd", v1::Approval::ESCALATE));
  EXPECT_EQ(services::FromProtoTime(escalated.due_time()),
            T("2026-11-30T16:00:00Z"));

  // Restart in between: the timers are stored rows.
  server_.reset();
  clock_.Set(T("2026-11-30T16:30:00Z"));
  std::string admin = admin_token_;
  StartServer(dir_.Sub("data"));
  EXPECT_TRUE(WaitForEvent("approval.completed", rejected.name()));
  EXPECT_EQ(Get(rejected.name()).state(), v1::Approval::REJECTED);
  EXPECT_TRUE(WaitForEvent("approval.escalated", escalated.name()));
  v1::Approval e = Get(escalated.name());
  EXPECT_EQ(e.state(), v1::Approval::PENDING);
  // The user group gets the requester's manager; legal's lead is already an
  // approver, so legal gets the manager too.
  EXPECT_THAT(std::vector<std::string>(e.groups(0).escalated().begin(),
                                       e.groups(0).escalated().end()),
              ::testing::ElementsAre("users/boss"));
  EXPECT_EQ(Inbox("boss"), std::vector<std::string>{escalated.name()});
  v1::Event escalation = LastEvent("approval.escalated", escalated.name());
  ASSERT_TRUE(escalation.has_approval_escalated());
  // In both groups, named once.
  EXPECT_THAT(escalation.approval_escalated().added(),
              ::testing::ElementsAre("users/boss"));
  EXPECT_EQ(escalation.approval_escalated().approval().etag(), e.etag());
  EXPECT_EQ(escalation.actor(), "system");
  v1::Event expiry = LastEvent("approval.completed", rejected.name());
  EXPECT_EQ(expiry.approval_completed().approval().state(),
            v1::Approval::REJECTED);
  Must(Decide("boss", e, v1::Decision::APPROVE, &e));
  EXPECT_EQ(e.state(), v1::Approval::APPROVED);  // boss counts in both groups
}

// Found from outside: the manager approved, the deadline escalated by
// adding the manager to the legal group, and the approval stayed pending
// with nothing still needed, forever. Escalation adds nobody who decided
// this round and evaluates the rule again.
TEST_F(ApprovalsTest, EscalationSkipsWhoAlreadyDecidedAndReevaluates) {
  clock_.Set(T("2026-11-27T16:00:00Z"));
  v1::ApproverGroup manager;
  manager.set_requester_manager(true);
  v1::ApproverGroup legal_leads = Team("legal", 1);
  legal_leads.set_leads_only(true);
  v1::Approval a;
  Must(Request("req", {manager, legal_leads}, &a, "1bh",
               v1::Approval::ESCALATE));
  Must(Decide("boss", a, v1::Decision::APPROVE, &a));
  EXPECT_EQ(a.state(), v1::Approval::PENDING);

  clock_.Set(T("2026-11-30T10:00:00Z"));
  ASSERT_TRUE(WaitForEvent("approval.escalated", a.name()));
  a = Get(a.name());
  EXPECT_EQ(a.state(), v1::Approval::PENDING);
  // legal's lead is already an approver and boss has decided: nobody new.
  EXPECT_TRUE(a.groups(1).escalated().empty());
  EXPECT_THAT(std::vector<std::string>(a.groups(1).eligible().begin(),
                                       a.groups(1).eligible().end()),
              ::testing::ElementsAre("users/leg1"));
  EXPECT_EQ(Inbox("leg1"), std::vector<std::string>{a.name()});
  EXPECT_TRUE(Inbox("boss").empty());
  Must(Decide("leg1", a, v1::Decision::APPROVE, &a));
  EXPECT_EQ(a.state(), v1::Approval::APPROVED);

  // And after a restart the approved one stays approved.
  server_.reset();
  StartServer(dir_.Sub("data"));
  EXPECT_EQ(Get(a.name()).state(), v1::Approval::APPROVED);
}

TEST_F(ApprovalsTest, BusinessDeadlinesFollowTheCalendarAcrossDstAndHolidays) {
  v1::CreateCalendarRequest cal;
  cal.set_calendar_id("berlin");
  cal.mutable_calendar()->set_time_zone("Europe/Berlin");
  for (int d = 1; d <= 5; ++d) {
    auto* w = cal.mutable_calendar()->add_working_hours();
    w->set_weekday(d);
    w->set_start("09:00");
    w->set_end("17:00");
  }
  cal.mutable_calendar()->add_holidays("2027-03-26");  // Friday
  v1::Calendar created;
  EXPECT_EQ(Call(calendars_.get(), &v1::CalendarService::Stub::CreateCalendar,
                 tokens_["fin1"], cal, &created)
                .error_code(),
            grpc::PERMISSION_DENIED);
  Must(Call(calendars_.get(), &v1::CalendarService::Stub::CreateCalendar,
            admin_token_, cal, &created));
  v1::UpdateTeamRequest team;
  team.mutable_team()->set_name("teams/legal");
  team.mutable_team()->set_calendar("calendars/berlin");
  team.mutable_update_mask()->add_paths("calendar");
  v1::Team t;
  Must(Call(identity_.get(), &v1::IdentityService::Stub::UpdateTeam,
            admin_token_, team, &t));

  // Thursday 2027-03-25 16:00 CET; Friday is a holiday; DST starts Sunday the
  // 28th.
  clock_.Set(T("2027-03-25T15:00:00Z"));
  v1::Approval a;
  Must(Request("req", {Team("legal", 1)}, &a, "2bh"));
  EXPECT_EQ(a.calendar(), "calendars/berlin");
  // One hour on Thursday, then Monday 09:00-10:00 CEST = 08:00Z.
  EXPECT_EQ(services::FromProtoTime(a.due_time()), T("2027-03-29T08:00:00Z"));
  clock_.Set(T("2027-03-29T07:59:00Z"));
  Settle();
  EXPECT_EQ(Get(a.name()).state(), v1::Approval::PENDING);
  clock_.Set(T("2027-03-29T08:00:00Z"));
  EXPECT_TRUE(WaitForEvent("approval.completed", a.name()));
  EXPECT_EQ(Get(a.name()).state(), v1::Approval::EXPIRED);

  // Admins change the default calendar (a holiday on Monday 2027-03-29).
  v1::GetCalendarRequest get;
  get.set_name("calendars/default");
  v1::Calendar def;
  Must(Call(calendars_.get(), &v1::CalendarService::Stub::GetCalendar,
            tokens_["fin1"], get, &def));
  v1::UpdateCalendarRequest update;
  update.mutable_calendar()->set_name("calendars/default");
  update.mutable_calendar()->add_holidays("2027-03-30");
  update.mutable_update_mask()->add_paths("holidays");
  Must(Call(calendars_.get(), &v1::CalendarService::Stub::UpdateCalendar,
            admin_token_, update, &def));
  v1::Approval b;
  Must(Request("req", {Users({"fin1"})}, &b,
               "1bd"));  // Mon 08:00Z = 08:00 UTC, before hours
  EXPECT_EQ(services::FromProtoTime(b.due_time()), T("2027-03-31T09:00:00Z"));
}

TEST_F(ApprovalsTest, FiftyApproversAtOnce) {
  ASSERT_TRUE(CreateTeam("board").ok());
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) {
    std::string id = absl::StrCat("m", i);
    tokens_[id] = CreateUserWithToken(id);
    Must(AddMember("board", id));
    names.push_back(id);
  }
  v1::Approval a;
  Must(Request("req", {Team("board", 25)}, &a));
  std::atomic<int> ok{0}, closed{0}, other{0};
  std::vector<std::thread> threads;
  for (const std::string& id : names) {
    threads.emplace_back([&, id] {
      auto channel = grpc::CreateChannel(server_->address(),
                                         grpc::InsecureChannelCredentials());
      auto stub = v1::ApprovalService::NewStub(channel);
      v1::DecideApprovalRequest req;
      req.set_name(a.name());
      req.set_outcome(v1::Decision::APPROVE);
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + tokens_.at(id));
      v1::Approval resp;
      grpc::Status s = stub->DecideApproval(&ctx, req, &resp);
      if (s.ok()) {
        ++ok;
      } else if (s.error_code() == grpc::FAILED_PRECONDITION) {
        ++closed;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 25);
  EXPECT_EQ(closed, 25);
  EXPECT_EQ(other, 0);
  v1::Approval final = Get(a.name());
  EXPECT_EQ(final.state(), v1::Approval::APPROVED);
  EXPECT_EQ(final.decisions_size(), 25);
  EXPECT_EQ(CountEvents("approval.completed", a.name()), 1);
  EXPECT_EQ(CountEvents("approval.decided", a.name()), 25);
}

TEST_F(ApprovalsTest, ReplayDoubleDecisionsCancelAndPermissions) {
  v1::Approval a;
  Must(Request("req", {Users({"fin1", "fin2"}, 2)}, &a, "", {}, "create-1"));
  v1::Approval again;
  Must(
      Request("req", {Users({"fin1", "fin2"}, 2)}, &again, "", {}, "create-1"));
  EXPECT_EQ(again.name(), a.name());
  EXPECT_EQ(CountEvents("approval.requested", a.name()), 1);

  v1::Approval first, retry;
  Must(Decide("fin1", a, v1::Decision::APPROVE, &first, "ok", "decide-1"));
  clock_.Advance(absl::Minutes(1));
  Must(Decide("fin1", a, v1::Decision::APPROVE, &retry, "ok", "decide-1"));
  EXPECT_EQ(first.SerializeAsString(), retry.SerializeAsString());
  EXPECT_EQ(CountEvents("approval.decided", a.name()), 1);
  grpc::Status s = Decide("fin1", a, v1::Decision::APPROVE, nullptr, "again");
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("already decided"));
  s = Decide("other", a, v1::Decision::APPROVE);
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("not an approver"));

  v1::CancelApprovalRequest cancel;
  cancel.set_name(a.name());
  v1::Approval cancelled;
  EXPECT_EQ(Call(approvals_.get(), &AStub::CancelApproval, tokens_["fin2"],
                 cancel, &cancelled)
                .error_code(),
            grpc::PERMISSION_DENIED);
  Must(Call(approvals_.get(), &AStub::CancelApproval, tokens_["req"], cancel,
            &cancelled));
  EXPECT_EQ(cancelled.state(), v1::Approval::CANCELLED);
  EXPECT_EQ(CountEvents("approval.completed", a.name()), 1);
  EXPECT_EQ(Call(approvals_.get(), &AStub::CancelApproval, admin_token_, cancel,
                 &cancelled)
                .error_code(),
            grpc::FAILED_PRECONDITION);
}

TEST_F(ApprovalsTest, BadRequestsNameTheField) {
  struct Case {
    std::function<void(v1::Approval*)> edit;
    grpc::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](v1::Approval* a) { a->clear_title(); }, grpc::INVALID_ARGUMENT,
       "approval.title"},
      {[](v1::Approval* a) { a->set_subject("wat"); }, grpc::INVALID_ARGUMENT,
       "approval.subject"},
      {[](v1::Approval* a) { a->set_subject("projects/nope"); },
       grpc::NOT_FOUND, "projects/nope"},
      {[](v1::Approval* a) { a->set_subject("projects/launch/tasks/nope"); },
       grpc::NOT_FOUND, "projects/launch/tasks/nope"},
      {[](v1::Approval* a) { a->set_subject("projects/launch/x"); },
       grpc::INVALID_ARGUMENT, "approval.subject"},
      // No domain registered this kind of name.
      {[](v1::Approval* a) { a->set_subject("widgets/w1"); },
       grpc::INVALID_ARGUMENT, "approval.subject \"widgets/w1\""},
      {[](v1::Approval* a) { a->set_subject("agreements/a1"); },
       grpc::NOT_FOUND, "approval.subject: agreement \"agreements/a1\""},
      {[](v1::Approval* a) { a->clear_groups(); }, grpc::INVALID_ARGUMENT,
       "approval.groups"},
      {[](v1::Approval* a) { a->mutable_groups(0)->set_team("teams/finance"); },
       grpc::INVALID_ARGUMENT,
       "exactly one of team, users and requester_manager"},
      {[](v1::Approval* a) { a->mutable_groups(0)->set_required(5); },
       grpc::FAILED_PRECONDITION, "needs 5 approvers but has 1"},
      {[](v1::Approval* a) {
         a->mutable_groups(0)->set_users(0, "users/ghost");
       },
       grpc::NOT_FOUND, "users/ghost"},
      {[](v1::Approval* a) { a->set_due("tomorrow"); }, grpc::INVALID_ARGUMENT,
       "approval.due"},
      {[](v1::Approval* a) { a->set_due("2020-01-01T00:00:00Z"); },
       grpc::INVALID_ARGUMENT, "in the past"},
      {[](v1::Approval* a) { a->set_calendar("calendars/nope"); },
       grpc::NOT_FOUND, "calendars/nope"},
  };
  for (const Case& c : cases) {
    v1::CreateApprovalRequest req;
    req.mutable_approval()->set_subject(
        "https://assets.example.com/banner.png");
    req.mutable_approval()->set_asset_version("v1");
    req.mutable_approval()->set_title("Banner");
    *req.mutable_approval()->add_groups() = Users({"fin1"});
    c.edit(req.mutable_approval());
    v1::Approval a;
    grpc::Status s =
        Call(approvals_.get(), &AStub::CreateApproval, tokens_["req"], req, &a);
    EXPECT_EQ(s.error_code(), c.code) << c.message << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(c.message));
  }
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a));
  v1::DecideApprovalRequest decide;
  decide.set_name(a.name());
  v1::Approval out;
  grpc::Status s = Call(approvals_.get(), &AStub::DecideApproval,
                        tokens_["fin1"], decide, &out);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("outcome"));
  decide.set_name("approvals/");
  decide.set_outcome(v1::Decision::APPROVE);
  s = Call(approvals_.get(), &AStub::DecideApproval, tokens_["fin1"], decide,
           &out);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("name"));
}

}  // namespace
}  // namespace mops

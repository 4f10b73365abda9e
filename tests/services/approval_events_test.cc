// What approvals, delegations and calendars tell the change feed (typed
// events carrying the resource after the change), and request_id replay of
// their creates.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "tests/testing/approvals_fixture.h"

namespace mops {
namespace {

using services::ToProtoTime;
using testing::ApprovalsTest;
using testing::AStub;

TEST_F(ApprovalsTest, EventsCarryTheResourceAsItIsAfterTheChange) {
  v1::Approval a;
  Must(Request("req", {Users({"fin1", "fin2"}, 2)}, &a));
  v1::Event requested = LastEvent("approval.requested", a.name());
  ASSERT_TRUE(requested.has_approval_requested());
  EXPECT_EQ(requested.approval_requested().approval().SerializeAsString(),
            a.SerializeAsString());
  EXPECT_EQ(requested.actor(), "users/req");

  Must(Decide("fin1", a, v1::Decision::REQUEST_CHANGES, &a, "new logo"));
  v1::Event decided = LastEvent("approval.decided", a.name());
  EXPECT_EQ(decided.approval_decided().decision().outcome(),
            v1::Decision::REQUEST_CHANGES);
  EXPECT_EQ(decided.approval_decided().decision().comment(), "new logo");
  EXPECT_EQ(decided.approval_decided().approval().state(),
            v1::Approval::CHANGES_REQUESTED);
  EXPECT_EQ(decided.approval_decided().approval().etag(), a.etag());

  v1::ResubmitApprovalRequest resubmit;
  resubmit.set_name(a.name());
  resubmit.set_request_id("resubmit-1");
  resubmit.set_comment("logo swapped");
  Must(Call(approvals_.get(), &AStub::ResubmitApproval, tokens_["req"],
            resubmit, &a));
  v1::Event resubmitted = LastEvent("approval.resubmitted", a.name());
  EXPECT_EQ(resubmitted.approval_resubmitted().approval().round(), 2);
  EXPECT_EQ(resubmitted.approval_resubmitted().comment(), "logo swapped");
  // The new round is requested again, as the catalog says.
  EXPECT_EQ(CountEvents("approval.requested", a.name()), 2);
  EXPECT_EQ(LastEvent("approval.requested", a.name())
                .approval_requested()
                .approval()
                .SerializeAsString(),
            a.SerializeAsString());

  Must(Decide("fin1", a, v1::Decision::APPROVE, &a));
  Must(Decide("fin2", a, v1::Decision::APPROVE, &a));
  v1::Event completed = LastEvent("approval.completed", a.name());
  EXPECT_EQ(completed.approval_completed().approval().SerializeAsString(),
            a.SerializeAsString());
  EXPECT_EQ(completed.approval_completed().approval().state(),
            v1::Approval::APPROVED);
  EXPECT_EQ(completed.approval_completed().reason(),
            v1::ApprovalCompleted::DECISIONS);
  EXPECT_EQ(completed.actor(), "users/fin2");

  v1::Delegation d;
  Must(Delegate("fin1", "sub", clock_.Now(), clock_.Now() + absl::Hours(1), {},
                &d));
  EXPECT_EQ(LastEvent("delegation.created", d.name())
                .delegation_created()
                .delegation()
                .SerializeAsString(),
            d.SerializeAsString());
  v1::DeleteDelegationRequest del;
  del.set_name(d.name());
  v1::DeleteDelegationResponse deleted;
  Must(Call(approvals_.get(), &AStub::DeleteDelegation, tokens_["fin1"], del,
            &deleted));
  EXPECT_EQ(LastEvent("delegation.deleted", d.name())
                .delegation_deleted()
                .delegation()
                .delegate(),
            "users/sub");

  v1::Event seeded = LastEvent("calendar.created", "calendars/default");
  EXPECT_EQ(seeded.calendar_created().calendar().name(), "calendars/default");
  EXPECT_EQ(seeded.actor(), "system");
  // Every event (identity's bootstrap ones too) is typed: none is legacy,
  // and its type is its payload's.
  for (const auto& e : AllEvents()) {
    EXPECT_NE(e.payload_case(), v1::Event::PAYLOAD_NOT_SET) << e.type();
    EXPECT_FALSE(e.has_legacy()) << e.type();
    EXPECT_EQ(e.type(), services::EventTypeOf(e));
  }
}

// Reminders say how much of the round's business time has passed; an
// approval the deadline closes says so, and a cancelled one too.
TEST_F(ApprovalsTest, TimerEventsSayWhyTheyFired) {
  clock_.Set(
      testing::T("2027-03-24T09:00:00Z"));  // Wednesday, calendars/default
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a, "4bh"));
  EXPECT_EQ(services::FromProtoTime(a.due_time()),
            testing::T("2027-03-24T13:00:00Z"));
  clock_.Set(testing::T("2027-03-24T12:00:00Z"));  // 3 of 4 hours
  ASSERT_TRUE(WaitForEvent("approval.reminder", a.name()));
  EXPECT_EQ(
      LastEvent("approval.reminder", a.name()).approval_reminder().percent(),
      75);
  clock_.Set(testing::T("2027-03-24T12:36:00Z"));
  ASSERT_TRUE(WaitForEvent("approval.reminder", a.name(), 2));
  EXPECT_EQ(
      LastEvent("approval.reminder", a.name()).approval_reminder().percent(),
      90);
  clock_.Set(testing::T("2027-03-24T13:00:00Z"));
  ASSERT_TRUE(WaitForEvent("approval.completed", a.name()));
  v1::Event expired = LastEvent("approval.completed", a.name());
  EXPECT_EQ(expired.approval_completed().approval().state(),
            v1::Approval::EXPIRED);
  EXPECT_EQ(expired.approval_completed().reason(),
            v1::ApprovalCompleted::DEADLINE);
  EXPECT_EQ(expired.actor(), "system");

  v1::Approval b;
  Must(Request("req", {Users({"fin1"})}, &b));
  v1::CancelApprovalRequest cancel;
  cancel.set_name(b.name());
  cancel.set_request_id("cancel-1");
  Must(Call(approvals_.get(), &AStub::CancelApproval, tokens_["req"], cancel,
            &b));
  EXPECT_EQ(
      LastEvent("approval.completed", b.name()).approval_completed().reason(),
      v1::ApprovalCompleted::CANCELLED);
}

TEST_F(ApprovalsTest, RetriedCreateCalendarAndCreateDelegationChangeNothing) {
  v1::CreateCalendarRequest cal;
  cal.set_calendar_id("paris");
  cal.set_request_id("cal-1");
  cal.mutable_calendar()->set_time_zone("Europe/Paris");
  auto* w = cal.mutable_calendar()->add_working_hours();
  w->set_weekday(1);
  w->set_start("09:00");
  w->set_end("17:00");
  v1::Calendar first, retry;
  Must(Call(calendars_.get(), &v1::CalendarService::Stub::CreateCalendar,
            admin_token_, cal, &first));
  clock_.Advance(absl::Minutes(1));
  Must(Call(calendars_.get(), &v1::CalendarService::Stub::CreateCalendar,
            admin_token_, cal, &retry));
  EXPECT_EQ(first.SerializeAsString(), retry.SerializeAsString());
  EXPECT_EQ(CountEvents("calendar.created", "calendars/paris"), 1);
  // Without the request_id it is a second create, which the first blocks.
  cal.clear_request_id();
  EXPECT_EQ(Call(calendars_.get(), &v1::CalendarService::Stub::CreateCalendar,
                 admin_token_, cal, &retry)
                .error_code(),
            grpc::ALREADY_EXISTS);
  // The same request_id with another request is refused.
  cal.set_request_id("cal-1");
  cal.set_calendar_id("lyon");
  EXPECT_EQ(Call(calendars_.get(), &v1::CalendarService::Stub::CreateCalendar,
                 admin_token_, cal, &retry)
                .error_code(),
            grpc::FAILED_PRECONDITION);

  v1::CreateDelegationRequest del;
  del.set_parent("users/me");
  del.set_request_id("del-1");
  del.mutable_delegation()->set_delegate("users/sub");
  *del.mutable_delegation()->mutable_end_time() =
      ToProtoTime(clock_.Now() + absl::Hours(24));
  v1::Delegation d1, d2;
  Must(Call(approvals_.get(), &AStub::CreateDelegation, tokens_["fin1"], del,
            &d1));
  clock_.Advance(absl::Minutes(1));
  Must(Call(approvals_.get(), &AStub::CreateDelegation, tokens_["fin1"], del,
            &d2));
  EXPECT_EQ(d1.SerializeAsString(), d2.SerializeAsString());
  EXPECT_EQ(CountEvents("delegation.created", d1.name()), 1);
  v1::ListDelegationsRequest list;
  list.set_parent("users/fin1");
  v1::ListDelegationsResponse listed;
  Must(Call(approvals_.get(), &AStub::ListDelegations, tokens_["fin1"], list,
            &listed));
  ASSERT_EQ(listed.delegations_size(), 1);
  EXPECT_EQ(listed.delegations(0).name(), d1.name());
}

}  // namespace
}  // namespace mops

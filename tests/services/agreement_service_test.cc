// Agreements as a team lead uses them: drafts and versions, review through
// the liaisons' approval, activation and supersession, retirement,
// liaisons joining the decisions that concern an agreement, and the
// errors a caller gets.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/agreements_fixture.h"

namespace mops::testing {
namespace {

constexpr char kSales[] = R"pb(
  title: "Marketing and Sales"
  scope: "Leads go from Marketing to Sales."
  parties {
    team: "teams/marketing"
    liaisons: [ "users/lea", "users/mem" ]
    responsibilities: "Qualify leads"
  }
  parties {
    team: "teams/sales"
    liaisons: [ "users/sam", "users/sue" ]
    responsibilities: "Answer every MQL"
  }
  terms {
    id: "mql-response"
    title: "An MQL is answered"
    provider: "teams/sales"
    customer: "teams/marketing"
    metric: RESPONSE
    target: "2bh"
    start { event_type: "task.created" filter: "labels:mql" }
    stop {
      event_type: "task.state_changed"
      filter: "labels:mql AND (state = IN_PROGRESS OR state = DONE)"
    }
  }
)pb";

class AgreementServiceTest : public AgreementsTest {};

TEST_F(AgreementServiceTest, DraftIsEditedThenReviewedThenActive) {
  v1::Agreement a;
  ASSERT_TRUE(Create(lead_, "ms", Parse(kSales), &a).ok());
  EXPECT_EQ(a.name(), "agreements/ms");
  EXPECT_EQ(a.version(), 1);
  EXPECT_EQ(a.state(), v1::Agreement::DRAFT);

  v1::Agreement edit = Parse(kSales);
  edit.set_title("Marketing and Sales: leads");
  ASSERT_TRUE(Update(lead_, "ms", edit, &a).ok());
  EXPECT_EQ(a.version(), 1) << "a draft is edited in place";
  EXPECT_EQ(a.title(), "Marketing and Sales: leads");

  ASSERT_TRUE(Submit(lead_, "ms", &a).ok());
  EXPECT_EQ(a.state(), v1::Agreement::IN_REVIEW);
  const v1::Approval review = Approval(a.approval());
  EXPECT_EQ(review.subject(), "agreements/ms/versions/1");
  ASSERT_EQ(review.groups_size(), 2) << "one group per party";
  EXPECT_EQ(review.groups(1).users(0), "users/sam");

  // In review, the version is frozen.
  grpc::Status s = Update(lead_, "ms", Parse(kSales));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("in review"), std::string::npos);

  // lea submitted: mem approves for marketing, sam for sales.
  ASSERT_TRUE(Decide(member_, a.approval(), v1::Decision::APPROVE).ok());
  EXPECT_EQ(Get("agreements/ms").state(), v1::Agreement::IN_REVIEW);
  ASSERT_TRUE(Decide(sam_, a.approval(), v1::Decision::APPROVE).ok());
  a = Get("agreements/ms");
  EXPECT_EQ(a.state(), v1::Agreement::ACTIVE);
  EXPECT_EQ(a.active_version(), 1);
  EXPECT_EQ(CountEvents("agreement.activated", "agreements/ms"), 1);
}

TEST_F(AgreementServiceTest, EditingAnActiveAgreementMakesTheNextDraft) {
  ASSERT_TRUE(Create(admin_token_, "ms", Parse(kSales)).ok());
  Activate("ms");
  v1::Agreement same;
  ASSERT_TRUE(Update(sam_, "ms", Parse(kSales), &same).ok());
  EXPECT_EQ(same.version(), 1) << "the same content makes no version";

  v1::Agreement edit = Parse(kSales);
  edit.mutable_terms(0)->set_target("1bh");
  v1::Agreement v2;
  ASSERT_TRUE(Update(sam_, "ms", edit, &v2).ok());
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.state(), v1::Agreement::DRAFT);
  EXPECT_EQ(v2.active_version(), 1);
  EXPECT_EQ(Get("agreements/ms/versions/1").state(), v1::Agreement::ACTIVE);

  Activate("ms");
  EXPECT_EQ(Get("agreements/ms/versions/1").state(), v1::Agreement::SUPERSEDED);
  EXPECT_EQ(Get("agreements/ms").active_version(), 2);
  v1::ListAgreementVersionsRequest req;
  req.set_parent("agreements/ms");
  v1::ListAgreementVersionsResponse versions;
  ASSERT_TRUE(Call(agreements_.get(), &AgStub::ListAgreementVersions, member_,
                   req, &versions)
                  .ok());
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).version(), 2) << "newest first";
  EXPECT_EQ(versions.versions(1).state(), v1::Agreement::SUPERSEDED);
}

TEST_F(AgreementServiceTest, AFailedReviewLeavesADraftToFixAndResubmit) {
  ASSERT_TRUE(Create(lead_, "ms", Parse(kSales)).ok());
  v1::Agreement a;
  ASSERT_TRUE(Submit(lead_, "ms", &a).ok());
  ASSERT_TRUE(Decide(sam_, a.approval(), v1::Decision::REQUEST_CHANGES).ok());
  a = Get("agreements/ms");
  EXPECT_EQ(a.state(), v1::Agreement::DRAFT);
  EXPECT_NE(a.review_note().find("changes requested by users/sam"),
            std::string::npos)
      << a.review_note();

  v1::Agreement edit = Parse(kSales);
  edit.mutable_terms(0)->set_target("3bh");
  ASSERT_TRUE(Update(lead_, "ms", edit).ok());
  v1::Agreement again;
  ASSERT_TRUE(Submit(lead_, "ms", &again).ok());
  EXPECT_EQ(again.approval(), a.approval()) << "the same review, next round";
  EXPECT_EQ(Approval(a.approval()).round(), 2);

  ASSERT_TRUE(Decide(sam_, a.approval(), v1::Decision::REJECT).ok());
  a = Get("agreements/ms");
  EXPECT_EQ(a.state(), v1::Agreement::DRAFT);
  EXPECT_NE(a.review_note().find("rejected"), std::string::npos);
  EXPECT_EQ(a.active_version(), 0);
}

TEST_F(AgreementServiceTest, OnlyStewardsChangeAnAgreement) {
  grpc::Status s = Create(outsider_, "ms", Parse(kSales));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Create(lead_, "ms", Parse(kSales)).ok());
  s = Update(outsider_, "ms", Parse(kSales));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit(outsider_, "ms").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A liaison (not a lead) is a steward.
  EXPECT_TRUE(Submit(sue_, "ms").ok());
}

TEST_F(AgreementServiceTest, ASubmitterWhoIsTheOnlyLiaisonIsTold) {
  v1::Agreement a = Parse(kSales);
  a.mutable_parties(1)->clear_liaisons();
  a.mutable_parties(1)->add_liaisons("users/sam");
  ASSERT_TRUE(Create(sam_, "ms", a).ok());
  grpc::Status s = Submit(sam_, "ms");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("parties[1] (teams/sales)"),
            std::string::npos)
      << s.error_message();
}

TEST_F(AgreementServiceTest, BadAgreementsAreRefusedNamingTheField) {
  v1::Agreement a = Parse(kSales);
  a.mutable_parties()->RemoveLast();
  grpc::Status s = Create(lead_, "ms", a);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("agreement.parties"), std::string::npos);

  a = Parse(kSales);
  a.mutable_terms(0)->mutable_stop(0)->set_filter("state = FINISHED");
  s = Create(lead_, "ms", a);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("agreement.terms[0].stop[0].filter"),
            std::string::npos)
      << s.error_message();

  a = Parse(kSales);
  a.mutable_terms(0)->set_target("2 hours");
  s = Create(lead_, "ms", a);
  EXPECT_NE(s.error_message().find("agreement.terms[0].target"),
            std::string::npos);

  a = Parse(kSales);
  a.mutable_parties(1)->set_liaisons(0, "users/nobody");
  s = Create(lead_, "ms", a);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(s.error_message().find("agreement.parties[1].liaisons[0]"),
            std::string::npos)
      << s.error_message();

  ASSERT_TRUE(Create(lead_, "ms", Parse(kSales)).ok());
  EXPECT_EQ(Create(lead_, "ms", Parse(kSales)).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  v1::GetAgreementRequest get;
  get.set_name("agreements/ms/versions/7");
  v1::Agreement out;
  EXPECT_EQ(Call(agreements_.get(), &AgStub::GetAgreement, member_, get, &out)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_name("agreement/ms");
  EXPECT_EQ(Call(agreements_.get(), &AgStub::GetAgreement, member_, get, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AgreementServiceTest, LiaisonsJoinTheDecisionsThatConcernTheAgreement) {
  v1::Agreement a = Parse(kSales);
  a.mutable_concerns()->add_project_labels("paid-media");
  ASSERT_TRUE(Create(admin_token_, "ms", a).ok());
  Activate("ms");
  // Project "launch" gets the label; a second project has none.
  v1::UpdateProjectRequest up;
  up.mutable_project()->set_name("projects/launch");
  up.mutable_project()->add_labels("paid-media");
  up.mutable_update_mask()->add_paths("labels");
  v1::Project p;
  ASSERT_TRUE(Call(projects_.get(), &v1::ProjectService::Stub::UpdateProject,
                   admin_token_, up, &p)
                  .ok());

  v1::CreateApprovalRequest req;
  req.mutable_approval()->set_subject("projects/launch");
  req.mutable_approval()->set_title("Media budget");
  req.mutable_approval()->add_groups()->set_team("teams/finance");
  v1::Approval made;
  ASSERT_TRUE(Call(approvals_.get(), &v1::ApprovalService::Stub::CreateApproval,
                   lead_, req, &made)
                  .ok());
  // Added in the commit that asked for it.
  made = Approval(made.name());
  ASSERT_EQ(made.groups_size(), 2);
  const v1::ApproverGroup& g = made.groups(1);
  EXPECT_EQ(g.agreement(), "agreements/ms");
  EXPECT_EQ(g.required(), 1);
  // The requester (lea, a liaison) is left out.
  EXPECT_EQ(std::vector<std::string>(g.eligible().begin(), g.eligible().end()),
            (std::vector<std::string>{"users/mem", "users/sam", "users/sue"}));
  EXPECT_EQ(CountEvents("approval.liaisons_added", made.name()), 1);

  req.mutable_approval()->set_subject("https://example.com/asset");
  ASSERT_TRUE(Call(approvals_.get(), &v1::ApprovalService::Stub::CreateApproval,
                   lead_, req, &made)
                  .ok());
  EXPECT_EQ(Approval(made.name()).groups_size(), 1)
      << "not a decision on a paid-media project";
}

TEST_F(AgreementServiceTest, RetiringCancelsOpenClocksAndStartsNoMore) {
  ASSERT_TRUE(Create(admin_token_, "ms", Parse(kSales)).ok());
  Activate("ms");
  const v1::Task t = MakeTask("Lead ACME", "teams/sales", {"mql"});
  ASSERT_EQ(ClockOn("ms", t.name()).current().state(), Cycle::RUNNING);
  v1::RetireAgreementRequest req;
  req.set_name("agreements/ms");
  v1::Agreement a;
  ASSERT_TRUE(
      Call(agreements_.get(), &AgStub::RetireAgreement, sam_, req, &a).ok());
  EXPECT_EQ(a.state(), v1::Agreement::RETIRED);
  EXPECT_EQ(ClockOn("ms", t.name()).current().state(), Cycle::CANCELLED);
  MakeTask("Lead Globex", "teams/sales", {"mql"});
  EXPECT_EQ(Clocks("ms").size(), 1u);
  EXPECT_EQ(Call(agreements_.get(), &AgStub::RetireAgreement, sam_, req, &a)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(AgreementServiceTest, RetiringWhileANewVersionIsInReviewIsRefused) {
  ASSERT_TRUE(Create(admin_token_, "ms", Parse(kSales)).ok());
  Activate("ms");
  v1::Agreement edit = Parse(kSales);
  edit.set_title("Marketing and Sales, v2");
  ASSERT_TRUE(Update(lead_, "ms", edit).ok());
  v1::Agreement v2;
  ASSERT_TRUE(Submit(lead_, "ms", &v2).ok());
  v1::RetireAgreementRequest req;
  req.set_name("agreements/ms");
  v1::Agreement a;
  grpc::Status s =
      Call(agreements_.get(), &AgStub::RetireAgreement, sam_, req, &a);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find(v2.approval()), std::string::npos)
      << s.error_message();
}

TEST_F(AgreementServiceTest, APartyAddedAfterChangesWereAskedIsAskedToo) {
  ASSERT_TRUE(Create(lead_, "ms", Parse(kSales)).ok());
  v1::Agreement a;
  ASSERT_TRUE(Submit(lead_, "ms", &a).ok());
  ASSERT_TRUE(Decide(sam_, a.approval(), v1::Decision::REQUEST_CHANGES).ok());
  v1::Agreement edit = Parse(kSales);
  v1::AgreementParty* it = edit.add_parties();
  it->set_team("teams/it");
  it->add_liaisons("users/ivan");
  ASSERT_TRUE(Update(lead_, "ms", edit).ok());
  v1::Agreement again;
  ASSERT_TRUE(Submit(lead_, "ms", &again).ok());
  EXPECT_NE(again.approval(), a.approval()) << "a new review for IT";
  EXPECT_EQ(Approval(again.approval()).groups_size(), 3);
  EXPECT_EQ(Approval(a.approval()).state(), v1::Approval::CANCELLED);
  // The old review's cancellation does not send the new one back.
  EXPECT_EQ(Get("agreements/ms").state(), v1::Agreement::IN_REVIEW);
}

}  // namespace
}  // namespace mops::testing

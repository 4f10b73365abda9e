// The approval rule as pure functions.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/approvals/rules.h"

namespace mops::services::approvals {
namespace {

using O = v1::Decision::Outcome;

struct GroupSpec {
  int eligible;
  int required;
  bool veto = true;
};

// Group i's people are "users/g{i}-{j}".
v1::Approval Make(const std::vector<GroupSpec>& groups) {
  v1::Approval a;
  a.set_round(1);
  for (size_t i = 0; i < groups.size(); ++i) {
    auto* g = a.add_groups();
    g->set_required(groups[i].required);
    g->set_reject_does_not_veto(!groups[i].veto);
    for (int j = 0; j < groups[i].eligible; ++j) {
      g->add_eligible(absl::StrCat("users/g", i, "-", j));
    }
  }
  return a;
}

void Decide(v1::Approval* a, const std::string& who, O outcome, int round = 1,
            const std::string& for_whom = "") {
  auto* d = a->add_decisions();
  d->set_approver(who);
  d->set_on_behalf_of(for_whom);
  d->set_outcome(outcome);
  d->set_round(round);
}

TEST(ApprovalRulesTest, Scenarios) {
  // 1 of legal AND 2 of finance.
  v1::Approval a = Make({{2, 1}, {3, 2}});
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g0-1", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g1-0", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g1-2", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kApproved);

  // One reject vetoes, even when other groups are satisfied.
  a = Make({{2, 1}, {3, 2}});
  Decide(&a, "users/g0-0", v1::Decision::APPROVE);
  Decide(&a, "users/g1-0", v1::Decision::REJECT);
  EXPECT_EQ(Evaluate(a), Verdict::kRejected);

  // Without veto, a reject only counts against reaching the count.
  a = Make({{3, 2, false}});
  Decide(&a, "users/g0-0", v1::Decision::REJECT);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g0-1", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  Decide(&a, "users/g0-2", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kApproved);
  a = Make({{3, 2, false}});
  Decide(&a, "users/g0-0", v1::Decision::REJECT);
  Decide(&a, "users/g0-1", v1::Decision::REJECT);
  EXPECT_EQ(Evaluate(a), Verdict::kRejected);

  // Request changes ends the round; earlier rounds do not count.
  a = Make({{2, 2}});
  Decide(&a, "users/g0-0", v1::Decision::APPROVE);
  Decide(&a, "users/g0-1", v1::Decision::REQUEST_CHANGES);
  EXPECT_EQ(Evaluate(a), Verdict::kChangesRequested);
  a.set_round(2);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
  EXPECT_EQ(StillToDecide(a).size(), 2u);
  Decide(&a, "users/g0-0", v1::Decision::APPROVE, 2);
  Decide(&a, "users/g0-1", v1::Decision::APPROVE, 2);
  EXPECT_EQ(Evaluate(a), Verdict::kApproved);

  // A delegate's decision fills the delegator's place.
  a = Make({{2, 2}});
  Decide(&a, "users/stand-in", v1::Decision::APPROVE, 1, "users/g0-0");
  EXPECT_TRUE(HasDecided(a, "users/g0-0"));
  EXPECT_FALSE(HasDecided(a, "users/stand-in"));
  EXPECT_TRUE(HasActed(a, "users/stand-in"));
  EXPECT_EQ(StillToDecide(a), std::vector<std::string>{"users/g0-1"});
  // Decisions of people outside a group do not count for it.
  Decide(&a, "users/outsider", v1::Decision::APPROVE);
  EXPECT_EQ(Evaluate(a), Verdict::kPending);
}

// Every combination of one or two groups (1 to 3 eligible, every count, veto
// or not) and every assignment of none/approve/reject to their people.
TEST(ApprovalRulesTest, ApplyVerdictClosesTheApprovalOrTheRound) {
  const absl::Time now = absl::FromUnixSeconds(1795000000);
  v1::Approval a = Make({{2, 1}});
  a.set_state(v1::Approval::PENDING);
  EXPECT_FALSE(ApplyVerdict(now, &a));
  EXPECT_EQ(a.state(), v1::Approval::PENDING);
  Decide(&a, "users/g0-0", v1::Decision::REQUEST_CHANGES);
  EXPECT_FALSE(ApplyVerdict(now, &a));  // the round ends, not the approval
  EXPECT_EQ(a.state(), v1::Approval::CHANGES_REQUESTED);
  EXPECT_FALSE(a.has_complete_time());

  a = Make({{2, 1}});
  Decide(&a, "users/g0-1", v1::Decision::APPROVE);
  EXPECT_TRUE(ApplyVerdict(now, &a));
  EXPECT_EQ(a.state(), v1::Approval::APPROVED);
  EXPECT_EQ(a.complete_time().seconds(), 1795000000);

  a = Make({{2, 1}});
  Decide(&a, "users/g0-1", v1::Decision::REJECT);
  EXPECT_TRUE(ApplyVerdict(now, &a));
  EXPECT_EQ(a.state(), v1::Approval::REJECTED);
}

TEST(ApprovalRulesTest, EscalationAddsNobodyWhoDecidedOrIsThere) {
  v1::Approval a = Make({{2, 2}, {1, 1}});
  a.set_requester("users/req");
  Decide(&a, "users/g1-0", v1::Decision::APPROVE);
  // A delegate who decided in someone's place this round.
  Decide(&a, "users/sub", v1::Decision::APPROVE, 1, "users/g0-0");
  const v1::ApproverGroup& g = a.groups(0);
  EXPECT_TRUE(MayEscalateTo(a, g, "users/lead"));
  EXPECT_FALSE(MayEscalateTo(a, g, ""));
  EXPECT_FALSE(MayEscalateTo(a, g, "users/req"));   // separation of duties
  EXPECT_FALSE(MayEscalateTo(a, g, "users/g0-1"));  // already eligible
  EXPECT_FALSE(MayEscalateTo(a, g, "users/g1-0"));  // decided this round
  EXPECT_FALSE(MayEscalateTo(a, g, "users/sub"));   // acted this round
  // A decision of an earlier round does not count.
  v1::Approval next = a;
  next.set_round(2);
  EXPECT_TRUE(MayEscalateTo(next, g, "users/g1-0"));
}

TEST(ApprovalRulesTest, PropertiesOverEveryCombination) {
  std::vector<GroupSpec> shapes;
  for (int e = 1; e <= 3; ++e) {
    for (int r = 1; r <= e; ++r) {
      for (bool veto : {true, false}) shapes.push_back({e, r, veto});
    }
  }
  int checked = 0;
  auto check = [&](const std::vector<GroupSpec>& groups) {
    std::vector<std::string> people;
    for (size_t i = 0; i < groups.size(); ++i) {
      for (int j = 0; j < groups[i].eligible; ++j) {
        people.push_back(absl::StrCat("users/g", i, "-", j));
      }
    }
    int combos = 1;
    for (size_t k = 0; k < people.size(); ++k) combos *= 3;
    for (int c = 0; c < combos; ++c) {
      v1::Approval a = Make(groups);
      std::vector<int> choice(people.size());
      for (size_t k = 0, x = c; k < people.size(); ++k, x /= 3) {
        choice[k] = x % 3;
        if (choice[k] == 1) {
          Decide(&a, people[k], v1::Decision::APPROVE);
        } else if (choice[k] == 2) {
          Decide(&a, people[k], v1::Decision::REJECT);
        }
      }
      std::vector<GroupTally> tallies;
      Verdict v = Evaluate(a, &tallies);
      ++checked;
      bool any_veto_reject = false, all_reach = true, any_out_of_reach = false;
      for (size_t i = 0; i < groups.size(); ++i) {
        int approvals = 0, rejects = 0;
        for (int j = 0; j < groups[i].eligible; ++j) {
          size_t k = std::find(people.begin(), people.end(),
                               absl::StrCat("users/g", i, "-", j)) -
                     people.begin();
          approvals += choice[k] == 1;
          rejects += choice[k] == 2;
        }
        EXPECT_EQ(tallies[i].approvals, approvals);
        EXPECT_EQ(tallies[i].rejects, rejects);
        if (groups[i].veto && rejects > 0) any_veto_reject = true;
        if (!groups[i].veto &&
            groups[i].eligible - rejects < groups[i].required) {
          any_out_of_reach = true;
        }
        if (approvals < groups[i].required) all_reach = false;
      }
      // A veto reject always rejects.
      if (any_veto_reject) {
        EXPECT_EQ(v, Verdict::kRejected);
      }
      // A group that can no longer reach its count rejects.
      if (any_out_of_reach) {
        EXPECT_EQ(v, Verdict::kRejected);
      }
      // Otherwise: approved exactly when every group reached its count.
      if (!any_veto_reject && !any_out_of_reach) {
        EXPECT_EQ(v, all_reach ? Verdict::kApproved : Verdict::kPending);
      }
      // Decision order does not matter.
      v1::Approval reversed = a;
      std::reverse(reversed.mutable_decisions()->begin(),
                   reversed.mutable_decisions()->end());
      EXPECT_EQ(Evaluate(reversed), v);
      // One more approval never turns approved into anything else.
      if (v == Verdict::kApproved) {
        Decide(&a, "users/g0-0", v1::Decision::APPROVE);
        EXPECT_EQ(Evaluate(a), Verdict::kApproved);
      }
    }
  };
  for (const auto& s : shapes) check({s});
  for (const auto& s1 : shapes) {
    for (const auto& s2 : shapes) check({s1, s2});
  }
  EXPECT_GT(checked, 10000);
}

}  // namespace
}  // namespace mops::services::approvals

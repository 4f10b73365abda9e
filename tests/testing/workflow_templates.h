// Workflow templates for tests, in protobuf text format.
#ifndef MOPS_TESTS_TESTING_WORKFLOW_TEMPLATES_H_
#define MOPS_TESTS_TESTING_WORKFLOW_TEMPLATES_H_

namespace mops::testing {

// brief -> creative -> legal (rework: creative) -> budget_check ->
// finance when budget > 50000 EUR -> launch -> done; launch straight after
// budget_check otherwise.
inline constexpr char kCampaign[] = R"pb(
  team: "teams/marketing"
  target_variable: "launch_date"
  variables { name: "campaign" type: STRING required: true }
  variables { name: "budget" type: MONEY currency: "EUR" required: true }
  variables { name: "launch_date" type: DATE required: true }
  variables { name: "asset" type: URL default_value: "https://example.com/a" }
  variables { name: "designer" type: USER }
  stages {
    id: "brief"
    task {
      tasks {
        title: "Brief: {{campaign}}"
        assignee: "run.starter"
        estimate: "1bd"
      }
    }
  }
  stages {
    id: "creative"
    after: "brief"
    due: "3bd"
    task {
      tasks {
        title: "Creative for {{campaign}}"
        assignee: "{{designer}}"
        estimate: "2bd"
      }
    }
  }
  stages {
    id: "legal"
    after: "creative"
    due: "2bd"
    approval {
      title: "Legal review of {{campaign}}"
      subject: "{{asset}}"
      groups { team: "teams/legal" }
      on_changes_requested: "creative"
    }
  }
  stages {
    id: "budget_check"
    after: "legal"
    condition {
      expression: "budget > \"50000 EUR\""
      if_true: "finance"
      if_false: "launch"
    }
  }
  stages {
    id: "finance"
    after: "budget_check"
    approval { groups { team: "teams/finance" } }
  }
  stages {
    id: "launch"
    after: [ "budget_check", "finance" ]
    task { tasks { title: "Launch {{campaign}}" team: "project.team" } }
  }
  stages {
    id: "done"
    after: "launch"
    end {}
  }
)pb";

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_WORKFLOW_TEMPLATES_H_

#include "services/common/event_condition.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/events.h"

namespace mops::services {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kType[] = "terms[0].start[1].event_type";
constexpr char kFilter[] = "terms[0].start[1].filter";

EventCondition Compile(absl::string_view type, absl::string_view filter) {
  absl::StatusOr<EventCondition> c =
      EventCondition::Compile(kType, type, kFilter, filter);
  EXPECT_TRUE(c.ok()) << type << " / " << filter << ": " << c.status();
  if (!c.ok()) return *EventCondition::Compile(kType, type, kFilter, "");
  return *std::move(c);
}

std::string CompileError(absl::string_view type, absl::string_view filter) {
  absl::StatusOr<EventCondition> c =
      EventCondition::Compile(kType, type, kFilter, filter);
  EXPECT_FALSE(c.ok()) << type << " / " << filter;
  if (c.ok()) return "";
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(c.status().message());
}

bool Matches(absl::string_view type, absl::string_view filter,
             const v1::Event& e) {
  return Compile(type, filter).Matches(e);
}

google::protobuf::Timestamp Time(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// 2026-11-30T12:00:00Z.
constexpr int64_t kNov30 = 1796040000;

v1::Task SalesTask() {
  v1::Task t;
  t.set_name("projects/q4/tasks/t1");
  t.set_title("Launch the MQL campaign");
  t.set_team("teams/sales");
  t.set_priority(v1::Task::P0);
  t.set_state(v1::Task::TODO);
  t.add_labels("mql");
  t.add_labels("q4");
  *t.mutable_due_time() = Time(kNov30);
  t.mutable_estimate()->set_seconds(3 * 3600);
  (*t.mutable_custom_fields())["region"] = "emea";
  return t;
}

v1::Event TaskCreated(const v1::Task& t) {
  v1::Event e;
  *e.mutable_task_created()->mutable_task() = t;
  return e;
}

v1::Event TaskStateChanged(v1::Task::State to, v1::Task::State from) {
  v1::Event e;
  v1::TaskStateChanged* p = e.mutable_task_state_changed();
  *p->mutable_task() = SalesTask();
  p->mutable_task()->set_state(to);
  p->set_from(from);
  return e;
}

v1::Event StageEntered(absl::string_view stage, absl::string_view templ) {
  v1::Event e;
  v1::WorkflowStageEvent* p = e.mutable_workflow_stage_entered();
  p->set_stage(std::string(stage));
  p->set_round(1);
  v1::Workflow* w = p->mutable_workflow();
  w->set_name("workflows/w1");
  w->set_template_(std::string(templ));
  w->set_project("projects/q4");
  w->set_state(v1::Workflow::RUNNING);
  v1::WorkflowStageState* s = w->add_stages();
  s->set_id("brief");
  s->set_state(v1::WorkflowStageState::DONE);
  s = w->add_stages();
  s->set_id(std::string(stage));
  s->set_state(v1::WorkflowStageState::ACTIVE);
  return e;
}

v1::Approval FinanceApproval() {
  v1::Approval a;
  a.set_name("approvals/a1");
  a.set_subject("projects/q4/tasks/t1");
  a.set_state(v1::Approval::PENDING);
  a.add_groups()->set_team("teams/legal");
  v1::ApproverGroup* g = a.add_groups();
  g->set_team("teams/finance");
  g->add_users("users/ann");
  g->add_users("users/bob");
  return a;
}

v1::Event ApprovalRequested(const v1::Approval& a) {
  v1::Event e;
  *e.mutable_approval_requested()->mutable_approval() = a;
  return e;
}

v1::Event ApprovalCompleted(v1::Approval::State state,
                            v1::ApprovalCompleted::Reason reason) {
  v1::Event e;
  v1::ApprovalCompleted* p = e.mutable_approval_completed();
  *p->mutable_approval() = FinanceApproval();
  p->mutable_approval()->set_state(state);
  p->set_reason(reason);
  return e;
}

TEST(EventConditionTest, TaskCreatedWithLabelsTeamAndPriority) {
  const std::string f = "labels:mql AND team = teams/sales AND priority = P0";
  EXPECT_TRUE(Matches("task.created", f, TaskCreated(SalesTask())));

  v1::Task p1 = SalesTask();
  p1.set_priority(v1::Task::P1);
  EXPECT_FALSE(Matches("task.created", f, TaskCreated(p1)));
  v1::Task other_team = SalesTask();
  other_team.set_team("teams/sales-emea");  // `=` is exact
  EXPECT_FALSE(Matches("task.created", f, TaskCreated(other_team)));
  v1::Task no_label = SalesTask();
  no_label.clear_labels();
  no_label.add_labels("mql-2");  // a list holds whole items
  EXPECT_FALSE(Matches("task.created", f, TaskCreated(no_label)));
}

TEST(EventConditionTest, AnotherTypeNeverMatches) {
  EventCondition c = Compile("task.created", "");
  EXPECT_EQ(c.event_type(), "task.created");
  EXPECT_TRUE(c.Matches(TaskCreated(SalesTask())));
  v1::Event updated;
  *updated.mutable_task_updated()->mutable_task() = SalesTask();
  updated.set_type("task.created");  // the payload decides, not the string
  EXPECT_FALSE(c.Matches(updated));
  EXPECT_FALSE(c.Matches(v1::Event()));
}

TEST(EventConditionTest, CompilingAgainSharesTheSchema) {
  // The schema is built once per type: both conditions point into it.
  EventCondition a = Compile("task.created", "priority = P0");
  EventCondition b = Compile("task.created", "labels:mql");
  EXPECT_EQ(&a.event_type(), &b.event_type());
  EXPECT_NE(&a.event_type(), &Compile("task.updated", "").event_type());
}

TEST(EventConditionTest, TaskStateChangedByStateOrFrom) {
  const v1::Event done = TaskStateChanged(v1::Task::DONE, v1::Task::BLOCKED);
  const v1::Event started =
      TaskStateChanged(v1::Task::IN_PROGRESS, v1::Task::TODO);
  EXPECT_TRUE(Matches("task.state_changed", "state = DONE", done));
  EXPECT_FALSE(Matches("task.state_changed", "state = DONE", started));
  EXPECT_TRUE(Matches("task.state_changed", "from = BLOCKED", done));
  EXPECT_FALSE(Matches("task.state_changed", "from = BLOCKED", started));
  EXPECT_TRUE(Matches("task.state_changed", "from = blocked", done));
  EXPECT_TRUE(Matches("task.state_changed", "NOT from = TODO", done));
}

TEST(EventConditionTest, WorkflowStageByStageAndTemplate) {
  const std::string f =
      "stage = \"legal\" AND template = \"workflowTemplates/campaign-launch\"";
  EXPECT_TRUE(
      Matches("workflow.stage_entered", f,
              StageEntered("legal", "workflowTemplates/campaign-launch")));
  EXPECT_FALSE(
      Matches("workflow.stage_entered", f,
              StageEntered("legal-2", "workflowTemplates/campaign-launch")));
  EXPECT_FALSE(Matches("workflow.stage_entered", f,
                       StageEntered("legal", "workflowTemplates/other")));
  // The payload's round; the run's state (an enum) and project.
  EXPECT_TRUE(Matches("workflow.stage_entered",
                      "round = 1 AND state = RUNNING AND project = projects/q4",
                      StageEntered("legal", "workflowTemplates/x")));
  EXPECT_FALSE(Matches("workflow.stage_entered", "round > 1",
                       StageEntered("legal", "workflowTemplates/x")));
}

TEST(EventConditionTest, ApprovalGroupsTeamAndSubject) {
  const v1::Event finance = ApprovalRequested(FinanceApproval());
  v1::Approval legal_only = FinanceApproval();
  legal_only.mutable_groups()->RemoveLast();
  const v1::Event legal = ApprovalRequested(legal_only);
  EXPECT_TRUE(
      Matches("approval.requested", "groups.team:teams/finance", finance));
  EXPECT_FALSE(
      Matches("approval.requested", "groups.team:teams/finance", legal));
  EXPECT_TRUE(
      Matches("approval.requested", "groups.team != teams/finance", legal));

  // `:` on text is a case-blind substring, as in ListApprovals.
  EXPECT_TRUE(Matches("approval.requested", "subject:\"projects/\"", finance));
  EXPECT_TRUE(Matches("approval.requested", "subject:Q4/TASKS", finance));
  v1::Approval asset = FinanceApproval();
  asset.set_subject("https://cdn.example.com/banner.png");
  EXPECT_FALSE(Matches("approval.requested", "subject:\"projects/\"",
                       ApprovalRequested(asset)));
}

TEST(EventConditionTest, ApprovalCompletedByStateOrReason) {
  const v1::Event approved = ApprovalCompleted(
      v1::Approval::APPROVED, v1::ApprovalCompleted::DECISIONS);
  const v1::Event cancelled = ApprovalCompleted(
      v1::Approval::CANCELLED, v1::ApprovalCompleted::CANCELLED);
  EXPECT_TRUE(Matches("approval.completed", "state = APPROVED", approved));
  EXPECT_FALSE(Matches("approval.completed", "state = APPROVED", cancelled));
  EXPECT_TRUE(Matches("approval.completed", "reason = DECISIONS", approved));
  EXPECT_FALSE(Matches("approval.completed", "reason = DECISIONS", cancelled));
}

TEST(EventConditionTest, PayloadFieldsComeFirst) {
  // No payload of today's catalog shares a field name with its resource, so
  // the rule (the payload's name wins) shows only as: the bare name is the
  // payload's, and a same-named path below the resource stays apart.
  v1::Event e = StageEntered("legal", "workflowTemplates/x");
  e.mutable_workflow_stage_entered()->set_round(2);
  e.mutable_workflow_stage_entered()
      ->mutable_workflow()
      ->mutable_stages(1)
      ->set_round(1);
  EXPECT_TRUE(Matches("workflow.stage_entered", "round = 2", e));
  EXPECT_FALSE(Matches("workflow.stage_entered", "round = 1", e));
  EXPECT_TRUE(Matches("workflow.stage_entered", "stages.round = 1", e));
  // Every payload's own fields are there under their bare names.
  const auto* oneof = v1::Event::descriptor()->FindOneofByName("payload");
  for (int i = 0; i < oneof->field_count(); ++i) {
    const std::string type = EventTypeOfField(oneof->field(i)->name());
    absl::StatusOr<std::vector<std::string>> fields =
        EventConditionFields(type);
    if (!fields.ok()) continue;
    const google::protobuf::Descriptor* payload =
        oneof->field(i)->message_type();
    for (int j = 0; j < payload->field_count(); ++j) {
      const google::protobuf::FieldDescriptor* f = payload->field(j);
      if (f->message_type() != nullptr) continue;
      EXPECT_THAT(*fields, Contains(f->name())) << type;
    }
  }
}

TEST(EventConditionTest, ResourceNameAsPrefix) {
  const v1::Event e = TaskCreated(SalesTask());
  EXPECT_TRUE(Matches("task.created", "task.priority = P0", e));
  EXPECT_TRUE(Matches("task.created", "task.labels:mql AND priority = P0", e));
  EXPECT_FALSE(Matches("task.created", "task.priority = P2", e));
  const v1::Event stage = StageEntered("legal", "workflowTemplates/c");
  EXPECT_TRUE(Matches("workflow.stage_entered",
                      "workflow.template = workflowTemplates/c", stage));
  EXPECT_TRUE(Matches("workflow.stage_entered",
                      "workflow.stages.state = ACTIVE", stage));
}

TEST(EventConditionTest, RepeatedMessagePathsAreLists) {
  const v1::Event stage = StageEntered("legal", "workflowTemplates/c");
  EXPECT_TRUE(
      Matches("workflow.stage_entered", "stages.state = ACTIVE", stage));
  EXPECT_TRUE(Matches("workflow.stage_entered", "stages.state:DONE", stage));
  EXPECT_FALSE(
      Matches("workflow.stage_entered", "stages.state = SKIPPED", stage));
  EXPECT_TRUE(
      Matches("workflow.stage_entered", "stages.state != SKIPPED", stage));
  // A repeated field below a repeated message: every group's users.
  const v1::Event req = ApprovalRequested(FinanceApproval());
  EXPECT_TRUE(Matches("approval.requested", "groups.users:users/bob", req));
  EXPECT_FALSE(Matches("approval.requested", "groups.users:users/cy", req));
}

TEST(EventConditionTest, TimestampsAndDurationsAreOrdered) {
  const v1::Event e = TaskCreated(SalesTask());
  EXPECT_TRUE(Matches("task.created", "due_time < 2026-12-01T00:00:00Z", e));
  EXPECT_FALSE(Matches("task.created", "due_time > 2026-12-01T00:00:00Z", e));
  EXPECT_TRUE(Matches("task.created", "due_time >= 2026-11-30T12:00:00Z", e));
  EXPECT_TRUE(
      Matches("task.created", "due_time = 2026-11-30T13:00:00+01:00", e));
  EXPECT_TRUE(Matches("task.created", "estimate > 2h AND estimate <= 180m", e));
  // No due time: absent, so only != holds.
  v1::Task undated = SalesTask();
  undated.clear_due_time();
  EXPECT_FALSE(Matches("task.created", "due_time < 2030-01-01T00:00:00Z",
                       TaskCreated(undated)));
  EXPECT_TRUE(Matches("task.created", "due_time != 2030-01-01T00:00:00Z",
                      TaskCreated(undated)));
  EXPECT_TRUE(Matches("task.created", "priority <= P1", e));
}

TEST(EventConditionTest, MissingMessageMakesItsFieldsAbsent) {
  // A stage event without an approval (a task stage).
  const v1::Event stage = StageEntered("legal", "workflowTemplates/c");
  EXPECT_FALSE(
      Matches("workflow.stage_entered", "approval.state = PENDING", stage));
  EXPECT_TRUE(
      Matches("workflow.stage_entered", "approval.state != PENDING", stage));
  v1::Event with = stage;
  *with.mutable_workflow_stage_entered()->mutable_approval() =
      FinanceApproval();
  EXPECT_TRUE(
      Matches("workflow.stage_entered", "approval.state = PENDING", with));
  // An approval event whose approval is missing.
  v1::Event empty;
  empty.mutable_approval_requested();
  EXPECT_FALSE(Matches("approval.requested", "state = PENDING", empty));
  EXPECT_TRUE(Matches("approval.requested", "", empty));
}

TEST(EventConditionTest, BoolsMapsAndOtherPayloadMessages) {
  v1::Event stage = StageEntered("legal", "workflowTemplates/c");
  EXPECT_TRUE(Matches("workflow.stage_entered", "at_risk = false", stage));
  stage.mutable_workflow_stage_entered()->mutable_workflow()->set_at_risk(true);
  EXPECT_TRUE(Matches("workflow.stage_entered", "at_risk = true", stage));
  EXPECT_THAT(CompileError("workflow.stage_entered", "at_risk = yes"),
              HasSubstr("\"yes\" is not true or false for at_risk"));

  const v1::Event task = TaskCreated(SalesTask());
  EXPECT_TRUE(Matches("task.created", "custom_fields.region = emea", task));
  EXPECT_TRUE(Matches("task.created", "task.custom_fields.region:EM", task));
  EXPECT_FALSE(Matches("task.created", "custom_fields.region = apac", task));
  EXPECT_FALSE(Matches("task.created", "custom_fields.tier = gold", task));

  v1::Event decided;
  *decided.mutable_approval_decided()->mutable_approval() = FinanceApproval();
  decided.mutable_approval_decided()->mutable_decision()->set_outcome(
      v1::Decision::REJECT);
  EXPECT_TRUE(Matches("approval.decided",
                      "decision.outcome = REJECT AND groups.team:teams/legal",
                      decided));
  EXPECT_FALSE(
      Matches("approval.decided", "decision.outcome = APPROVE", decided));
}

TEST(EventConditionTest, UnknownTypeNamesTheTypeField) {
  EXPECT_THAT(CompileError("task.exploded", "priority = P0"),
              AllOf(StartsWith(std::string(kType) + ": \"task.exploded\""),
                    HasSubstr("no event type")));
  EXPECT_THAT(CompileError("legacy", ""), StartsWith(kType));
  EXPECT_FALSE(EventConditionFields("task.exploded").ok());
}

TEST(EventConditionTest, TypeWithoutResourceIsRefused) {
  // Its payload holds names and versions, no resource message.
  EXPECT_THAT(CompileError("agreement.clocks_recalculated", ""),
              AllOf(StartsWith(kType), HasSubstr("carry no resource")));
  // Every other type of the catalog compiles.
  for (const std::string& type : EventCatalog()) {
    if (type == "agreement.clocks_recalculated") continue;
    EXPECT_TRUE(EventCondition::Compile(kType, type, kFilter, "").ok()) << type;
  }
}

TEST(EventConditionTest, UnknownFieldNamesTheFilterFieldBriefly) {
  const std::string err =
      CompileError("workflow.stage_entered", "stage = legal AND tempalte = x");
  EXPECT_THAT(err, StartsWith(std::string(kFilter) +
                              ": unknown field \"tempalte\" for "
                              "workflow.stage_entered events at position 19"));
  // The top level, with a message's paths as one "NAME.*".
  EXPECT_THAT(err, AllOf(HasSubstr("template"), HasSubstr("stage"),
                         HasSubstr("stages.*"), Not(HasSubstr("stages.id"))));
  EXPECT_LT(err.size(), 800u) << err;

  // Under a known message: its paths.
  const std::string nested =
      CompileError("approval.requested", "groups.tema = teams/x");
  EXPECT_THAT(nested, AllOf(HasSubstr("groups.team"), HasSubstr("groups.users"),
                            Not(HasSubstr("subject"))));
  EXPECT_THAT(CompileError("approval.requested", "approval.groups.tema = x"),
              HasSubstr("groups.team"));
}

TEST(EventConditionTest, BadValuesAndOperators) {
  EXPECT_THAT(
      CompileError("task.created", "labels:mql AND priority = P9"),
      AllOf(StartsWith(kFilter), HasSubstr("\"P9\" is not a Task.Priority"),
            HasSubstr("P0, P1, P2, P3"), HasSubstr("position 27")));
  EXPECT_THAT(CompileError("approval.completed", "reason = LATE"),
              HasSubstr("is not an ApprovalCompleted.Reason"));
  EXPECT_THAT(CompileError("task.created", "title < x"),
              HasSubstr("operator < does not apply to title"));
  EXPECT_THAT(CompileError("task.created", "labels > x"),
              HasSubstr("does not apply to labels"));
  EXPECT_THAT(CompileError("task.created", "due_time < tomorrow"),
              HasSubstr("RFC 3339"));
  EXPECT_THAT(CompileError("task.created", "estimate < soon"),
              HasSubstr("not a duration"));
  EXPECT_THAT(CompileError("workflow.stage_entered", "round = one"),
              HasSubstr("not an integer"));
  EXPECT_THAT(CompileError("task.created", "(priority = P0"),
              AllOf(StartsWith(kFilter), HasSubstr("position")));
}

TEST(EventConditionTest, FieldsAreSortedWithoutAliases) {
  absl::StatusOr<std::vector<std::string>> fields =
      EventConditionFields("task.created");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_TRUE(std::is_sorted(fields->begin(), fields->end()));
  EXPECT_THAT(
      *fields,
      AllOf(Contains("priority"), Contains("labels"), Contains("fields"),
            Contains("due_time"), Contains("comments.author"),
            Contains("custom_fields.*"), Not(Contains("task.priority"))));
  absl::StatusOr<std::vector<std::string>> stage =
      EventConditionFields("workflow.stage_entered");
  ASSERT_TRUE(stage.ok());
  EXPECT_THAT(*stage, AllOf(Contains("stage"), Contains("template"),
                            Contains("stages.state"), Contains("values.*"),
                            Contains("approval.groups.team")));
}

TEST(EventConditionTest, PathsStayShallow) {
  for (const std::string& type : EventCatalog()) {
    absl::StatusOr<std::vector<std::string>> fields =
        EventConditionFields(type);
    if (!fields.ok()) continue;
    for (const std::string& f : *fields) {
      std::vector<std::string> parts = absl::StrSplit(f, '.');
      EXPECT_LE(parts.size(), 4u) << type << ": " << f;
    }
  }
}

}  // namespace
}  // namespace mops::services

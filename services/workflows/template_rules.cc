#include "services/workflows/template_rules.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/calendars/calendars.h"
#include "services/common/validation.h"
#include "services/workflows/graph.h"
#include "services/workflows/variables.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {
namespace {

using Type = v1::WorkflowVariable::Type;

absl::Status Bad(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

std::string Lower(Type t) {
  return absl::AsciiStrToLower(v1::WorkflowVariable::Type_Name(t));
}

// Every {{placeholder}} in `text` names a variable.
absl::Status CheckText(const std::string& field, absl::string_view text,
                       const Variables& vars) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, Placeholders(field, text));
  for (const std::string& name : names) {
    if (FindVariable(vars, name) == nullptr) {
      return Bad(field, absl::StrCat("{{", name, "}} is not a variable"));
    }
  }
  return absl::OkStatus();
}

// A team or user reference: one of `roles`, "{{v}}" of a variable of
// `type`, or a literal name in `collection` ("teams", "users").
absl::Status CheckRef(const std::string& field, absl::string_view ref,
                      const Variables& vars, Type type,
                      const std::vector<absl::string_view>& roles,
                      absl::string_view collection) {
  for (absl::string_view role : roles) {
    if (ref == role) return absl::OkStatus();
  }
  if (absl::StrContains(ref, "{{")) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, Placeholders(field, ref));
    if (names.size() != 1 || !absl::StartsWith(ref, "{{") ||
        !absl::EndsWith(ref, "}}")) {
      return Bad(field, "a reference is one {{variable}}, alone");
    }
    const v1::WorkflowVariable* v = FindVariable(vars, names[0]);
    if (v == nullptr) {
      return Bad(field, absl::StrCat("{{", names[0], "}} is not a variable"));
    }
    if (v->type() != type) {
      return Bad(field,
                 absl::StrCat("{{", names[0], "}} is a ", Lower(v->type()),
                              " variable; this needs ", "a ", Lower(type)));
    }
    return absl::OkStatus();
  }
  absl::string_view id = ref;
  absl::ConsumePrefix(&id, absl::StrCat(collection, "/"));
  absl::Status s = ValidateId(field, id);
  if (!s.ok()) {
    std::string allowed;
    for (absl::string_view role : roles) absl::StrAppend(&allowed, role, ", ");
    return Bad(field, absl::StrCat("\"", ref, "\" is not one of ", allowed,
                                   "a {{variable}} or a name such as ",
                                   collection, "/x"));
  }
  return absl::OkStatus();
}

// A business duration ("3bd", "16bh"): what stage deadlines and estimates
// are counted in.
absl::Status CheckDuration(const std::string& field, absl::string_view d) {
  if (d.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(calendars::ValidateDue(field, d));
  if (!calendars::IsRelativeDue(d)) {
    return Bad(field, absl::StrCat("\"", d,
                                   "\" is a time; a stage counts business "
                                   "time from its start (\"3bd\", \"16bh\")"));
  }
  return absl::OkStatus();
}

absl::Status CheckCalendar(const std::string& field, absl::string_view c) {
  if (c.empty()) return absl::OkStatus();
  return ParseId(field, c, "calendars/*").status();
}

absl::Status CheckTaskStage(const std::string& field,
                            const v1::WorkflowTaskStage& t,
                            const Variables& vars) {
  if (t.tasks().empty()) return Bad(field + ".tasks", "needs a task");
  for (int i = 0; i < t.tasks_size(); ++i) {
    const v1::WorkflowTaskSpec& spec = t.tasks(i);
    const std::string f = absl::StrCat(field, ".tasks[", i, "]");
    if (absl::StripAsciiWhitespace(spec.title()).empty()) {
      return Bad(f + ".title", "is required");
    }
    RETURN_IF_ERROR(CheckText(f + ".title", spec.title(), vars));
    RETURN_IF_ERROR(CheckText(f + ".description", spec.description(), vars));
    if (!spec.team().empty()) {
      RETURN_IF_ERROR(CheckRef(f + ".team", spec.team(), vars,
                               v1::WorkflowVariable::TEAM, {kProjectTeam},
                               "teams"));
    }
    if (!spec.assignee().empty()) {
      RETURN_IF_ERROR(CheckRef(f + ".assignee", spec.assignee(), vars,
                               v1::WorkflowVariable::USER,
                               {kProjectOwner, kRunStarter}, "users"));
    }
    RETURN_IF_ERROR(CheckDuration(f + ".estimate", spec.estimate()));
    // Tasks take labels that are ids; a bad one would fail the stage.
    for (int k = 0; k < spec.labels_size(); ++k) {
      RETURN_IF_ERROR(
          ValidateId(absl::StrCat(f, ".labels[", k, "]"), spec.labels(k)));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckGroups(const std::string& field,
                         const v1::WorkflowApprovalStage& a,
                         const Variables& vars) {
  if (a.groups().empty()) return Bad(field + ".groups", "needs a group");
  for (int i = 0; i < a.groups_size(); ++i) {
    const v1::ApproverGroup& g = a.groups(i);
    const std::string f = absl::StrCat(field, ".groups[", i, "]");
    const int kinds =
        (!g.team().empty()) + (!g.users().empty()) + g.requester_manager();
    if (kinds != 1) {
      return Bad(f,
                 "must name exactly one of team, users and "
                 "requester_manager");
    }
    if (g.leads_only() && g.team().empty()) {
      return Bad(f + ".leads_only", "needs a team");
    }
    if (g.required() < 0) return Bad(f + ".required", "must be at least 1");
    if (!g.team().empty()) {
      RETURN_IF_ERROR(CheckRef(f + ".team", g.team(), vars,
                               v1::WorkflowVariable::TEAM, {kProjectTeam},
                               "teams"));
    }
    for (int k = 0; k < g.users_size(); ++k) {
      RETURN_IF_ERROR(CheckRef(absl::StrCat(f, ".users[", k, "]"), g.users(k),
                               vars, v1::WorkflowVariable::USER,
                               {kProjectOwner, kRunStarter}, "users"));
    }
    if (!g.eligible().empty() || !g.escalated().empty()) {
      return Bad(f, "eligible and escalated are output only");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckApprovalStage(const std::string& field, int self,
                                const v1::WorkflowApprovalStage& a,
                                const Stages& stages, const StageGraph& g,
                                const Variables& vars) {
  RETURN_IF_ERROR(CheckText(field + ".title", a.title(), vars));
  RETURN_IF_ERROR(CheckText(field + ".details", a.details(), vars));
  RETURN_IF_ERROR(CheckGroups(field, a, vars));
  RETURN_IF_ERROR(CheckText(field + ".subject", a.subject(), vars));
  RETURN_IF_ERROR(CheckText(field + ".asset_version", a.asset_version(), vars));
  if (!v1::Approval::DeadlineAction_IsValid(a.deadline_action())) {
    return Bad(field + ".deadline_action", "is not a deadline action");
  }
  if (!a.on_changes_requested().empty()) {
    const std::string f = field + ".on_changes_requested";
    const int r = g.Index(a.on_changes_requested());
    if (r < 0) {
      return Bad(f,
                 absl::StrCat("no stage \"", a.on_changes_requested(), "\""));
    }
    if (!stages[r].has_task()) {
      const std::string kind = KindOf(stages[r]);
      return Bad(
          f,
          absl::StrCat("\"", a.on_changes_requested(), "\" is ",
                       kind == "approval" || kind == "end" ? "an " : "a ", kind,
                       " stage; rework is done by a task "
                       "stage"));
    }
    if (!g.Precedes(r, self)) {
      return Bad(f, absl::StrCat("\"", a.on_changes_requested(),
                                 "\" does not come before this stage; a "
                                 "rework edge points back"));
    }
  }
  if (!a.on_rejected().empty()) {
    const std::string f = field + ".on_rejected";
    const int x = g.Index(a.on_rejected());
    if (x < 0) {
      return Bad(f, absl::StrCat("no stage \"", a.on_rejected(), "\""));
    }
    bool after_this = false;
    for (const Edge& e : g.In(x)) after_this = after_this || e.from == self;
    if (!after_this) {
      return Bad(f, absl::StrCat("\"", a.on_rejected(),
                                 "\" must list this stage in its after"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckConditionStage(const std::string& field, int self,
                                 const v1::WorkflowConditionStage& c,
                                 const StageGraph& g, const Variables& vars) {
  absl::StatusOr<Condition> parsed = Condition::Parse(c.expression(), vars);
  if (!parsed.ok()) {
    return Bad(field + ".expression", parsed.status().message());
  }
  std::set<std::string> listed;
  for (const auto* branch : {&c.if_true(), &c.if_false()}) {
    const char* name = branch == &c.if_true() ? "if_true" : "if_false";
    for (int k = 0; k < branch->size(); ++k) {
      const std::string f = absl::StrCat(field, ".", name, "[", k, "]");
      const std::string& id = (*branch)[k];
      const int to = g.Index(id);
      if (to < 0) return Bad(f, absl::StrCat("no stage \"", id, "\""));
      bool after_this = false;
      for (const Edge& e : g.In(to)) after_this = after_this || e.from == self;
      if (!after_this) {
        return Bad(
            f, absl::StrCat("\"", id, "\" must list this stage in its after"));
      }
      if (!listed.insert(id).second) {
        return Bad(f, absl::StrCat("\"", id, "\" is listed twice"));
      }
    }
  }
  if (listed.empty()) {
    return Bad(field, "needs a stage in if_true or if_false");
  }
  return absl::OkStatus();
}

absl::Status CheckWaitStage(const std::string& field,
                            const v1::WorkflowWaitStage& w,
                            const Variables& vars) {
  if (w.until_variable().empty() == w.duration().empty()) {
    return Bad(field, "needs exactly one of until_variable and duration");
  }
  if (!w.duration().empty()) {
    return CheckDuration(field + ".duration", w.duration());
  }
  const v1::WorkflowVariable* v = FindVariable(vars, w.until_variable());
  if (v == nullptr) {
    return Bad(field + ".until_variable",
               absl::StrCat("no variable \"", w.until_variable(), "\""));
  }
  if (v->type() != v1::WorkflowVariable::DATE &&
      v->type() != v1::WorkflowVariable::TIME) {
    return Bad(field + ".until_variable",
               absl::StrCat("\"", v->name(), "\" is a ", Lower(v->type()),
                            " variable; a wait needs a date or a time"));
  }
  return absl::OkStatus();
}

absl::Status CheckStageId(int i, const v1::WorkflowStage& s) {
  const std::string field = absl::StrCat("stages[", i, "].id");
  const std::string& id = s.id();
  bool ok = !id.empty() && static_cast<int>(id.size()) <= kMaxStageIdLength &&
            absl::ascii_islower(id[0]);
  for (char c : id) {
    ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
                c == '-');
  }
  if (!ok) {
    return Bad(field, absl::StrCat("\"", id,
                                   "\" is not a stage id: a lower-case letter, "
                                   "then lower-case letters, digits, '_' and "
                                   "'-', at most ",
                                   kMaxStageIdLength));
  }
  return absl::OkStatus();
}

absl::Status CheckStage(int i, const Stages& stages, const StageGraph& g,
                        const Variables& vars) {
  const v1::WorkflowStage& s = stages[i];
  const std::string field = StageField(s.id());
  RETURN_IF_ERROR(CheckText(field + ".title", s.title(), vars));
  RETURN_IF_ERROR(CheckDuration(field + ".due", s.due()));
  RETURN_IF_ERROR(CheckDuration(field + ".estimate", s.estimate()));
  RETURN_IF_ERROR(CheckCalendar(field + ".calendar", s.calendar()));
  for (const Edge& e : g.In(i)) {
    if (stages[e.from].has_end()) {
      return Bad(field + ".after",
                 absl::StrCat("\"", g.Id(e.from),
                              "\" is an end stage: nothing comes after it, so "
                              "this stage is unreachable"));
    }
  }
  switch (s.kind_case()) {
    case v1::WorkflowStage::kTask:
      return CheckTaskStage(field + ".task", s.task(), vars);
    case v1::WorkflowStage::kApproval:
      return CheckApprovalStage(field + ".approval", i, s.approval(), stages, g,
                                vars);
    case v1::WorkflowStage::kCondition:
      return CheckConditionStage(field + ".condition", i, s.condition(), g,
                                 vars);
    case v1::WorkflowStage::kWait:
      return CheckWaitStage(field + ".wait", s.wait(), vars);
    case v1::WorkflowStage::kEnd:
      return absl::OkStatus();
    default:
      return Bad(field, "needs a kind: task, approval, condition, wait or end");
  }
}

absl::Status CheckVariables(const v1::WorkflowTemplate& t) {
  std::set<std::string> names;
  for (int i = 0; i < t.variables_size(); ++i) {
    const v1::WorkflowVariable& v = t.variables(i);
    const std::string field = v.name().empty()
                                  ? absl::StrCat("variables[", i, "]")
                                  : VariableField(v.name());
    RETURN_IF_ERROR(ValidateDeclaration(field, v));
    if (!names.insert(v.name()).second) {
      return Bad(field, "two variables have this name");
    }
  }
  if (!t.target_variable().empty()) {
    const v1::WorkflowVariable* v =
        FindVariable(t.variables(), t.target_variable());
    if (v == nullptr || (v->type() != v1::WorkflowVariable::DATE &&
                         v->type() != v1::WorkflowVariable::TIME)) {
      return Bad("target_variable",
                 absl::StrCat("\"", t.target_variable(),
                              "\" is not a date or time variable"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTemplate(const v1::WorkflowTemplate& t) {
  RETURN_IF_ERROR(ParseId("team", t.team(), "teams/*").status());
  RETURN_IF_ERROR(CheckCalendar("calendar", t.calendar()));
  RETURN_IF_ERROR(CheckVariables(t));
  if (t.stages().empty()) return Bad("stages", "a template needs a stage");
  for (int i = 0; i < t.stages_size(); ++i) {
    RETURN_IF_ERROR(CheckStageId(i, t.stages(i)));
  }
  ASSIGN_OR_RETURN(StageGraph g, StageGraph::Build(t.stages()));
  RETURN_IF_ERROR(g.CheckAcyclic());
  for (int i = 0; i < t.stages_size(); ++i) {
    RETURN_IF_ERROR(CheckStage(i, t.stages(), g, t.variables()));
  }
  return absl::OkStatus();
}

}  // namespace mops::services::workflows

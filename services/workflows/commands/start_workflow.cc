#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/calendars/calendars.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/projects/projects.h"
#include "services/workflows/commands/commands.h"
#include "services/workflows/keys.h"
#include "services/workflows/run.h"
#include "services/workflows/state.h"
#include "services/workflows/variables.h"
#include "storage/status_macros.h"

namespace mops::services::workflows::commands {

using storage::Cf;
using storage::Txn;

namespace {

// "workflowTemplates/{t}" is its newest version that is not deprecated;
// ".../versions/{n}" that version, which must not be deprecated either.
absl::StatusOr<v1::WorkflowTemplateVersion> VersionToStart(
    const storage::Reader& reader, absl::string_view name) {
  VersionRef ref;
  if (absl::StrContains(name, "/versions/")) {
    ASSIGN_OR_RETURN(ref, ParseVersionName("template", name));
  } else {
    ASSIGN_OR_RETURN(ref.template_id,
                     ParseId("template", name, "workflowTemplates/*"));
  }
  ASSIGN_OR_RETURN(v1::WorkflowTemplate t,
                   LoadTemplate(reader, ref.template_id));
  if (ref.version > 0) {
    ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion v,
                     LoadVersion(reader, ref.template_id, ref.version));
    if (v.deprecated()) {
      return absl::FailedPreconditionError(
          absl::StrCat(v.name(), " is deprecated; start a newer version"));
    }
    return v;
  }
  for (int64_t n = t.latest_version(); n > 0; --n) {
    ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion v,
                     LoadVersion(reader, ref.template_id, n));
    if (!v.deprecated()) return v;
  }
  return absl::FailedPreconditionError(
      absl::StrCat(t.name(),
                   " has no published version that is not "
                   "deprecated; publish it first"));
}

// The users and teams the run names exist, and the users are active: a
// stage that gives them work later would have no one to give it to.
absl::Status CheckPeople(const storage::Reader& reader,
                         const v1::WorkflowTemplate& spec,
                         const Values& values) {
  for (const v1::WorkflowVariable& v : spec.variables()) {
    auto it = values.find(v.name());
    if (it == values.end()) continue;
    absl::string_view id = it->second;
    if (v.type() == v1::WorkflowVariable::USER) {
      absl::ConsumePrefix(&id, "users/");
      absl::StatusOr<std::shared_ptr<const v1::User>> u =
          identity::SharedUser(reader, id);
      if (!u.ok()) {
        return absl::Status(
            u.status().code(),
            absl::StrCat(VariableField(v.name()), ": ", u.status().message()));
      }
      if ((*u)->state() != v1::User::ACTIVE) {
        return absl::FailedPreconditionError(absl::StrCat(
            VariableField(v.name()), ": ", it->second, " is deactivated"));
      }
    } else if (v.type() == v1::WorkflowVariable::TEAM) {
      absl::ConsumePrefix(&id, "teams/");
      absl::Status s = identity::SharedTeam(reader, id).status();
      if (!s.ok()) {
        return absl::Status(
            s.code(), absl::StrCat(VariableField(v.name()), ": ", s.message()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status StartWorkflow::Validate(const Request& req) const {
  if (!req.workflow_id().empty()) {
    RETURN_IF_ERROR(ValidateId("workflow_id", req.workflow_id()));
  }
  RETURN_IF_ERROR(ValidateRequired("template", req.template_()));
  RETURN_IF_ERROR(ParseId("project", req.project(), "projects/*").status());
  return ValidateLength("title", req.title(), kMaxDisplayNameLength);
}

absl::Status StartWorkflow::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion version,
                   VersionToStart(txn, req.template_()));
  ASSIGN_OR_RETURN(v1::Project project,
                   projects::GetProject(txn, req.project()));
  RETURN_IF_ERROR(
      RequireProjectMember(txn, p, project.name(), "start workflows in it"));
  const v1::WorkflowTemplate& spec = version.template_();
  ASSIGN_OR_RETURN(Values values,
                   ResolveValues(spec.variables(), req.variables()));
  RETURN_IF_ERROR(CheckPeople(txn, spec, values));
  std::string id = req.workflow_id();
  if (id.empty()) {
    ASSIGN_OR_RETURN(
        id, FreshId(txn, Cf::kRecords, 'w',
                    [](const std::string& i) { return keys::Workflow(i); }));
  } else {
    ASSIGN_OR_RETURN(auto existing, txn.Get(Cf::kRecords, keys::Workflow(id)));
    if (existing) {
      return absl::AlreadyExistsError(
          absl::StrCat("workflow \"", RunName(id), "\" already exists"));
    }
  }
  v1::Workflow w;
  w.set_name(RunName(id));
  absl::string_view template_id = version.name();
  template_id = template_id.substr(0, template_id.find("/versions/"));
  w.set_template_(std::string(template_id));
  w.set_template_version(version.version());
  w.set_project(project.name());
  w.set_title(req.title().empty() ? absl::StrCat(spec.display_name().empty()
                                                     ? spec.name()
                                                     : spec.display_name(),
                                                 " in ", project.title())
                                  : req.title());
  if (w.title().size() > kMaxDisplayNameLength) {
    w.mutable_title()->resize(kMaxDisplayNameLength);
  }
  w.mutable_variables()->insert(values.begin(), values.end());
  w.set_starter(p.UserName());
  w.set_calendar(spec.calendar().empty() ? calendars::DefaultCalendarName()
                                         : spec.calendar());
  absl::string_view calendar_id = w.calendar();
  absl::ConsumePrefix(&calendar_id, "calendars/");
  ASSIGN_OR_RETURN(v1::Calendar calendar,
                   calendars::LoadCalendar(txn, calendar_id));
  w.set_calendar_version(calendar.version());
  ASSIGN_OR_RETURN(Run run,
                   Run::Begin(txn, std::move(w), spec, Mover::Caller(p)));
  {
    v1::Event e;
    *e.mutable_workflow_started()->mutable_workflow() = run.Snapshot();
    run.EmitRun(std::move(e));
  }
  RETURN_IF_ERROR(run.Advance());
  run.Save();
  return run.Answer(out);
}

}  // namespace mops::services::workflows::commands

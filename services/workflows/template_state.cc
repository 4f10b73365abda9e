#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/calendars/calendars.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/workflows/graph.h"
#include "services/workflows/keys.h"
#include "services/workflows/state.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {

using storage::Cf;
using storage::Reader;
using storage::Txn;

std::string TemplateName(absl::string_view id) {
  return absl::StrCat("workflowTemplates/", id);
}

std::string VersionName(absl::string_view template_id, int64_t version) {
  return absl::StrCat("workflowTemplates/", template_id, "/versions/", version);
}

absl::StatusOr<VersionRef> ParseVersionName(absl::string_view field,
                                            absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  VersionRef ref;
  if (parts.size() == 4 && parts[0] == "workflowTemplates" &&
      parts[2] == "versions" && ValidateId(field, parts[1]).ok() &&
      (parts[3] == "latest" ||
       (absl::SimpleAtoi(parts[3], &ref.version) && ref.version > 0))) {
    ref.template_id = std::string(parts[1]);
    return ref;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": \"", name,
      "\" is not workflowTemplates/{template}/versions/{number or latest}"));
}

absl::StatusOr<std::optional<v1::WorkflowTemplate>> FindTemplate(
    const Reader& reader, absl::string_view id) {
  v1::WorkflowTemplate t;
  ASSIGN_OR_RETURN(bool found,
                   reader.GetProto(Cf::kRecords, keys::Template(id), &t));
  if (!found) return std::nullopt;
  return t;
}

absl::StatusOr<v1::WorkflowTemplate> LoadTemplate(const Reader& reader,
                                                  absl::string_view id) {
  ASSIGN_OR_RETURN(std::optional<v1::WorkflowTemplate> t,
                   FindTemplate(reader, id));
  if (!t) {
    return absl::NotFoundError(
        absl::StrCat("workflow template \"", TemplateName(id), "\" not found"));
  }
  return *std::move(t);
}

void SaveTemplate(Txn& txn, absl::string_view id, v1::WorkflowTemplate* t,
                  bool created) {
  t->set_name(TemplateName(id));
  t->set_etag(EtagOf(txn.revision()));
  if (created) *t->mutable_create_time() = ToProtoTime(txn.Now());
  *t->mutable_update_time() = ToProtoTime(txn.Now());
  t->clear_draft_changed();  // computed on read
  txn.PutProto(Cf::kRecords, keys::Template(id), *t);
}

absl::StatusOr<v1::WorkflowTemplateVersion> LoadVersion(
    const Reader& reader, absl::string_view template_id, int64_t version) {
  v1::WorkflowTemplateVersion v;
  bool found = false;
  if (version > 0) {
    ASSIGN_OR_RETURN(
        found,
        reader.GetProto(Cf::kRecords, keys::Version(template_id, version), &v));
  } else {
    // Newest first: the first row of the prefix.
    RETURN_IF_ERROR(storage::ScanParsed<v1::WorkflowTemplateVersion>(
        reader, Cf::kRecords, keys::VersionPrefix(template_id), "",
        [&](absl::string_view, v1::WorkflowTemplateVersion&& row) {
          v = std::move(row);
          found = true;
          return false;
        }));
  }
  if (!found) {
    return absl::NotFoundError(
        version > 0
            ? absl::StrCat("workflow template version \"",
                           VersionName(template_id, version), "\" not found")
            : absl::StrCat("workflow template \"", TemplateName(template_id),
                           "\" has no published version"));
  }
  return v;
}

void SaveVersion(Txn& txn, absl::string_view template_id,
                 const v1::WorkflowTemplateVersion& v) {
  txn.PutProto(Cf::kRecords, keys::Version(template_id, v.version()), v);
}

v1::WorkflowTemplate Spec(const v1::WorkflowTemplate& t) {
  v1::WorkflowTemplate spec = t;
  spec.clear_latest_version();
  spec.clear_draft_changed();
  spec.clear_etag();
  spec.clear_create_time();
  spec.clear_update_time();
  return spec;
}

absl::Status FillDraftChanged(const Reader& reader, absl::string_view id,
                              v1::WorkflowTemplate* t) {
  if (t->latest_version() == 0) {
    t->set_draft_changed(true);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(v1::WorkflowTemplateVersion latest,
                   LoadVersion(reader, id, t->latest_version()));
  t->set_draft_changed(!google::protobuf::util::MessageDifferencer::Equals(
      Spec(*t), latest.template_()));
  return absl::OkStatus();
}

absl::Status RequireTeamLead(const Reader& reader, const Principal& p,
                             absl::string_view team, absl::string_view action) {
  if (p.admin) return absl::OkStatus();
  absl::string_view team_id = team;
  absl::ConsumePrefix(&team_id, "teams/");
  ASSIGN_OR_RETURN(std::optional<v1::Membership> m,
                   identity::LoadMembership(reader, team_id, p.user_id));
  if (!m || m->role() != v1::Membership::LEAD) {
    return absl::PermissionDeniedError(
        absl::StrCat("only admins and leads of ", team, " may ", action));
  }
  return absl::OkStatus();
}

namespace {

// A literal "teams/x" or "users/x" (not a role or a {{variable}}) exists.
absl::Status CheckLiteral(const Reader& reader, const std::string& field,
                          absl::string_view ref, absl::string_view collection) {
  if (ref.empty() || absl::StrContains(ref, "{{") ||
      absl::StrContains(ref, ".")) {
    return absl::OkStatus();
  }
  absl::string_view id = ref;
  absl::ConsumePrefix(&id, absl::StrCat(collection, "/"));
  absl::Status s = collection == "teams"
                       ? identity::LoadTeam(reader, id).status()
                       : identity::LoadUser(reader, id).status();
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(field, ": ", s.message()));
}

absl::Status CheckCalendarExists(const Reader& reader, const std::string& field,
                                 absl::string_view calendar) {
  if (calendar.empty()) return absl::OkStatus();
  absl::string_view id = calendar;
  absl::ConsumePrefix(&id, "calendars/");
  absl::Status s = calendars::LoadCalendar(reader, id).status();
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(field, ": ", s.message()));
}

}  // namespace

absl::Status CheckReferencesExist(const Reader& reader,
                                  const v1::WorkflowTemplate& t) {
  RETURN_IF_ERROR(CheckLiteral(reader, "team", t.team(), "teams"));
  RETURN_IF_ERROR(CheckCalendarExists(reader, "calendar", t.calendar()));
  for (const v1::WorkflowStage& s : t.stages()) {
    const std::string field = StageField(s.id());
    RETURN_IF_ERROR(
        CheckCalendarExists(reader, field + ".calendar", s.calendar()));
    for (int i = 0; i < s.task().tasks_size(); ++i) {
      const v1::WorkflowTaskSpec& spec = s.task().tasks(i);
      const std::string f = absl::StrCat(field, ".task.tasks[", i, "]");
      RETURN_IF_ERROR(CheckLiteral(reader, f + ".team", spec.team(), "teams"));
      RETURN_IF_ERROR(
          CheckLiteral(reader, f + ".assignee", spec.assignee(), "users"));
    }
    for (int i = 0; i < s.approval().groups_size(); ++i) {
      const v1::ApproverGroup& g = s.approval().groups(i);
      const std::string f = absl::StrCat(field, ".approval.groups[", i, "]");
      RETURN_IF_ERROR(CheckLiteral(reader, f + ".team", g.team(), "teams"));
      for (int k = 0; k < g.users_size(); ++k) {
        RETURN_IF_ERROR(CheckLiteral(reader, absl::StrCat(f, ".users[", k, "]"),
                                     g.users(k), "users"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace mops::services::workflows

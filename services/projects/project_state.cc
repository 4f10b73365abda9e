#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/projects/keys.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::projects {

using storage::Cf;
using storage::Reader;
using storage::Txn;
using namespace internal;  // NOLINT

namespace internal {

absl::StatusOr<std::shared_ptr<const v1::Project>> SharedProject(
    const Reader& reader, absl::string_view id) {
  ASSIGN_OR_RETURN(auto project, reader.GetShared<v1::Project>(
                                     Cf::kRecords, keys::Project(id)));
  if (project == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("project \"projects/", id, "\" not found"));
  }
  return project;
}

absl::StatusOr<v1::Project> LoadProject(const Reader& reader,
                                        absl::string_view id) {
  ASSIGN_OR_RETURN(auto project, SharedProject(reader, id));
  return *project;
}

absl::StatusOr<std::pair<std::string, std::string>> ParseTaskName(
    absl::string_view field, absl::string_view name) {
  ASSIGN_OR_RETURN(auto ids, ParseName(field, name, "projects/*/tasks/*"));
  return std::make_pair(ids[0], ids[1]);
}

absl::StatusOr<std::string> LoadTaskBytes(const Reader& reader,
                                          absl::string_view project,
                                          absl::string_view task) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   reader.Get(Cf::kRecords, keys::Task(project, task)));
  bool gone = !stored;
  if (!gone) {
    ASSIGN_OR_RETURN(gone, IsPurging(reader, project));
  }
  if (gone) {
    return absl::NotFoundError(absl::StrCat("task \"projects/", project,
                                            "/tasks/", task, "\" not found"));
  }
  return *std::move(stored);
}

absl::StatusOr<v1::Task> LoadTask(const Reader& reader,
                                  absl::string_view project,
                                  absl::string_view task) {
  ASSIGN_OR_RETURN(std::string bytes, LoadTaskBytes(reader, project, task));
  v1::Task t;
  RETURN_IF_ERROR(storage::ParseStored(bytes, &t));
  return t;
}

absl::StatusOr<bool> IsAdminOrMember(const Reader& reader, const Principal& p,
                                     absl::string_view team) {
  if (p.admin) return true;
  if (team.empty()) return false;
  ASSIGN_OR_RETURN(auto m, identity::LoadMembership(reader, team, p.user_id));
  return m.has_value();
}

absl::Status ValidateLabels(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<std::string>& labels) {
  if (static_cast<size_t>(labels.size()) > kMaxListItems) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " has ", labels.size(), " entries; at most ", kMaxListItems));
  }
  for (const std::string& label : labels) {
    RETURN_IF_ERROR(ValidateId(absl::StrCat(field, " entry"), label));
  }
  return absl::OkStatus();
}

bool IsOpen(v1::Task::State state) {
  return state != v1::Task::DONE && state != v1::Task::CANCELLED;
}

constexpr char kDatePattern[] = "%Y-%m-%d";

absl::StatusOr<absl::Time> ParseDate(absl::string_view field,
                                     absl::string_view date) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(kDatePattern, date, absl::UTCTimeZone(), &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " \"", date, "\" is not a date (YYYY-MM-DD)"));
  }
  return t;
}

absl::Status ValidateMoney(const v1::Money& money) {
  const std::string& code = money.currency_code();
  bool ok = code.size() == 3 &&
            std::all_of(code.begin(), code.end(),
                        [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "project.budget.currency_code \"", code,
        "\" is not an ISO 4217 code (three capital letters, e.g. EUR)"));
  }
  if (money.amount_minor() < 0) {
    return absl::InvalidArgumentError(
        "project.budget.amount_minor must not be negative");
  }
  return absl::OkStatus();
}

// Field checks that need no stored state, for create and update alike.
absl::Status ValidateProjectFields(const v1::Project& project,
                                   bool require_title) {
  if (require_title)
    RETURN_IF_ERROR(ValidateRequired("project.title", project.title()));
  RETURN_IF_ERROR(
      ValidateLength("project.title", project.title(), kMaxTitleLength));
  RETURN_IF_ERROR(ValidateLength("project.description", project.description(),
                                 kMaxDescriptionLength));
  RETURN_IF_ERROR(ValidateLength("project.objective", project.objective(),
                                 kMaxDescriptionLength));
  if (static_cast<size_t>(project.kpis_size()) > kMaxListItems) {
    return absl::InvalidArgumentError(
        absl::StrCat("project.kpis has more than ", kMaxListItems, " entries"));
  }
  for (const std::string& kpi : project.kpis()) {
    RETURN_IF_ERROR(ValidateRequired("project.kpis entry", kpi));
    RETURN_IF_ERROR(ValidateLength("project.kpis entry", kpi, kMaxTitleLength));
  }
  RETURN_IF_ERROR(ValidateLabels("project.labels", project.labels()));
  if (!v1::Project::State_IsValid(project.state())) {
    return absl::InvalidArgumentError("project.state is not a known state");
  }
  std::optional<absl::Time> start, end;
  if (!project.start_date().empty()) {
    ASSIGN_OR_RETURN(start,
                     ParseDate("project.start_date", project.start_date()));
  }
  if (!project.end_date().empty()) {
    ASSIGN_OR_RETURN(end, ParseDate("project.end_date", project.end_date()));
  }
  if (start && end && *end < *start) {
    return absl::InvalidArgumentError(
        "project.end_date is before project.start_date");
  }
  if (project.has_budget()) RETURN_IF_ERROR(ValidateMoney(project.budget()));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveTeam(const Reader& reader,
                                        absl::string_view field,
                                        absl::string_view name) {
  ASSIGN_OR_RETURN(std::string id, ParseId(field, name, "teams/*"));
  RETURN_IF_ERROR(identity::LoadTeam(reader, id).status());
  return id;
}

absl::StatusOr<std::string> ResolveUser(const Reader& reader,
                                        absl::string_view field,
                                        absl::string_view name) {
  ASSIGN_OR_RETURN(std::string id, ParseId(field, name, "users/*"));
  RETURN_IF_ERROR(identity::LoadUser(reader, id).status());
  return id;
}

absl::Status RequireWriter(const Reader& reader, const Principal& p,
                           absl::string_view team, absl::string_view what) {
  ASSIGN_OR_RETURN(bool ok, IsAdminOrMember(reader, p, team));
  if (ok) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only admins and members of teams/", team, " may ", what,
                   "; users/", p.user_id, " is neither"));
}

void Dedupe(google::protobuf::RepeatedPtrField<std::string>* items) {
  std::set<std::string> seen;
  google::protobuf::RepeatedPtrField<std::string> out;
  for (const std::string& s : *items) {
    if (seen.insert(s).second) *out.Add() = s;
  }
  items->Swap(&out);
}

}  // namespace internal
}  // namespace mops::services::projects

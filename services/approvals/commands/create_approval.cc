#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/approvals/approvals.h"
#include "services/approvals/commands/commands.h"
#include "services/approvals/keys.h"
#include "services/approvals/state.h"
#include "services/calendars/calendars.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

namespace {

constexpr char kSubject[] = "approval.subject";

bool IsUrl(absl::string_view subject) {
  return absl::StartsWith(subject, "https://") ||
         absl::StartsWith(subject, "http://");
}

absl::Status ValidateSubject(const Subjects& subjects,
                             absl::string_view subject) {
  RETURN_IF_ERROR(ValidateRequired(kSubject, subject));
  if (IsUrl(subject)) return ValidateLength(kSubject, subject, kMaxUrlLength);
  if (subjects.Knows(subject)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      kSubject, " \"", subject, "\" must be an http(s) URL or the name of a ",
      "resource under ", absl::StrJoin(subjects.Prefixes(), ", ")));
}

// Sets the calendar: the one named, else the default for the groups.
absl::Status ResolveCalendar(const storage::Reader& reader, v1::Approval* a) {
  if (a->calendar().empty()) {
    a->set_calendar(DefaultCalendarFor(reader, *a));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("approval.calendar", a->calendar(), "calendars/*"));
  RETURN_IF_ERROR(calendars::LoadCalendar(reader, id).status());
  a->set_calendar(absl::StrCat("calendars/", id));
  return absl::OkStatus();
}

}  // namespace

absl::Status CreateApproval::Validate(const Request& req) const {
  const v1::Approval& a = req.approval();
  RETURN_IF_ERROR(ValidateRequired("approval.title", a.title()));
  RETURN_IF_ERROR(
      ValidateLength("approval.title", a.title(), kMaxDisplayNameLength));
  RETURN_IF_ERROR(
      ValidateLength("approval.details", a.details(), kMaxDescriptionLength));
  RETURN_IF_ERROR(ValidateLength("approval.asset_version", a.asset_version(),
                                 kMaxDisplayNameLength));
  RETURN_IF_ERROR(ValidateSubject(*subjects, a.subject()));
  // Only a workflow run links its approvals (the reaction calls Apply).
  if (!a.workflow().empty() || !a.workflow_stage().empty()) {
    return absl::InvalidArgumentError(
        "approval.workflow and approval.workflow_stage are output only");
  }
  if (a.groups().empty()) {
    return absl::InvalidArgumentError(
        "approval.groups: at least one approver group is needed");
  }
  if (a.groups_size() > kMaxGroups) {
    return absl::InvalidArgumentError(
        absl::StrCat("approval.groups has more than ", kMaxGroups, " groups"));
  }
  for (int i = 0; i < a.groups_size(); ++i) {
    RETURN_IF_ERROR(ValidateGroupShape(i, a.groups(i)));
  }
  if (!a.due().empty()) {
    RETURN_IF_ERROR(calendars::ValidateDue("approval.due", a.due()));
  }
  if (!a.calendar().empty()) {
    RETURN_IF_ERROR(
        ParseId("approval.calendar", a.calendar(), "calendars/*").status());
  }
  return absl::OkStatus();
}

absl::Status CreateApproval::Apply(Txn& txn, const Principal& p,
                                   const Request& req, Response* out) const {
  v1::Approval a = req.approval();
  if (!IsUrl(a.subject())) {
    RETURN_IF_ERROR(subjects->Check(txn, kSubject, a.subject()));
  }
  for (int i = 0; i < a.groups_size(); ++i) {
    RETURN_IF_ERROR(ResolveGroup(txn, i, a.mutable_groups(i)));
  }
  RETURN_IF_ERROR(ResolveCalendar(txn, &a));
  if (a.deadline_action() == v1::Approval::DEADLINE_ACTION_UNSPECIFIED) {
    a.set_deadline_action(v1::Approval::EXPIRE);
  }
  std::string fresh = id;
  if (fresh.empty()) {
    ASSIGN_OR_RETURN(
        fresh, FreshId(txn, Cf::kRecords, 'a',
                       [](const std::string& i) { return keys::Approval(i); }));
  } else {
    ASSIGN_OR_RETURN(auto existing, txn.Get(Cf::kRecords, keys::Approval(id)));
    if (existing) {
      return absl::AlreadyExistsError(
          absl::StrCat("approval \"approvals/", id, "\" already exists"));
    }
  }
  a.set_name(absl::StrCat("approvals/", fresh));
  a.set_requester(p.UserName());
  a.set_state(v1::Approval::PENDING);
  a.set_round(1);
  a.clear_decisions();
  a.clear_complete_time();
  RETURN_IF_ERROR(ResolveEligible(txn, &a));
  RETURN_IF_ERROR(ScheduleRound(txn, &a));
  if (!a.due().empty() && !calendars::IsRelativeDue(a.due()) &&
      FromProtoTime(a.due_time()) <= txn.Now()) {
    return absl::InvalidArgumentError("approval.due is in the past");
  }
  *a.mutable_create_time() = ToProtoTime(txn.Now());
  SaveApproval(txn, nullptr, &a);
  v1::Event e;
  *e.mutable_approval_requested()->mutable_approval() = a;
  Emit(txn, p, a.name(), std::move(e));
  *out = std::move(a);
  return absl::OkStatus();
}

}  // namespace mops::services::approvals::commands

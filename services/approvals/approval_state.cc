#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/approvals/approvals.h"
#include "services/approvals/keys.h"
#include "services/approvals/rules.h"
#include "services/approvals/state.h"
#include "services/calendars/calendars.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::approvals::internal {

using mops::internal::v1::TimerRecord;
using storage::Cf;
using storage::Reader;
using storage::Txn;

namespace {

constexpr int64_t kNoDue = std::numeric_limits<int64_t>::max();
constexpr int kReminderPercents[] = {75, 90};

std::vector<std::string> PendingRows(const v1::Approval& a) {
  std::vector<std::string> rows;
  if (a.state() != v1::Approval::PENDING) return rows;
  for (const std::string& person : StillToDecide(a)) {
    rows.push_back(keys::IdxApprovalPendingRow(IdOf(person), DueMicros(a),
                                               IdOf(a.name())));
  }
  return rows;
}

void SetTimer(Txn& txn, const v1::Approval& a, const char* kind,
              const google::protobuf::Message& payload, absl::Time at) {
  TimerRecord t;
  t.set_kind(kind);
  t.set_target(a.name());
  t.mutable_payload()->PackFrom(payload);
  txn.SetTimer(at, t);
}

}  // namespace

std::string IdOf(absl::string_view name) {
  return std::string(name.substr(name.rfind('/') + 1));
}

std::string UserName(absl::string_view user) {
  if (user.empty() || user.find('/') != absl::string_view::npos) {
    return std::string(user);
  }
  return absl::StrCat("users/", user);
}

absl::StatusOr<v1::Approval> LoadApproval(const Reader& reader,
                                          absl::string_view id) {
  v1::Approval a;
  ASSIGN_OR_RETURN(bool found,
                   reader.GetProto(Cf::kRecords, keys::Approval(id), &a));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("approval \"approvals/", id, "\" not found"));
  }
  return a;
}

int64_t DueMicros(const v1::Approval& a) {
  return a.has_due_time() ? absl::ToUnixMicros(FromProtoTime(a.due_time()))
                          : kNoDue;
}

void SaveApproval(Txn& txn, const v1::Approval* old, v1::Approval* a) {
  a->set_etag(EtagOf(txn.revision()));
  *a->mutable_update_time() = ToProtoTime(txn.Now());
  std::vector<std::string> rows = PendingRows(*a);
  if (old != nullptr) {
    for (const std::string& row : PendingRows(*old)) {
      if (std::find(rows.begin(), rows.end(), row) == rows.end()) {
        txn.Delete(Cf::kIndex, row);
      }
    }
  }
  for (const std::string& row : rows) txn.Put(Cf::kIndex, row, "");
  txn.PutProto(Cf::kRecords, keys::Approval(IdOf(a->name())), *a);
}

absl::Status ScheduleRound(Txn& txn, v1::Approval* a) {
  const absl::Time now = txn.Now();
  *a->mutable_round_start_time() = ToProtoTime(now);
  a->clear_calendar_version();  // output only: set below when computed
  if (a->due().empty()) {
    a->clear_due_time();
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(v1::Calendar calendar,
                   calendars::LoadCalendar(txn, IdOf(a->calendar())));
  ASSIGN_OR_RETURN(calendars::BusinessClock clock,
                   calendars::BusinessClock::FromProto(calendar));
  a->set_calendar_version(calendar.version());
  ASSIGN_OR_RETURN(absl::Time due, calendars::ResolveDue(a->due(), clock, now));
  *a->mutable_due_time() = ToProtoTime(due);
  if (a->state() != v1::Approval::PENDING) return absl::OkStatus();
  ASSIGN_OR_RETURN(absl::Duration round, clock.Elapsed(now, due));
  if (round > absl::ZeroDuration()) {
    for (int percent : kReminderPercents) {
      ASSIGN_OR_RETURN(absl::Time at, clock.Add(now, round * percent / 100));
      mops::internal::v1::ApprovalReminderTimer reminder;
      reminder.set_round(a->round());
      reminder.set_percent(percent);
      SetTimer(txn, *a, kReminderTimer, reminder, at);
    }
  }
  mops::internal::v1::ApprovalDeadlineTimer deadline;
  deadline.set_round(a->round());
  SetTimer(txn, *a, kDeadlineTimer, deadline, due);
  return absl::OkStatus();
}

absl::Status RequireRequesterOrAdmin(const Principal& p, const v1::Approval& a,
                                     absl::string_view action) {
  if (a.requester() == p.UserName() || p.admin) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only the requester (", a.requester(), ") or an admin may ",
                   action, " ", a.name()));
}

void EmitCompleted(Txn& txn, const Principal& p, const v1::Approval& a,
                   v1::ApprovalCompleted::Reason reason) {
  v1::Event e;
  *e.mutable_approval_completed()->mutable_approval() = a;
  e.mutable_approval_completed()->set_reason(reason);
  Emit(txn, p, a.name(), std::move(e));
}

}  // namespace mops::services::approvals::internal

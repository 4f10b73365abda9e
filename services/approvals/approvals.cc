#include "services/approvals/approvals.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/approvals/keys.h"
#include "services/approvals/rules.h"
#include "services/calendars/business_clock.h"
#include "services/calendars/calendar.h"
#include "services/calendars/due.h"
#include "services/calendars/keys.h"
#include "services/common/crypto.h"
#include "services/common/filter.h"
#include "services/common/ids.h"
#include "services/common/pagination.h"
#include "services/common/request_log.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/identity.h"
#include "services/identity/keys.h"
#include "services/projects/projects.h"
#include "services/projects/state.h"
#include "storage/status_macros.h"

namespace mops::services::approvals {

using calendars::BusinessCalendar;
using calendars::BusinessClock;
using calendars::kDefaultCalendarId;
using mops::internal::v1::PageCursor;
using mops::internal::v1::TimerRecord;
using storage::Cf;
using storage::Reader;
using storage::Txn;

namespace {

constexpr int64_t kNoDue = std::numeric_limits<int64_t>::max();
constexpr size_t kMaxUrl = 2000;

std::string IdOf(absl::string_view name) {
  return std::string(name.substr(name.rfind('/') + 1));
}

// ------------------------------------------------------------ calendars

absl::StatusOr<v1::Calendar> LoadCalendar(const Reader& reader,
                                          absl::string_view id) {
  v1::Calendar c;
  ASSIGN_OR_RETURN(
      bool found,
      reader.GetProto(Cf::kRecords, calendars::keys::Calendar(id), &c));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("calendar \"calendars/", id, "\" not found"));
  }
  return c;
}

// ------------------------------------------------------------ delegations

bool Active(const v1::Delegation& d, absl::Time now) {
  return FromProtoTime(d.start_time()) <= now &&
         now < FromProtoTime(d.end_time());
}

bool CoversTeam(const v1::Delegation& d, const std::string& team) {
  if (d.teams().empty()) return true;
  return !team.empty() &&
         std::find(d.teams().begin(), d.teams().end(), team) != d.teams().end();
}

absl::StatusOr<std::vector<v1::Delegation>> DelegationsOf(
    const Reader& reader, absl::string_view user) {
  return ReadAll<v1::Delegation>(reader, Cf::kRecords,
                                 keys::DelegationPrefix(user));
}

// The people `actor` may stand in for now (any team), through chains.
absl::StatusOr<std::set<std::string>> PlacesFor(const Reader& reader,
                                                const std::string& actor,
                                                absl::Time now) {
  std::set<std::string> seen = {actor};
  std::deque<std::string> queue = {actor};
  while (!queue.empty()) {
    std::string delegate = queue.front();
    queue.pop_front();
    std::vector<std::pair<std::string, std::string>> rows;
    RETURN_IF_ERROR(reader.Scan(Cf::kIndex, keys::IdxDelegateOf(IdOf(delegate)),
                                "",
                                [&](absl::string_view key, absl::string_view) {
                                  if (auto r = keys::DelegatorOfRow(key))
                                    rows.push_back(*r);
                                  return true;
                                }));
    for (const auto& [delegator, delegation] : rows) {
      v1::Delegation d;
      ASSIGN_OR_RETURN(
          bool found,
          reader.GetProto(Cf::kRecords, keys::Delegation(delegator, delegation),
                          &d));
      if (!found || !Active(d, now)) continue;
      std::string name = absl::StrCat("users/", delegator);
      if (seen.insert(name).second) queue.push_back(name);
    }
  }
  seen.erase(actor);
  return seen;
}

// ------------------------------------------------------------ approvals

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

std::vector<std::string> PendingRows(const v1::Approval& a) {
  std::vector<std::string> rows;
  if (a.state() != v1::Approval::PENDING) return rows;
  for (const std::string& person : StillToDecide(a)) {
    rows.push_back(keys::IdxApprovalPendingRow(IdOf(person), DueMicros(a),
                                               IdOf(a.name())));
  }
  return rows;
}

// Writes the approval and moves its inbox rows.
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

struct Reminder {
  int percent;
  absl::Time at;
};

// The round's reminders and its deadline. Each carries the round, so a later
// round's timers are the only live ones.
void ArmTimers(Txn& txn, const v1::Approval& a,
               const std::vector<Reminder>& reminders) {
  if (!a.has_due_time() || a.state() != v1::Approval::PENDING) return;
  for (const Reminder& r : reminders) {
    TimerRecord t;
    t.set_kind(kReminderTimer);
    t.set_target(a.name());
    t.set_payload(absl::StrCat(a.round(), ":", r.percent));
    txn.SetTimer(r.at, t);
  }
  TimerRecord t;
  t.set_kind(kDeadlineTimer);
  t.set_target(a.name());
  t.set_payload(absl::StrCat(a.round()));
  txn.SetTimer(FromProtoTime(a.due_time()), t);
}

absl::StatusOr<std::vector<v1::Membership>> MembersOf(const Reader& reader,
                                                      absl::string_view team) {
  return ReadAll<v1::Membership>(reader, Cf::kRecords,
                                 identity::keys::MembershipPrefix(team));
}

absl::StatusOr<bool> IsActiveUser(const Reader& reader,
                                  const std::string& name) {
  absl::StatusOr<v1::User> u = identity::LoadUser(reader, IdOf(name));
  if (absl::IsNotFound(u.status())) return false;
  RETURN_IF_ERROR(u.status());
  return u->state() == v1::User::ACTIVE;
}

absl::StatusOr<std::string> ManagerOf(const Reader& reader,
                                      const std::string& user) {
  ASSIGN_OR_RETURN(v1::User u, identity::LoadUser(reader, IdOf(user)));
  return u.manager();
}

// Fills each group's `eligible` for a new round: the requester never.
absl::Status ResolveEligible(const Reader& reader, v1::Approval* a) {
  for (int i = 0; i < a->groups_size(); ++i) {
    v1::ApproverGroup* g = a->mutable_groups(i);
    const std::string field = absl::StrCat("approval.groups[", i, "]");
    std::set<std::string> people;
    if (!g->team().empty()) {
      ASSIGN_OR_RETURN(auto members, MembersOf(reader, IdOf(g->team())));
      for (const auto& m : members) {
        if (g->leads_only() && m.role() != v1::Membership::LEAD) continue;
        people.insert(m.user());
      }
    } else if (g->requester_manager()) {
      ASSIGN_OR_RETURN(std::string manager, ManagerOf(reader, a->requester()));
      if (manager.empty()) {
        return absl::FailedPreconditionError(absl::StrCat(
            field, ": ", a->requester(),
            " has no manager; an admin can set one with UpdateUser"));
      }
      people.insert(manager);
    } else {
      people.insert(g->users().begin(), g->users().end());
    }
    g->clear_eligible();
    g->clear_escalated();
    for (const std::string& person : people) {
      if (person == a->requester()) continue;  // separation of duties
      ASSIGN_OR_RETURN(bool active, IsActiveUser(reader, person));
      if (active) g->add_eligible(person);
    }
    if (g->eligible_size() < g->required()) {
      return absl::FailedPreconditionError(absl::StrCat(
          field, " needs ", g->required(), " approver",
          g->required() == 1 ? "" : "s", " but has ", g->eligible_size(),
          " eligible (the requester never approves their own request)"));
    }
  }
  return absl::OkStatus();
}

std::string DefaultCalendarFor(const Reader& reader, const v1::Approval& a) {
  for (const auto& g : a.groups()) {
    if (g.team().empty()) continue;
    absl::StatusOr<v1::Team> team = identity::LoadTeam(reader, IdOf(g.team()));
    if (team.ok() && !team->calendar().empty()) return team->calendar();
    break;
  }
  return absl::StrCat("calendars/", kDefaultCalendarId);
}

// Sets round_start_time and due_time for a new round and returns its
// reminders: at 75% and 90% of the round's business time (none when the
// round has no business time).
absl::StatusOr<std::vector<Reminder>> ScheduleRound(const Reader& reader,
                                                    Txn& txn, v1::Approval* a) {
  const absl::Time now = txn.Now();
  *a->mutable_round_start_time() = ToProtoTime(now);
  std::vector<Reminder> reminders;
  if (a->due().empty()) {
    a->clear_due_time();
    return reminders;
  }
  ASSIGN_OR_RETURN(v1::Calendar c, LoadCalendar(reader, IdOf(a->calendar())));
  ASSIGN_OR_RETURN(BusinessClock clock, BusinessClock::FromProto(c));
  ASSIGN_OR_RETURN(absl::Time due, calendars::ResolveDue(a->due(), clock, now));
  *a->mutable_due_time() = ToProtoTime(due);
  ASSIGN_OR_RETURN(absl::Duration round, clock.Elapsed(now, due));
  if (round <= absl::ZeroDuration()) return reminders;
  for (int percent : {75, 90}) {
    ASSIGN_OR_RETURN(absl::Time at, clock.Add(now, round * percent / 100));
    reminders.push_back({percent, at});
  }
  return reminders;
}

absl::Status ValidateSubject(const Reader& reader, const std::string& subject) {
  if (absl::StartsWith(subject, "https://") ||
      absl::StartsWith(subject, "http://")) {
    return ValidateLength("approval.subject", subject, kMaxUrl);
  }
  if (absl::StartsWith(subject, "projects/")) {
    std::vector<std::string> parts = absl::StrSplit(subject, '/');
    if (parts.size() == 2) {
      ASSIGN_OR_RETURN(std::string id,
                       ParseId("approval.subject", subject, "projects/*"));
      return projects::internal::LoadProject(reader, id).status();
    }
    ASSIGN_OR_RETURN(auto ids, projects::internal::ParseTaskName(
                                   "approval.subject", subject));
    return projects::internal::LoadTask(reader, ids.first, ids.second).status();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "approval.subject \"", subject,
      "\" must be a resource name (projects/P, projects/P/tasks/T) or an "
      "http(s) URL"));
}

absl::Status ValidateGroup(const Reader& reader, int i, v1::ApproverGroup* g) {
  const std::string field = absl::StrCat("approval.groups[", i, "]");
  int kinds =
      (!g->team().empty()) + (!g->users().empty()) + g->requester_manager();
  if (kinds != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must name exactly one of team, users and requester_manager"));
  }
  if (g->leads_only() && g->team().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".leads_only needs a team"));
  }
  if (g->required() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".required must be at least 1"));
  }
  if (g->required() == 0) g->set_required(1);
  if (!g->team().empty()) {
    ASSIGN_OR_RETURN(std::string team,
                     ParseId(field + ".team", g->team(), "teams/*"));
    RETURN_IF_ERROR(identity::LoadTeam(reader, team).status());
    g->set_team(absl::StrCat("teams/", team));
  }
  if (g->users_size() > kMaxGroupUsers) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".users has more than ", kMaxGroupUsers, " entries"));
  }
  for (std::string& user : *g->mutable_users()) {
    if (user.find('/') == std::string::npos) user = "users/" + user;
    ASSIGN_OR_RETURN(std::string id,
                     ParseId(field + ".users entry", user, "users/*"));
    RETURN_IF_ERROR(identity::LoadUser(reader, id).status());
  }
  return absl::OkStatus();
}

// Where `actor` decides on `a` now: their own place, the one named by
// `requested`, or the first place they stand in for. NOT_FOUND-free: an
// error is PERMISSION_DENIED or FAILED_PRECONDITION.
absl::StatusOr<std::string> FindPlace(const Reader& reader,
                                      const v1::Approval& a,
                                      const std::string& actor,
                                      const std::string& requested,
                                      absl::Time now) {
  auto groups_of = [&](const std::string& person) {
    std::vector<const v1::ApproverGroup*> out;
    for (const auto& g : a.groups()) {
      if (std::find(g.eligible().begin(), g.eligible().end(), person) !=
          g.eligible().end()) {
        out.push_back(&g);
      }
    }
    return out;
  };
  auto stands_in = [&](const std::string& place) -> absl::StatusOr<bool> {
    for (const auto* g : groups_of(place)) {
      ASSIGN_OR_RETURN(bool ok,
                       CanStandIn(reader, actor, place, g->team(), now));
      if (ok) return true;
    }
    return false;
  };
  if (!requested.empty() && requested != actor) {
    if (groups_of(requested).empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "on_behalf_of: ", requested, " is not an approver of ", a.name()));
    }
    ASSIGN_OR_RETURN(bool ok, stands_in(requested));
    if (!ok) {
      return absl::PermissionDeniedError(
          absl::StrCat(actor, " does not stand in for ", requested, " on ",
                       a.name(), " (no active delegation covering it)"));
    }
    return requested;
  }
  if (!groups_of(actor).empty()) return actor;
  for (const std::string& place : StillToDecide(a)) {
    ASSIGN_OR_RETURN(bool ok, stands_in(place));
    if (ok) return place;
  }
  return absl::PermissionDeniedError(
      absl::StrCat(actor, " is not an approver of ", a.name(),
                   " and stands in for none of its approvers"));
}

absl::Status RequireRequesterOrAdmin(const Principal& p, const v1::Approval& a,
                                     absl::string_view action) {
  if (a.requester() == p.UserName() || p.admin) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only the requester (", a.requester(), ") or an admin may ",
                   action, " ", a.name()));
}

v1::Event ApprovalEvent(const Principal& p, absl::string_view type,
                        const v1::Approval& a) {
  v1::Event e = p.NewEvent(type, a.name());
  (*e.mutable_data())["round"] = absl::StrCat(a.round());
  return e;
}

// After a decision: closes the approval or the round when the rule says so.
void ApplyVerdict(Txn& txn, const Principal& p, v1::Approval* a) {
  switch (Evaluate(*a)) {
    case Verdict::kPending:
      return;
    case Verdict::kChangesRequested:
      a->set_state(v1::Approval::CHANGES_REQUESTED);
      return;
    case Verdict::kApproved:
      a->set_state(v1::Approval::APPROVED);
      break;
    case Verdict::kRejected:
      a->set_state(v1::Approval::REJECTED);
      break;
  }
  *a->mutable_complete_time() = ToProtoTime(txn.Now());
  v1::Event e = ApprovalEvent(p, "approval.completed", *a);
  (*e.mutable_data())["outcome"] = v1::Approval::State_Name(a->state());
  txn.Emit(std::move(e));
}

filter::Schema ApprovalSchema(const Principal& p) {
  auto user = filter::UserLiteral(p.UserName());
  filter::Schema s;
  s["pending_for"] = {false, user};
  s["requester"] = {false, user};
  s["state"] = {false, filter::EnumLiteral(v1::Approval::State_descriptor(),
                                           "an approval state")};
  s["subject"] = {false, filter::ParseStringLiteral};
  s["team"] = {false, filter::NameLiteral("teams/")};
  return s;
}

}  // namespace

// ------------------------------------------------------------ calendars

absl::Status EnsureDefaultCalendar(Txn& txn) {
  ASSIGN_OR_RETURN(
      auto row,
      txn.Get(Cf::kRecords, calendars::keys::Calendar(kDefaultCalendarId)));
  if (row) return absl::OkStatus();
  v1::Calendar c = calendars::DefaultCalendar();
  c.set_etag(EtagOf(txn.revision()));
  *c.mutable_create_time() = ToProtoTime(txn.Now());
  *c.mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, calendars::keys::Calendar(kDefaultCalendarId), c);
  txn.Emit(Principal::System().NewEvent("calendar.created", c.name()));
  return absl::OkStatus();
}

absl::StatusOr<v1::Calendar> GetCalendar(const Reader& reader,
                                         const v1::GetCalendarRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "calendars/*"));
  return LoadCalendar(reader, id);
}

absl::StatusOr<v1::ListCalendarsResponse> ListCalendars(
    const Reader& reader, const v1::ListCalendarsRequest& req) {
  v1::ListCalendarsResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, calendars::keys::CalendarPrefix(),
               req.page_size(), req.page_token(), resp.mutable_calendars()));
  return resp;
}

absl::StatusOr<v1::Calendar> CreateCalendar(
    Txn& txn, const Principal& p, const v1::CreateCalendarRequest& req) {
  RETURN_IF_ERROR(RequireAdmin(p, "create calendars"));
  RETURN_IF_ERROR(ValidateId("calendar_id", req.calendar_id()));
  RETURN_IF_ERROR(ValidateLength("calendar.display_name",
                                 req.calendar().display_name(),
                                 kMaxDisplayNameLength));
  RETURN_IF_ERROR(BusinessCalendar::FromProto(req.calendar()).status());
  ASSIGN_OR_RETURN(
      auto row,
      txn.Get(Cf::kRecords, calendars::keys::Calendar(req.calendar_id())));
  if (row) {
    return absl::AlreadyExistsError(absl::StrCat(
        "calendar \"calendars/", req.calendar_id(), "\" already exists"));
  }
  v1::Calendar c = req.calendar();
  c.set_name(absl::StrCat("calendars/", req.calendar_id()));
  c.set_etag(EtagOf(txn.revision()));
  *c.mutable_create_time() = ToProtoTime(txn.Now());
  *c.mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, calendars::keys::Calendar(req.calendar_id()), c);
  txn.Emit(p.NewEvent("calendar.created", c.name()));
  return c;
}

absl::StatusOr<v1::Calendar> UpdateCalendar(
    Txn& txn, const Principal& p, const v1::UpdateCalendarRequest& req) {
  RETURN_IF_ERROR(RequireAdmin(p, "change calendars"));
  ASSIGN_OR_RETURN(
      std::string id,
      ParseId("calendar.name", req.calendar().name(), "calendars/*"));
  if (req.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(
        "update_mask is required; paths: display_name, time_zone, "
        "working_hours, holidays");
  }
  ASSIGN_OR_RETURN(v1::Calendar c, LoadCalendar(txn, id));
  RETURN_IF_ERROR(CheckEtag(req.calendar().etag(), c.etag(), c.name()));
  for (const std::string& path : req.update_mask().paths()) {
    if (path == "display_name") {
      c.set_display_name(req.calendar().display_name());
    } else if (path == "time_zone") {
      c.set_time_zone(req.calendar().time_zone());
    } else if (path == "working_hours") {
      *c.mutable_working_hours() = req.calendar().working_hours();
    } else if (path == "holidays") {
      *c.mutable_holidays() = req.calendar().holidays();
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: path \"", path,
                       "\" cannot be updated; allowed: display_name, "
                       "time_zone, working_hours, holidays"));
    }
  }
  RETURN_IF_ERROR(ValidateLength("calendar.display_name", c.display_name(),
                                 kMaxDisplayNameLength));
  RETURN_IF_ERROR(BusinessCalendar::FromProto(c).status());
  c.set_etag(EtagOf(txn.revision()));
  *c.mutable_update_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, calendars::keys::Calendar(id), c);
  v1::Event e = p.NewEvent("calendar.updated", c.name());
  (*e.mutable_data())["fields"] = absl::StrJoin(req.update_mask().paths(), ",");
  txn.Emit(std::move(e));
  return c;
}

// ------------------------------------------------------------ delegations

absl::StatusOr<bool> CanStandIn(const Reader& reader, const std::string& actor,
                                const std::string& place,
                                const std::string& team, absl::Time now) {
  std::set<std::string> seen = {place};
  std::deque<std::string> queue = {place};
  while (!queue.empty()) {
    std::string person = queue.front();
    queue.pop_front();
    ASSIGN_OR_RETURN(std::vector<v1::Delegation> ds,
                     DelegationsOf(reader, IdOf(person)));
    for (const v1::Delegation& d : ds) {
      if (!Active(d, now) || !CoversTeam(d, team)) continue;
      if (d.delegate() == actor) return true;
      if (seen.insert(d.delegate()).second) queue.push_back(d.delegate());
    }
  }
  return false;
}

absl::StatusOr<v1::Delegation> CreateDelegation(
    Txn& txn, const Principal& p, const v1::CreateDelegationRequest& req) {
  ASSIGN_OR_RETURN(std::string user, ResolveUserId(p, "parent", req.parent()));
  if (user != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "users/", p.user_id, " may create delegations only for themselves"));
  }
  RETURN_IF_ERROR(identity::LoadUser(txn, user).status());
  v1::Delegation d = req.delegation();
  std::string delegate = d.delegate();
  if (delegate.find('/') == std::string::npos && !delegate.empty())
    delegate = "users/" + delegate;
  ASSIGN_OR_RETURN(std::string delegate_id,
                   ParseId("delegation.delegate", delegate, "users/*"));
  if (delegate_id == user) {
    return absl::InvalidArgumentError(
        "delegation.delegate: a user cannot delegate to themselves");
  }
  ASSIGN_OR_RETURN(bool active, IsActiveUser(txn, delegate));
  if (!active) {
    return absl::FailedPreconditionError(
        absl::StrCat("delegation.delegate: ", delegate,
                     " does not exist or is deactivated"));
  }
  d.set_delegate(absl::StrCat("users/", delegate_id));
  if (!d.has_start_time()) *d.mutable_start_time() = ToProtoTime(txn.Now());
  if (!d.has_end_time() ||
      FromProtoTime(d.end_time()) <= FromProtoTime(d.start_time())) {
    return absl::InvalidArgumentError(
        "delegation.end_time is required and must be after "
        "delegation.start_time");
  }
  for (std::string& team : *d.mutable_teams()) {
    if (team.find('/') == std::string::npos) team = "teams/" + team;
    ASSIGN_OR_RETURN(std::string id,
                     ParseId("delegation.teams entry", team, "teams/*"));
    RETURN_IF_ERROR(identity::LoadTeam(txn, id).status());
  }
  // A chain back to the user would be a cycle: refuse it (any window).
  std::map<std::string, std::string> parent = {{d.delegate(), ""}};
  std::deque<std::string> queue = {d.delegate()};
  const std::string self = absl::StrCat("users/", user);
  while (!queue.empty()) {
    std::string person = queue.front();
    queue.pop_front();
    ASSIGN_OR_RETURN(std::vector<v1::Delegation> ds,
                     DelegationsOf(txn, IdOf(person)));
    for (const v1::Delegation& next : ds) {
      if (next.delegate() == self) {
        std::vector<std::string> path = {self};
        std::vector<std::string> back;
        for (std::string at = person; !at.empty(); at = parent[at])
          back.push_back(at);
        path.insert(path.end(), back.rbegin(), back.rend());
        path.push_back(self);
        return absl::FailedPreconditionError(absl::StrCat(
            "delegation would form a cycle: ", absl::StrJoin(path, " -> ")));
      }
      if (parent.emplace(next.delegate(), person).second)
        queue.push_back(next.delegate());
    }
  }
  ASSIGN_OR_RETURN(const std::string id,
                   FreshId(txn, Cf::kRecords, 'd', [&](const std::string& i) {
                     return keys::Delegation(user, i);
                   }));
  d.set_name(absl::StrCat("users/", user, "/delegations/", id));
  *d.mutable_create_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::Delegation(user, id), d);
  txn.Put(Cf::kIndex, keys::IdxDelegateOfRow(delegate_id, user, id), "");
  v1::Event e = p.NewEvent("delegation.created", d.name());
  (*e.mutable_data())["delegate"] = d.delegate();
  txn.Emit(std::move(e));
  return d;
}

absl::StatusOr<v1::ListDelegationsResponse> ListDelegations(
    const Reader& reader, const Principal& p,
    const v1::ListDelegationsRequest& req) {
  ASSIGN_OR_RETURN(std::string user, ResolveUserId(p, "parent", req.parent()));
  v1::ListDelegationsResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ListInto(reader, Cf::kRecords, keys::DelegationPrefix(user),
               req.page_size(), req.page_token(), resp.mutable_delegations()));
  return resp;
}

absl::Status DeleteDelegation(Txn& txn, const Principal& p,
                              const v1::DeleteDelegationRequest& req) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseName("name", req.name(), "users/*/delegations/*"));
  if (ids[0] != p.user_id && !p.admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "users/", p.user_id, " may delete only their own delegations"));
  }
  v1::Delegation d;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(Cf::kRecords, keys::Delegation(ids[0], ids[1]), &d));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("delegation \"", req.name(), "\" not found"));
  }
  txn.Delete(Cf::kRecords, keys::Delegation(ids[0], ids[1]));
  txn.Delete(Cf::kIndex,
             keys::IdxDelegateOfRow(IdOf(d.delegate()), ids[0], ids[1]));
  txn.Emit(p.NewEvent("delegation.deleted", req.name()));
  return absl::OkStatus();
}

// ------------------------------------------------------------ approvals

absl::StatusOr<v1::Approval> CreateApproval(
    Txn& txn, const Principal& p, const v1::CreateApprovalRequest& req) {
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
  v1::Approval a;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "CreateApproval",
                                                req.request_id(), req, &a));
  if (replayed) return a;
  a = req.approval();
  RETURN_IF_ERROR(ValidateRequired("approval.title", a.title()));
  RETURN_IF_ERROR(
      ValidateLength("approval.title", a.title(), kMaxDisplayNameLength));
  RETURN_IF_ERROR(
      ValidateLength("approval.details", a.details(), kMaxDescriptionLength));
  RETURN_IF_ERROR(ValidateLength("approval.asset_version", a.asset_version(),
                                 kMaxDisplayNameLength));
  RETURN_IF_ERROR(ValidateRequired("approval.subject", a.subject()));
  RETURN_IF_ERROR(ValidateSubject(txn, a.subject()));
  if (a.groups().empty()) {
    return absl::InvalidArgumentError(
        "approval.groups: at least one approver group is needed");
  }
  if (a.groups_size() > kMaxGroups) {
    return absl::InvalidArgumentError(
        absl::StrCat("approval.groups has more than ", kMaxGroups, " groups"));
  }
  for (int i = 0; i < a.groups_size(); ++i) {
    RETURN_IF_ERROR(ValidateGroup(txn, i, a.mutable_groups(i)));
  }
  if (!a.due().empty())
    RETURN_IF_ERROR(calendars::ValidateDue("approval.due", a.due()));
  if (!a.calendar().empty()) {
    ASSIGN_OR_RETURN(std::string cal,
                     ParseId("approval.calendar", a.calendar(), "calendars/*"));
    RETURN_IF_ERROR(LoadCalendar(txn, cal).status());
    a.set_calendar(absl::StrCat("calendars/", cal));
  } else {
    a.set_calendar(DefaultCalendarFor(txn, a));
  }
  if (a.deadline_action() == v1::Approval::DEADLINE_ACTION_UNSPECIFIED) {
    a.set_deadline_action(v1::Approval::EXPIRE);
  }
  ASSIGN_OR_RETURN(const std::string id,
                   FreshId(txn, Cf::kRecords, 'a', [](const std::string& i) {
                     return keys::Approval(i);
                   }));
  a.set_name(absl::StrCat("approvals/", id));
  a.set_requester(p.UserName());
  a.set_state(v1::Approval::PENDING);
  a.set_round(1);
  a.clear_decisions();
  a.clear_complete_time();
  RETURN_IF_ERROR(ResolveEligible(txn, &a));
  ASSIGN_OR_RETURN(std::vector<Reminder> reminders,
                   ScheduleRound(txn, txn, &a));
  if (!a.due().empty() && !calendars::IsRelativeDue(a.due()) &&
      FromProtoTime(a.due_time()) <= txn.Now()) {
    return absl::InvalidArgumentError("approval.due is in the past");
  }
  *a.mutable_create_time() = ToProtoTime(txn.Now());
  SaveApproval(txn, nullptr, &a);
  ArmTimers(txn, a, reminders);
  v1::Event e = ApprovalEvent(p, "approval.requested", a);
  (*e.mutable_data())["subject"] = a.subject();
  (*e.mutable_data())["approvers"] = absl::StrJoin(StillToDecide(a), ",");
  txn.Emit(std::move(e));
  RememberRequest(txn, p, "CreateApproval", req.request_id(), req, a);
  return a;
}

absl::StatusOr<v1::Approval> GetApproval(const Reader& reader,
                                         const v1::GetApprovalRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  return LoadApproval(reader, id);
}

absl::StatusOr<v1::Approval> DecideApproval(
    Txn& txn, const Principal& p, const v1::DecideApprovalRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  if (req.outcome() == v1::Decision::OUTCOME_UNSPECIFIED ||
      !v1::Decision::Outcome_IsValid(req.outcome())) {
    return absl::InvalidArgumentError(
        "outcome must be APPROVE, REJECT or REQUEST_CHANGES");
  }
  if (req.outcome() != v1::Decision::APPROVE && req.comment().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "comment is required to ",
        req.outcome() == v1::Decision::REJECT ? "reject" : "request changes"));
  }
  RETURN_IF_ERROR(
      ValidateLength("comment", req.comment(), kMaxDescriptionLength));
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
  std::string requested = req.on_behalf_of();
  if (!requested.empty()) {
    if (requested.find('/') == std::string::npos)
      requested = "users/" + requested;
    RETURN_IF_ERROR(ParseId("on_behalf_of", requested, "users/*").status());
  }
  v1::Approval a;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "DecideApproval",
                                                req.request_id(), req, &a));
  if (replayed) return a;
  ASSIGN_OR_RETURN(a, LoadApproval(txn, id));
  const v1::Approval old = a;
  const std::string actor = p.UserName();
  if (actor == a.requester()) {
    return absl::PermissionDeniedError(absl::StrCat(
        actor, " requested ", a.name(), " and cannot decide on it"));
  }
  if (a.state() != v1::Approval::PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat(a.name(), " is ", v1::Approval::State_Name(a.state()),
                     " and takes no decisions"));
  }
  if (HasActed(a, actor)) {
    return absl::FailedPreconditionError(absl::StrCat(
        actor, " already decided on ", a.name(), " in round ", a.round()));
  }
  ASSIGN_OR_RETURN(std::string place,
                   FindPlace(txn, a, actor, requested, txn.Now()));
  if (HasDecided(a, place)) {
    return absl::FailedPreconditionError(absl::StrCat(
        place, " already decided on ", a.name(), " in round ", a.round()));
  }
  v1::Decision* d = a.add_decisions();
  d->set_approver(actor);
  if (place != actor) d->set_on_behalf_of(place);
  d->set_outcome(req.outcome());
  d->set_comment(req.comment());
  *d->mutable_time() = ToProtoTime(txn.Now());
  d->set_round(a.round());
  if (!p.actor_id.empty()) d->set_via(absl::StrCat("users/", p.actor_id));
  v1::Event e = ApprovalEvent(p, "approval.decided", a);
  (*e.mutable_data())["outcome"] = v1::Decision::Outcome_Name(req.outcome());
  (*e.mutable_data())["approver"] = actor;
  if (place != actor) (*e.mutable_data())["on_behalf_of"] = place;
  txn.Emit(std::move(e));
  ApplyVerdict(txn, p, &a);
  SaveApproval(txn, &old, &a);
  RememberRequest(txn, p, "DecideApproval", req.request_id(), req, a);
  return a;
}

absl::StatusOr<v1::Approval> ResubmitApproval(
    Txn& txn, const Principal& p, const v1::ResubmitApprovalRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  RETURN_IF_ERROR(
      ValidateLength("comment", req.comment(), kMaxDescriptionLength));
  RETURN_IF_ERROR(ValidateLength("asset_version", req.asset_version(),
                                 kMaxDisplayNameLength));
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
  v1::Approval a;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "ResubmitApproval",
                                                req.request_id(), req, &a));
  if (replayed) return a;
  ASSIGN_OR_RETURN(a, LoadApproval(txn, id));
  const v1::Approval old = a;
  RETURN_IF_ERROR(RequireRequesterOrAdmin(p, a, "resubmit"));
  if (a.state() != v1::Approval::CHANGES_REQUESTED) {
    return absl::FailedPreconditionError(absl::StrCat(
        a.name(), " is ", v1::Approval::State_Name(a.state()),
        "; only an approval with changes requested is resubmitted"));
  }
  a.set_round(a.round() + 1);
  a.set_state(v1::Approval::PENDING);
  if (!req.asset_version().empty()) a.set_asset_version(req.asset_version());
  RETURN_IF_ERROR(ResolveEligible(txn, &a));
  ASSIGN_OR_RETURN(std::vector<Reminder> reminders,
                   ScheduleRound(txn, txn, &a));
  SaveApproval(txn, &old, &a);
  ArmTimers(txn, a, reminders);
  v1::Event e = ApprovalEvent(p, "approval.resubmitted", a);
  if (!req.comment().empty()) (*e.mutable_data())["comment"] = req.comment();
  if (!a.asset_version().empty())
    (*e.mutable_data())["asset_version"] = a.asset_version();
  txn.Emit(std::move(e));
  RememberRequest(txn, p, "ResubmitApproval", req.request_id(), req, a);
  return a;
}

absl::StatusOr<v1::Approval> CancelApproval(
    Txn& txn, const Principal& p, const v1::CancelApprovalRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "approvals/*"));
  RETURN_IF_ERROR(ValidateRequestId(req.request_id()));
  v1::Approval a;
  ASSIGN_OR_RETURN(bool replayed, ReplayRequest(txn, p, "CancelApproval",
                                                req.request_id(), req, &a));
  if (replayed) return a;
  ASSIGN_OR_RETURN(a, LoadApproval(txn, id));
  const v1::Approval old = a;
  RETURN_IF_ERROR(RequireRequesterOrAdmin(p, a, "cancel"));
  if (a.state() != v1::Approval::PENDING &&
      a.state() != v1::Approval::CHANGES_REQUESTED) {
    return absl::FailedPreconditionError(
        absl::StrCat(a.name(), " is ", v1::Approval::State_Name(a.state()),
                     " and cannot be cancelled"));
  }
  a.set_state(v1::Approval::CANCELLED);
  *a.mutable_complete_time() = ToProtoTime(txn.Now());
  SaveApproval(txn, &old, &a);
  v1::Event e = ApprovalEvent(p, "approval.completed", a);
  (*e.mutable_data())["outcome"] = "CANCELLED";
  txn.Emit(std::move(e));
  RememberRequest(txn, p, "CancelApproval", req.request_id(), req, a);
  return a;
}

absl::StatusOr<v1::ListApprovalsResponse> ListApprovals(
    const Reader& reader, const Principal& p, absl::Time now,
    const v1::ListApprovalsRequest& req) {
  ASSIGN_OR_RETURN(const size_t page_size, ParsePageSize(req.page_size()));
  ASSIGN_OR_RETURN(filter::Filter f,
                   filter::Filter::Parse(req.filter(), ApprovalSchema(p)));
  ASSIGN_OR_RETURN(
      filter::OrderBy order,
      filter::ParseOrderBy(req.order_by(), {"due_time", "create_time"},
                           "due_time"));
  const std::string query = QueryFingerprint("", req.filter(), req.order_by());
  ASSIGN_OR_RETURN(PageCursor cursor, DecodeCursor(req.page_token(), query));

  std::optional<filter::Value> pending_for = f.RequiredEquals("pending_for");
  if (!pending_for && absl::StrContains(req.filter(), "pending_for")) {
    return absl::InvalidArgumentError(
        "filter: pending_for must be a top-level term joined by AND, as in "
        "pending_for = \"me\"");
  }
  // One page is kept, however many approvals there are.
  SortedPage<v1::Approval> page(order.desc, cursor, query, page_size);
  auto offer = [&](v1::Approval a) {
    bool match = f.Matches([&](const std::string& field) -> filter::Value {
      if (field == "pending_for") return *pending_for;  // checked above
      if (field == "requester") return filter::Value::String(a.requester());
      if (field == "state") return filter::Value::Int(a.state());
      if (field == "subject") return filter::Value::String(a.subject());
      if (field == "team") {
        std::vector<std::string> teams;
        for (const auto& g : a.groups()) {
          if (!g.team().empty()) teams.push_back(g.team());
        }
        return filter::Value::List(teams);
      }
      return filter::Value::Absent();
    });
    if (!match) return;
    SortKey k;
    k.row = keys::Approval(IdOf(a.name()));
    if (order.field == "due_time") {
      k.absent = !a.has_due_time();
      k.num = k.absent ? 0 : DueMicros(a);
    } else {
      k.num = absl::ToUnixMicros(FromProtoTime(a.create_time()));
    }
    page.Add(std::move(k), std::move(a));
  };
  if (pending_for) {
    const std::string who = pending_for->str;
    if (who != p.UserName() && !p.admin) {
      return absl::PermissionDeniedError(
          "only admins may list another user's inbox");
    }
    ASSIGN_OR_RETURN(std::set<std::string> places, PlacesFor(reader, who, now));
    places.insert(who);
    std::set<std::string> ids;
    for (const std::string& place : places) {
      RETURN_IF_ERROR(
          reader.Scan(Cf::kIndex, keys::IdxApprovalPending(IdOf(place)), "",
                      [&](absl::string_view key, absl::string_view) {
                        if (auto id = keys::ApprovalOfPendingRow(key))
                          ids.insert(*id);
                        return true;
                      }));
    }
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(v1::Approval a, LoadApproval(reader, id));
      if (a.state() != v1::Approval::PENDING || a.requester() == who ||
          HasActed(a, who)) {
        continue;
      }
      absl::StatusOr<std::string> place = FindPlace(reader, a, who, "", now);
      if (!place.ok() || HasDecided(a, *place)) continue;
      offer(std::move(a));
    }
  } else {
    RETURN_IF_ERROR(storage::ScanParsed<v1::Approval>(
        reader, Cf::kRecords, keys::ApprovalPrefix(), "",
        [&](absl::string_view, v1::Approval&& a) {
          offer(std::move(a));
          return true;
        }));
  }
  v1::ListApprovalsResponse resp;
  resp.set_next_page_token(page.Take(resp.mutable_approvals()));
  return resp;
}

// ------------------------------------------------------------ timers

absl::Status FireReminder(Txn& txn, const TimerRecord& timer) {
  std::vector<std::string> parts = absl::StrSplit(timer.payload(), ':');
  int round = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &round))
    return absl::OkStatus();
  absl::StatusOr<v1::Approval> a = LoadApproval(txn, IdOf(timer.target()));
  if (!a.ok() || a->state() != v1::Approval::PENDING || a->round() != round) {
    return absl::OkStatus();
  }
  v1::Event e = ApprovalEvent(Principal::System(), "approval.reminder", *a);
  (*e.mutable_data())["percent"] = parts[1];
  (*e.mutable_data())["still_to_decide"] =
      absl::StrJoin(StillToDecide(*a), ",");
  (*e.mutable_data())["due_time"] = absl::FormatTime(
      absl::RFC3339_sec, FromProtoTime(a->due_time()), absl::UTCTimeZone());
  txn.Emit(std::move(e));
  return absl::OkStatus();
}

absl::Status FireDeadline(Txn& txn, const TimerRecord& timer) {
  int round = 0;
  if (!absl::SimpleAtoi(timer.payload(), &round)) return absl::OkStatus();
  absl::StatusOr<v1::Approval> loaded = LoadApproval(txn, IdOf(timer.target()));
  if (!loaded.ok() || loaded->state() != v1::Approval::PENDING ||
      loaded->round() != round) {
    return absl::OkStatus();
  }
  v1::Approval a = *loaded;
  const v1::Approval old = a;
  const Principal system = Principal::System();
  switch (a.deadline_action()) {
    case v1::Approval::ESCALATE: {
      std::vector<std::string> added;
      std::vector<GroupTally> tallies;
      Evaluate(a, &tallies);
      for (int i = 0; i < a.groups_size(); ++i) {
        v1::ApproverGroup* g = a.mutable_groups(i);
        if (tallies[i].satisfied) continue;
        // The team's leads first; when none can be added (they already
        // are approvers, or the group has no team), the requester's manager.
        // Nobody who decided this round is added: their decision would
        // count for the new group without them deciding on it.
        auto add = [&](const std::string& person) -> absl::StatusOr<bool> {
          if (person.empty() || person == a.requester() ||
              std::find(g->eligible().begin(), g->eligible().end(), person) !=
                  g->eligible().end() ||
              HasActed(a, person) || HasDecided(a, person)) {
            return false;
          }
          ASSIGN_OR_RETURN(bool active, IsActiveUser(txn, person));
          if (!active) return false;
          g->add_eligible(person);
          g->add_escalated(person);
          added.push_back(person);
          return true;
        };
        bool any = false;
        if (!g->team().empty()) {
          ASSIGN_OR_RETURN(auto members, MembersOf(txn, IdOf(g->team())));
          for (const auto& m : members) {
            if (m.role() != v1::Membership::LEAD) continue;
            ASSIGN_OR_RETURN(bool ok, add(m.user()));
            any = any || ok;
          }
        }
        if (!any) {
          ASSIGN_OR_RETURN(std::string manager, ManagerOf(txn, a.requester()));
          ASSIGN_OR_RETURN(bool ok, add(manager));
          (void)ok;
        }
      }
      v1::Event e = ApprovalEvent(system, "approval.escalated", a);
      (*e.mutable_data())["added"] = absl::StrJoin(added, ",");
      txn.Emit(std::move(e));
      // The groups changed, so the rule is evaluated again.
      ApplyVerdict(txn, system, &a);
      SaveApproval(txn, &old, &a);
      return absl::OkStatus();
    }
    case v1::Approval::REJECT:
      a.set_state(v1::Approval::REJECTED);
      break;
    default:
      a.set_state(v1::Approval::EXPIRED);
      break;
  }
  *a.mutable_complete_time() = ToProtoTime(txn.Now());
  SaveApproval(txn, &old, &a);
  v1::Event e = ApprovalEvent(system, "approval.completed", a);
  (*e.mutable_data())["outcome"] = v1::Approval::State_Name(a.state());
  (*e.mutable_data())["reason"] = "deadline";
  txn.Emit(std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::approvals

// mops approvals ..., approve, reject, request-changes, delegate,
// delegations ..., calendar ...
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "mops/v1/approvals.grpc.pb.h"

namespace mops::cli {

namespace api = ::mops::v1;

namespace {

std::string ApprovalName(const std::string& id) {
  return id.find('/') == std::string::npos ? "approvals/" + id : id;
}

std::string GroupLabel(const api::ApproverGroup& g) {
  if (!g.team().empty())
    return (g.leads_only() ? "leads of " : "") + Id(g.team());
  if (g.requester_manager()) return "requester's manager";
  std::vector<std::string> ids;
  for (const auto& u : g.users()) ids.push_back(Id(u));
  return absl::StrJoin(ids, "+");
}

// The place a decision filled.
std::string PlaceOf(const api::Decision& d) {
  return d.on_behalf_of().empty() ? d.approver() : d.on_behalf_of();
}

// "2 of finance, 1 of legal": what the current round still needs.
std::string StillNeeded(const api::Approval& a) {
  if (a.state() != api::Approval::PENDING) {
    return EnumName(api::Approval::State_Name(a.state()));
  }
  std::map<std::string, api::Decision::Outcome> outcome;
  for (const auto& d : a.decisions()) {
    if (d.round() == a.round()) outcome[PlaceOf(d)] = d.outcome();
  }
  std::vector<std::string> parts;
  for (const auto& g : a.groups()) {
    int approvals = 0;
    for (const auto& person : g.eligible()) {
      auto it = outcome.find(person);
      if (it != outcome.end() && it->second == api::Decision::APPROVE)
        ++approvals;
    }
    int required = std::max(1, g.required());
    if (approvals < required) {
      parts.push_back(
          absl::StrCat(required - approvals, " of ", GroupLabel(g)));
    }
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

std::string DueIn(const api::Approval& a) {
  if (!a.has_due_time()) return "-";
  if (a.state() != api::Approval::PENDING) return FormatTime(a.due_time());
  return RelativeTime(a.due_time().seconds() -
                      absl::ToUnixSeconds(absl::Now()));
}

Table ApprovalsTable(
    const google::protobuf::RepeatedPtrField<api::Approval>& approvals) {
  Table t({"ID", "TITLE", "REQUESTER", "DUE", "STILL NEEDED"});
  for (const auto& a : approvals) {
    t.AddRow(
        {Id(a.name()), a.title(), Id(a.requester()), DueIn(a), StillNeeded(a)});
  }
  return t;
}

void PrintApproval(const Cli& cli, const api::Approval& a) {
  if (cli.format() == Format::kJson) {
    std::cout << ToJson(a);
    return;
  }
  std::cout << a.name() << ": " << a.title() << "\n"
            << "state:     " << EnumName(api::Approval::State_Name(a.state()))
            << " (round " << a.round() << ")\n"
            << "subject:   " << a.subject()
            << (a.asset_version().empty() ? "" : " @ " + a.asset_version())
            << "\n"
            << "requester: " << Id(a.requester()) << "\n"
            << "due:       " << DueIn(a)
            << (a.has_due_time()
                    ? " (" + FormatTime(a.due_time()) + ", " + a.due() + ")"
                    : "")
            << "\n";
  if (!a.details().empty()) std::cout << "\n" << a.details() << "\n";
  std::cout << "\nrule (every group must be satisfied):\n";
  for (int i = 0; i < a.groups_size(); ++i) {
    const auto& g = a.groups(i);
    std::vector<std::string> eligible;
    for (const auto& e : g.eligible()) eligible.push_back(Id(e));
    std::cout << "  " << std::max(1, g.required()) << " of " << GroupLabel(g)
              << (g.reject_does_not_veto() ? "" : ", a reject vetoes") << "  ["
              << absl::StrJoin(eligible, ", ") << "]"
              << (g.escalated().empty() ? "" : " (escalated)") << "\n";
  }
  std::cout << "still needed: " << StillNeeded(a) << "\n";
  if (!a.decisions().empty()) {
    std::cout << "\ndecisions:\n";
    Table t({"ROUND", "WHO", "FOR", "DECISION", "WHEN", "COMMENT"});
    for (const auto& d : a.decisions()) {
      t.AddRow({std::to_string(d.round()), Id(d.approver()),
                d.on_behalf_of().empty() ? "-" : Id(d.on_behalf_of()),
                EnumName(api::Decision::Outcome_Name(d.outcome())),
                FormatTime(d.time()), d.comment().empty() ? "-" : d.comment()});
    }
    std::cout << t.Render();
  }
}

// "team:finance:2,team:legal:1,user:bob,users:ann+bob:2,leads:it,manager";
// append ":noveto" to a group to make its rejects non-vetoing.
std::vector<api::ApproverGroup> ParseApprovers(const std::string& spec) {
  std::vector<api::ApproverGroup> groups;
  auto bad = [&](const std::string& part) {
    return CliError{kExitUsage,
                    "--approvers: \"" + part +
                        "\" is not team:ID[:N], leads:ID[:N], user:ID, "
                        "users:ID+ID[:N] or manager (add :noveto to keep a "
                        "reject from vetoing)"};
  };
  for (const std::string& part :
       std::vector<std::string>(absl::StrSplit(spec, ',', absl::SkipEmpty()))) {
    std::vector<std::string> f = absl::StrSplit(part, ':');
    api::ApproverGroup g;
    if (!f.empty() && f.back() == "noveto") {
      g.set_reject_does_not_veto(true);
      f.pop_back();
    }
    if (f.empty()) throw bad(part);
    int n = 1;
    if (f.size() == 3 && !absl::SimpleAtoi(f[2], &n)) throw bad(part);
    if (f[0] == "team" || f[0] == "leads") {
      if (f.size() < 2 || f.size() > 3) throw bad(part);
      g.set_team(TeamName(f[1]));
      g.set_leads_only(f[0] == "leads");
    } else if (f[0] == "user" && f.size() == 2) {
      g.add_users(UserName(f[1]));
    } else if (f[0] == "users" && (f.size() == 2 || f.size() == 3)) {
      for (const std::string& u :
           std::vector<std::string>(absl::StrSplit(f[1], '+'))) {
        g.add_users(UserName(u));
      }
    } else if (f[0] == "manager" && f.size() == 1) {
      g.set_requester_manager(true);
    } else {
      throw bad(part);
    }
    g.set_required(n);
    groups.push_back(g);
  }
  if (groups.empty()) throw CliError{kExitUsage, "--approvers names no group"};
  return groups;
}

// "mon-fri 09:00-17:00" or "sat 10:00-14:00" or "mon,wed 08:00-12:00".
std::vector<api::Calendar::WorkingHours> ParseHours(const std::string& spec) {
  static const std::map<std::string, int> kDays = {
      {"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4},
      {"fri", 5}, {"sat", 6}, {"sun", 7}};
  auto bad =
      CliError{kExitUsage, "--hours: \"" + spec +
                               "\" is not DAYS HH:MM-HH:MM, e.g. \"mon-fri "
                               "09:00-17:00\""};
  std::vector<std::string> words = absl::StrSplit(spec, ' ', absl::SkipEmpty());
  if (words.size() != 2) throw bad;
  std::vector<std::string> times = absl::StrSplit(words[1], '-');
  if (times.size() != 2) throw bad;
  std::set<int> days;
  for (const std::string& item :
       std::vector<std::string>(absl::StrSplit(words[0], ','))) {
    std::vector<std::string> range = absl::StrSplit(item, '-');
    auto a = kDays.find(absl::AsciiStrToLower(range[0]));
    auto b = kDays.find(absl::AsciiStrToLower(range.back()));
    if (range.size() > 2 || a == kDays.end() || b == kDays.end() ||
        a->second > b->second) {
      throw bad;
    }
    for (int d = a->second; d <= b->second; ++d) days.insert(d);
  }
  std::vector<api::Calendar::WorkingHours> out;
  for (int d : days) {
    api::Calendar::WorkingHours w;
    w.set_weekday(d);
    w.set_start(times[0]);
    w.set_end(times[1]);
    out.push_back(w);
  }
  return out;
}

void PrintCalendar(const Cli& cli, const api::Calendar& c) {
  if (cli.format() == Format::kJson) {
    std::cout << ToJson(c);
    return;
  }
  static const char* kNames[] = {"",    "mon", "tue", "wed",
                                 "thu", "fri", "sat", "sun"};
  std::cout << c.name()
            << (c.display_name().empty() ? "" : " (" + c.display_name() + ")")
            << "\ntime zone: " << c.time_zone() << "\nworking hours:\n";
  for (const auto& w : c.working_hours()) {
    std::cout << "  " << kNames[std::clamp(w.weekday(), 0, 7)] << " "
              << w.start() << "-" << w.end() << "\n";
  }
  std::cout << "holidays: "
            << (c.holidays().empty() ? "-" : absl::StrJoin(c.holidays(), ", "))
            << "\n";
}

struct DecideFlags {
  std::string id, message, on_behalf_of, request_id;
};

void AddDecide(CLI::App& app, Cli& cli, std::function<void()>& action,
               const char* verb, const char* help,
               api::Decision::Outcome outcome, bool message_required) {
  auto f = std::make_shared<DecideFlags>();
  auto* cmd = app.add_subcommand(verb, help);
  cmd->add_option("ID", f->id, "Approval id")->required();
  auto* m = cmd->add_option("-m,--message", f->message, "Comment");
  if (message_required) m->required();
  cmd->add_option(
      "--for", f->on_behalf_of,
      "As a delegate: whose place you take (default: your own, else the "
      "first person you stand in for)");
  cmd->add_option("--request-id", f->request_id,
                  "Idempotency key: a retry with the same id changes nothing");
  cmd->callback([&, f, outcome] {
    action = [&, f, outcome] {
      Client client(cli.flags);
      api::DecideApprovalRequest req;
      req.set_name(ApprovalName(f->id));
      req.set_outcome(outcome);
      req.set_comment(f->message);
      if (!f->on_behalf_of.empty())
        req.set_on_behalf_of(UserName(f->on_behalf_of));
      req.set_request_id(f->request_id);
      api::Approval a;
      auto ctx = client.NewContext();
      client.Check(api::ApprovalService::NewStub(client.channel())
                       ->DecideApproval(ctx.get(), req, &a));
      PrintApproval(cli, a);
    };
  });
}

}  // namespace

void AddApprovals(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto stub = [](const Client& c) {
    return api::ApprovalService::NewStub(c.channel());
  };
  auto* approvals =
      app.add_subcommand("approvals", "Approval requests and your inbox");
  approvals->require_subcommand(1);

  approvals
      ->add_subcommand(
          "inbox",
          "What you (or those you stand in for) can decide, soonest due first")
      ->callback([&, stub] {
        action = [&, stub] {
          Client client(cli.flags);
          auto s = stub(client);
          api::ListApprovalsRequest req;
          req.set_filter("pending_for = \"me\"");
          auto all = ListAll<api::ListApprovalsResponse>(
              client, req,
              [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
                return s->ListApprovals(ctx, r, resp);
              });
          cli.Print(all, [&] { return ApprovalsTable(all.approvals()); });
        };
      });

  struct ListFlags {
    std::string filter, state;
    bool mine = false;
    int limit = kDefaultListLimit;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = approvals->add_subcommand("list", "List approvals");
  list->add_option(
      "--filter", lf->filter,
      "AIP-160 filter on state, requester, subject, team, pending_for");
  list->add_option("--state", lf->state,
                   "pending, approved, rejected, changes_requested, ...");
  list->add_flag("--mine", lf->mine, "Requested by me");
  AddLimitFlag(list, &lf->limit);
  list->callback([&, lf, stub] {
    action = [&, lf, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      std::vector<std::string> terms;
      if (!lf->state.empty())
        terms.push_back("state = " + absl::AsciiStrToUpper(lf->state));
      if (lf->mine) terms.push_back("requester = \"me\"");
      api::ListApprovalsRequest req;
      req.set_filter(JoinFilter(lf->filter, terms));
      auto all = ListUpTo<api::ListApprovalsResponse>(
          client, req, lf->limit,
          [](api::ListApprovalsResponse* r) { return r->mutable_approvals(); },
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListApprovals(ctx, r, resp);
          });
      cli.Print(all, [&] { return ApprovalsTable(all.approvals()); });
    };
  });

  auto id = std::make_shared<std::string>();
  auto* show = approvals->add_subcommand(
      "show", "Show the rule, who decided what and who is still needed");
  show->add_option("ID", *id, "Approval id")->required();
  show->callback([&, id, stub] {
    action = [&, id, stub] {
      Client client(cli.flags);
      api::GetApprovalRequest req;
      req.set_name(ApprovalName(*id));
      api::Approval a;
      auto ctx = client.NewContext();
      client.Check(stub(client)->GetApproval(ctx.get(), req, &a));
      PrintApproval(cli, a);
    };
  });

  struct RequestFlags {
    std::string subject, title, details, approvers, due, on_deadline, calendar,
        asset_version, request_id;
  };
  auto rf = std::make_shared<RequestFlags>();
  auto* request = approvals->add_subcommand("request", "Ask for an approval");
  request
      ->add_option(
          "--subject", rf->subject,
          "What is decided: projects/P, projects/P/tasks/T or an http(s) URL")
      ->required();
  request->add_option("--title", rf->title, "Title")->required();
  request->add_option("--details", rf->details, "Details for the approvers");
  request
      ->add_option(
          "--approvers", rf->approvers,
          "Groups, all required: team:ID[:N], leads:ID[:N], user:ID, "
          "users:ID+ID[:N], manager; e.g. team:finance:2,team:legal:1,user:bob")
      ->required();
  request->add_option(
      "--due", rf->due,
      "Deadline: business time (16bh, 3bd) or an RFC 3339 time");
  request
      ->add_option("--on-deadline", rf->on_deadline,
                   "escalate, reject or expire (default)")
      ->check(CLI::IsMember({"escalate", "reject", "expire"}));
  request->add_option("--calendar", rf->calendar,
                      "Calendar for business time (default: the first team's)");
  request->add_option("--asset-version", rf->asset_version,
                      "Version of the asset");
  request->add_option(
      "--request-id", rf->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  request->callback([&, rf, stub] {
    action = [&, rf, stub] {
      Client client(cli.flags);
      api::CreateApprovalRequest req;
      api::Approval* a = req.mutable_approval();
      a->set_subject(rf->subject);
      a->set_title(rf->title);
      a->set_details(rf->details);
      a->set_asset_version(rf->asset_version);
      for (auto& g : ParseApprovers(rf->approvers)) *a->add_groups() = g;
      a->set_due(rf->due);
      if (!rf->calendar.empty()) {
        a->set_calendar(rf->calendar.find('/') == std::string::npos
                            ? "calendars/" + rf->calendar
                            : rf->calendar);
      }
      if (rf->on_deadline == "escalate")
        a->set_deadline_action(api::Approval::ESCALATE);
      if (rf->on_deadline == "reject")
        a->set_deadline_action(api::Approval::REJECT);
      if (rf->on_deadline == "expire")
        a->set_deadline_action(api::Approval::EXPIRE);
      req.set_request_id(rf->request_id);
      api::Approval out;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateApproval(ctx.get(), req, &out));
      PrintApproval(cli, out);
    };
  });

  auto rs = std::make_shared<DecideFlags>();
  auto* resubmit = approvals->add_subcommand(
      "resubmit", "After changes were requested: open the next round");
  resubmit->add_option("ID", rs->id, "Approval id")->required();
  resubmit->add_option("-m,--message", rs->message, "What changed");
  resubmit->add_option("--asset-version", rs->on_behalf_of,
                       "The new asset version");
  resubmit->callback([&, rs, stub] {
    action = [&, rs, stub] {
      Client client(cli.flags);
      api::ResubmitApprovalRequest req;
      req.set_name(ApprovalName(rs->id));
      req.set_comment(rs->message);
      req.set_asset_version(rs->on_behalf_of);
      api::Approval a;
      auto ctx = client.NewContext();
      client.Check(stub(client)->ResubmitApproval(ctx.get(), req, &a));
      PrintApproval(cli, a);
    };
  });

  auto* cancel =
      approvals->add_subcommand("cancel", "Cancel (requester or admin)");
  cancel->add_option("ID", *id, "Approval id")->required();
  cancel->callback([&, id, stub] {
    action = [&, id, stub] {
      Client client(cli.flags);
      api::CancelApprovalRequest req;
      req.set_name(ApprovalName(*id));
      api::Approval a;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CancelApproval(ctx.get(), req, &a));
      PrintApproval(cli, a);
    };
  });

  AddDecide(app, cli, action, "approve", "Approve an approval",
            api::Decision::APPROVE, false);
  AddDecide(app, cli, action, "reject", "Reject an approval (needs -m)",
            api::Decision::REJECT, true);
  AddDecide(app, cli, action, "request-changes",
            "Ask the requester for changes (needs -m)",
            api::Decision::REQUEST_CHANGES, true);

  struct DelegateFlags {
    std::string to, from, until, teams, user = "me", name;
  };
  auto df = std::make_shared<DelegateFlags>();
  auto* delegate = app.add_subcommand(
      "delegate",
      "Let someone decide approvals in your place for a time window");
  delegate->add_option("--to", df->to, "The delegate's user id")->required();
  delegate->add_option("--from", df->from,
                       "Start, RFC 3339 or YYYY-MM-DD (default: now)");
  delegate->add_option("--until", df->until, "End, RFC 3339 or YYYY-MM-DD")
      ->required();
  delegate->add_option("--teams", df->teams,
                       "Only for these teams' approver groups: t1,t2");
  delegate->add_option("--user", df->user,
                       "Whose place (admins: anyone); default: you");
  delegate->callback([&, df, stub] {
    action = [&, df, stub] {
      Client client(cli.flags);
      api::CreateDelegationRequest req;
      req.set_parent(UserName(df->user));
      api::Delegation* d = req.mutable_delegation();
      d->set_delegate(UserName(df->to));
      if (!df->from.empty())
        *d->mutable_start_time() = ParseWhen("--from", df->from);
      *d->mutable_end_time() = ParseWhen("--until", df->until);
      for (const std::string& t : std::vector<std::string>(
               absl::StrSplit(df->teams, ',', absl::SkipEmpty()))) {
        d->add_teams(TeamName(t));
      }
      api::Delegation out;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateDelegation(ctx.get(), req, &out));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(out);
      } else {
        std::vector<std::string> parts = absl::StrSplit(out.name(), '/');
        std::cout << "Created " << out.name() << ": " << Id(out.delegate())
                  << " decides for " << (parts.size() > 1 ? parts[1] : "?")
                  << " from " << FormatTime(out.start_time()) << " until "
                  << FormatTime(out.end_time())
                  << (out.teams().empty()
                          ? ""
                          : " for " + absl::StrJoin(out.teams(), ", "))
                  << "\n";
      }
    };
  });

  auto* delegations = app.add_subcommand("delegations", "Your delegations");
  delegations->require_subcommand(1);
  auto* dlist = delegations->add_subcommand("list", "List delegations");
  dlist->add_option("--user", df->user, "Whose; default: you");
  dlist->callback([&, df, stub] {
    action = [&, df, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      api::ListDelegationsRequest req;
      req.set_parent(UserName(df->user));
      auto all = ListAll<api::ListDelegationsResponse>(
          client, req,
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListDelegations(ctx, r, resp);
          });
      cli.Print(all, [&] {
        Table t({"ID", "DELEGATE", "FROM", "UNTIL", "TEAMS"});
        for (const auto& d : all.delegations()) {
          t.AddRow({Id(d.name()), Id(d.delegate()), FormatTime(d.start_time()),
                    FormatTime(d.end_time()),
                    d.teams().empty() ? "all" : absl::StrJoin(d.teams(), ",")});
        }
        return t;
      });
    };
  });
  auto* ddel = delegations->add_subcommand("delete", "Delete a delegation");
  ddel->add_option("ID", df->name, "Delegation id")->required();
  ddel->add_option("--user", df->user, "Whose; default: you");
  ddel->callback([&, df, stub] {
    action = [&, df, stub] {
      Client client(cli.flags);
      api::DeleteDelegationRequest req;
      req.set_name(df->name.find('/') != std::string::npos
                       ? df->name
                       : UserName(df->user) + "/delegations/" + df->name);
      api::DeleteDelegationResponse resp;
      auto ctx = client.NewContext();
      client.Check(stub(client)->DeleteDelegation(ctx.get(), req, &resp));
      std::cout << (cli.format() == Format::kJson
                        ? ToJson(resp)
                        : "Deleted " + req.name() + "\n");
    };
  });

  // ---- calendars
  auto cstub = [](const Client& c) {
    return api::CalendarService::NewStub(c.channel());
  };
  struct CalendarFlags {
    std::string id = "default", display_name, time_zone;
    std::vector<std::string> hours, holidays;
  };
  auto cf = std::make_shared<CalendarFlags>();
  auto* calendar = app.add_subcommand(
      "calendar", "Business calendars (working hours, holidays)");
  calendar->require_subcommand(1);
  auto* cget = calendar->add_subcommand("get", "Show a calendar");
  cget->add_option("ID", cf->id, "Calendar id; default: default")
      ->default_val("default");
  cget->callback([&, cf, cstub] {
    action = [&, cf, cstub] {
      Client client(cli.flags);
      api::GetCalendarRequest req;
      req.set_name("calendars/" + cf->id);
      api::Calendar c;
      auto ctx = client.NewContext();
      client.Check(cstub(client)->GetCalendar(ctx.get(), req, &c));
      PrintCalendar(cli, c);
    };
  });
  calendar->add_subcommand("list", "List calendars")->callback([&, cstub] {
    action = [&, cstub] {
      Client client(cli.flags);
      auto s = cstub(client);
      auto all = ListAll<api::ListCalendarsResponse>(
          client, api::ListCalendarsRequest(),
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListCalendars(ctx, r, resp);
          });
      cli.Print(all, [&] {
        Table t({"ID", "TIME ZONE", "HOLIDAYS", "NAME"});
        for (const auto& c : all.calendars()) {
          t.AddRow({Id(c.name()), c.time_zone(),
                    std::to_string(c.holidays_size()), c.display_name()});
        }
        return t;
      });
    };
  });
  for (bool create : {false, true}) {
    auto* cmd =
        calendar->add_subcommand(create ? "create" : "update",
                                 create ? "Create a calendar (admins)"
                                        : "Change a calendar (admins); the "
                                          "given fields replace the old ones");
    auto* id_opt = cmd->add_option("ID", cf->id, "Calendar id");
    if (create) id_opt->required();
    auto* dn =
        cmd->add_option("--display-name", cf->display_name, "Display name");
    auto* tz = cmd->add_option("--time-zone", cf->time_zone,
                               "IANA time zone, e.g. Europe/Berlin");
    auto* hours =
        cmd->add_option("--hours", cf->hours,
                        "Working hours, repeatable: \"mon-fri 09:00-17:00\"");
    auto* hol = cmd->add_option("--holiday", cf->holidays,
                                "Holiday YYYY-MM-DD, repeatable");
    if (create) {
      tz->required();
      hours->required();
    }
    cmd->callback([&, cf, cstub, create, dn, tz, hours, hol] {
      action = [&, cf, cstub, create, dn, tz, hours, hol] {
        Client client(cli.flags);
        api::Calendar c;
        c.set_name("calendars/" + cf->id);
        c.set_display_name(cf->display_name);
        c.set_time_zone(cf->time_zone);
        for (const auto& h : cf->hours) {
          for (auto& w : ParseHours(h)) *c.add_working_hours() = w;
        }
        for (const auto& h : cf->holidays) c.add_holidays(h);
        api::Calendar out;
        auto ctx = client.NewContext();
        if (create) {
          api::CreateCalendarRequest req;
          req.set_calendar_id(cf->id);
          *req.mutable_calendar() = c;
          client.Check(cstub(client)->CreateCalendar(ctx.get(), req, &out));
        } else {
          api::UpdateCalendarRequest req;
          *req.mutable_calendar() = c;
          if (dn->count()) req.mutable_update_mask()->add_paths("display_name");
          if (tz->count()) req.mutable_update_mask()->add_paths("time_zone");
          if (hours->count())
            req.mutable_update_mask()->add_paths("working_hours");
          if (hol->count()) req.mutable_update_mask()->add_paths("holidays");
          if (req.update_mask().paths().empty()) {
            throw CliError{kExitUsage,
                           "nothing to update: give --time-zone, --hours, "
                           "--holiday or --display-name"};
          }
          client.Check(cstub(client)->UpdateCalendar(ctx.get(), req, &out));
        }
        PrintCalendar(cli, out);
      };
    });
  }
}

}  // namespace mops::cli

// mops approvals ..., approve, reject, request-changes, delegate and
// delegations ...: asking for decisions and making them.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "mops/v1/approvals.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Approvals = Rpc<api::ApprovalService>;
using ApprovalStub = api::ApprovalService::Stub;

std::string GroupLabel(const api::ApproverGroup& g) {
  if (!g.team().empty()) {
    return (g.leads_only() ? "leads of " : "") + Id(g.team());
  }
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
      if (it != outcome.end() && it->second == api::Decision::APPROVE) {
        ++approvals;
      }
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

// The rule, group by group, and the decisions so far.
void WriteRuleAndDecisions(const api::Approval& a) {
  std::cout << "\nrule (every group must be satisfied):\n";
  for (const auto& g : a.groups()) {
    std::vector<std::string> eligible;
    for (const auto& e : g.eligible()) eligible.push_back(Id(e));
    std::cout << "  " << std::max(1, g.required()) << " of " << GroupLabel(g)
              << (g.reject_does_not_veto() ? "" : ", a reject vetoes") << "  ["
              << absl::StrJoin(eligible, ", ") << "]"
              << (g.escalated().empty() ? "" : " (escalated)") << "\n";
  }
  std::cout << "still needed: " << StillNeeded(a) << "\n";
  if (a.decisions().empty()) return;
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

void PrintApproval(const Cli& cli, const api::Approval& a) {
  cli.PrintWith(a, [&] {
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
    WriteRuleAndDecisions(a);
  });
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

void AddReads(CLI::App* approvals, Cli& cli, std::function<void()>& action) {
  OnCall<Approvals>(
      approvals->add_subcommand(
          "inbox",
          "What you (or those you stand in for) can decide, soonest due first"),
      cli, action, [&cli](const Approvals& rpc) {
        api::ListApprovalsRequest req;
        req.set_filter("pending_for = \"me\"");
        auto all = rpc.ListAll(&ApprovalStub::ListApprovals, req);
        cli.Print(all, [&] { return ApprovalsTable(all.approvals()); });
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
  OnCall<Approvals>(list, cli, action, [&cli, lf](const Approvals& rpc) {
    std::vector<std::string> terms;
    if (!lf->state.empty()) {
      terms.push_back("state = " + absl::AsciiStrToUpper(lf->state));
    }
    if (lf->mine) terms.push_back("requester = \"me\"");
    api::ListApprovalsRequest req;
    req.set_filter(JoinFilter(lf->filter, terms));
    auto all = rpc.ListUpTo(
        &ApprovalStub::ListApprovals, req, lf->limit,
        [](api::ListApprovalsResponse* r) { return r->mutable_approvals(); });
    cli.Print(all, [&] { return ApprovalsTable(all.approvals()); });
  });

  auto id = std::make_shared<std::string>();
  auto* show = approvals->add_subcommand(
      "show", "Show the rule, who decided what and who is still needed");
  show->add_option("ID", *id, "Approval id")->required();
  OnCall<Approvals>(show, cli, action, [&cli, id](const Approvals& rpc) {
    api::GetApprovalRequest req;
    req.set_name(ApprovalName(*id));
    PrintApproval(cli, rpc.Call(&ApprovalStub::GetApproval, req));
  });
}

struct RequestFlags {
  std::string subject, title, details, approvers, due, on_deadline, calendar,
      asset_version, request_id;

  void Add(CLI::App* request) {
    request
        ->add_option(
            "--subject", subject,
            "What is decided: projects/P, projects/P/tasks/T or an http(s) URL")
        ->required();
    request->add_option("--title", title, "Title")->required();
    request->add_option("--details", details, "Details for the approvers");
    request
        ->add_option(
            "--approvers", approvers,
            "Groups, all required: team:ID[:N], leads:ID[:N], user:ID, "
            "users:ID+ID[:N], manager; e.g. "
            "team:finance:2,team:legal:1,user:bob")
        ->required();
    request->add_option(
        "--due", due,
        "Deadline: business time (16bh, 3bd) or an RFC 3339 time");
    request
        ->add_option("--on-deadline", on_deadline,
                     "escalate, reject or expire (default)")
        ->check(CLI::IsMember({"escalate", "reject", "expire"}));
    request->add_option(
        "--calendar", calendar,
        "Calendar for business time (default: the first team's)");
    request->add_option("--asset-version", asset_version,
                        "Version of the asset");
    request->add_option(
        "--request-id", request_id,
        "Idempotency key: a retry with the same id changes nothing");
  }
  api::CreateApprovalRequest Request() const {
    api::CreateApprovalRequest req;
    api::Approval* a = req.mutable_approval();
    a->set_subject(subject);
    a->set_title(title);
    a->set_details(details);
    a->set_asset_version(asset_version);
    for (auto& g : ParseApprovers(approvers)) *a->add_groups() = g;
    a->set_due(due);
    if (!calendar.empty()) a->set_calendar(ResourceName("calendars", calendar));
    if (on_deadline == "escalate") {
      a->set_deadline_action(api::Approval::ESCALATE);
    }
    if (on_deadline == "reject") a->set_deadline_action(api::Approval::REJECT);
    if (on_deadline == "expire") a->set_deadline_action(api::Approval::EXPIRE);
    req.set_request_id(request_id);
    return req;
  }
};

void AddChanges(CLI::App* approvals, Cli& cli, std::function<void()>& action) {
  auto rf = std::make_shared<RequestFlags>();
  auto* request = approvals->add_subcommand("request", "Ask for an approval");
  rf->Add(request);
  OnCall<Approvals>(request, cli, action, [&cli, rf](const Approvals& rpc) {
    PrintApproval(cli, rpc.Call(&ApprovalStub::CreateApproval, rf->Request()));
  });

  struct ResubmitFlags {
    std::string id, message, asset_version;
  };
  auto rs = std::make_shared<ResubmitFlags>();
  auto* resubmit = approvals->add_subcommand(
      "resubmit", "After changes were requested: open the next round");
  resubmit->add_option("ID", rs->id, "Approval id")->required();
  resubmit->add_option("-m,--message", rs->message, "What changed");
  resubmit->add_option("--asset-version", rs->asset_version,
                       "The new asset version");
  OnCall<Approvals>(resubmit, cli, action, [&cli, rs](const Approvals& rpc) {
    api::ResubmitApprovalRequest req;
    req.set_name(ApprovalName(rs->id));
    req.set_comment(rs->message);
    req.set_asset_version(rs->asset_version);
    PrintApproval(cli, rpc.Call(&ApprovalStub::ResubmitApproval, req));
  });

  auto id = std::make_shared<std::string>();
  auto* cancel =
      approvals->add_subcommand("cancel", "Cancel (requester or admin)");
  cancel->add_option("ID", *id, "Approval id")->required();
  OnCall<Approvals>(cancel, cli, action, [&cli, id](const Approvals& rpc) {
    api::CancelApprovalRequest req;
    req.set_name(ApprovalName(*id));
    PrintApproval(cli, rpc.Call(&ApprovalStub::CancelApproval, req));
  });
}

// mops approve, reject, request-changes: top-level verbs, as people say
// them.
void AddDecide(CLI::App& app, Cli& cli, std::function<void()>& action,
               const char* verb, const char* help,
               api::Decision::Outcome outcome, bool message_required) {
  struct Flags {
    std::string id, message, on_behalf_of, request_id;
  };
  auto f = std::make_shared<Flags>();
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
  OnCall<Approvals>(cmd, cli, action, [&cli, f, outcome](const Approvals& rpc) {
    api::DecideApprovalRequest req;
    req.set_name(ApprovalName(f->id));
    req.set_outcome(outcome);
    req.set_comment(f->message);
    if (!f->on_behalf_of.empty()) {
      req.set_on_behalf_of(UserName(f->on_behalf_of));
    }
    req.set_request_id(f->request_id);
    PrintApproval(cli, rpc.Call(&ApprovalStub::DecideApproval, req));
  });
}

void PrintDelegation(const api::Delegation& d) {
  std::vector<std::string> parts = absl::StrSplit(d.name(), '/');
  std::cout << "Created " << d.name() << ": " << Id(d.delegate())
            << " decides for " << (parts.size() > 1 ? parts[1] : "?")
            << " from " << FormatTime(d.start_time()) << " until "
            << FormatTime(d.end_time())
            << (d.teams().empty() ? ""
                                  : " for " + absl::StrJoin(d.teams(), ", "))
            << "\n";
}

void AddDelegate(CLI::App& app, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string to, from, until, teams, user = "me", request_id;
  };
  auto f = std::make_shared<Flags>();
  auto* delegate = app.add_subcommand(
      "delegate",
      "Let someone decide approvals in your place for a time window");
  delegate->add_option("--to", f->to, "The delegate's user id")->required();
  delegate->add_option("--from", f->from,
                       "Start, RFC 3339 or YYYY-MM-DD (default: now)");
  delegate->add_option("--until", f->until, "End, RFC 3339 or YYYY-MM-DD")
      ->required();
  delegate->add_option("--teams", f->teams,
                       "Only for these teams' approver groups: t1,t2");
  delegate->add_option("--user", f->user,
                       "Whose place (admins: anyone); default: you");
  delegate->add_option(
      "--request-id", f->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  OnCall<Approvals>(delegate, cli, action, [&cli, f](const Approvals& rpc) {
    api::CreateDelegationRequest req;
    req.set_parent(UserName(f->user));
    req.set_request_id(f->request_id);
    api::Delegation* d = req.mutable_delegation();
    d->set_delegate(UserName(f->to));
    if (!f->from.empty())
      *d->mutable_start_time() = ParseWhen("--from", f->from);
    *d->mutable_end_time() = ParseWhen("--until", f->until);
    for (const std::string& t : std::vector<std::string>(
             absl::StrSplit(f->teams, ',', absl::SkipEmpty()))) {
      d->add_teams(TeamName(t));
    }
    auto out = rpc.Call(&ApprovalStub::CreateDelegation, req);
    cli.PrintWith(out, [&] { PrintDelegation(out); });
  });
}

void AddDelegations(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* delegations = app.add_subcommand("delegations", "Your delegations");
  delegations->require_subcommand(1);
  auto user = std::make_shared<std::string>("me");
  auto* list = delegations->add_subcommand("list", "List delegations");
  list->add_option("--user", *user, "Whose; default: you");
  OnCall<Approvals>(list, cli, action, [&cli, user](const Approvals& rpc) {
    api::ListDelegationsRequest req;
    req.set_parent(UserName(*user));
    auto all = rpc.ListAll(&ApprovalStub::ListDelegations, req);
    cli.Print(all, [&] {
      Table t({"ID", "DELEGATE", "FROM", "UNTIL", "TEAMS"});
      for (const auto& d : all.delegations()) {
        t.AddRow({Id(d.name()), Id(d.delegate()), FormatTime(d.start_time()),
                  FormatTime(d.end_time()),
                  d.teams().empty() ? "all" : absl::StrJoin(d.teams(), ",")});
      }
      return t;
    });
  });

  struct DeleteFlags {
    std::string id, user = "me";
  };
  auto f = std::make_shared<DeleteFlags>();
  auto* del = delegations->add_subcommand("delete", "Delete a delegation");
  del->add_option("ID", f->id, "Delegation id")->required();
  del->add_option("--user", f->user, "Whose; default: you");
  OnCall<Approvals>(del, cli, action, [&cli, f](const Approvals& rpc) {
    api::DeleteDelegationRequest req;
    req.set_name(ChildName(UserName(f->user), "delegations", f->id));
    cli.PrintDone(rpc.Call(&ApprovalStub::DeleteDelegation, req),
                  "Deleted " + req.name() + "\n");
  });
}

}  // namespace

void AddApprovals(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* approvals =
      app.add_subcommand("approvals", "Approval requests and your inbox");
  approvals->require_subcommand(1);
  AddReads(approvals, cli, action);
  AddChanges(approvals, cli, action);
  AddDecide(app, cli, action, "approve", "Approve an approval",
            api::Decision::APPROVE, false);
  AddDecide(app, cli, action, "reject", "Reject an approval (needs -m)",
            api::Decision::REJECT, true);
  AddDecide(app, cli, action, "request-changes",
            "Ask the requester for changes (needs -m)",
            api::Decision::REQUEST_CHANGES, true);
  AddDelegate(app, cli, action);
  AddDelegations(app, cli, action);
}

}  // namespace mops::cli

// mops project ...: objectives, budgets, owning teams.
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Projects = Rpc<api::ProjectService>;
using ProjectStub = api::ProjectService::Stub;

// Minor units per major unit by ISO 4217 exponent.
int CurrencyDigits(const std::string& code) {
  static const std::set<std::string> kZero = {"JPY", "KRW", "CLP", "VND",
                                              "ISK", "UGX", "XAF", "XOF"};
  static const std::set<std::string> kThree = {"BHD", "KWD", "OMR", "JOD",
                                               "TND", "LYD", "IQD"};
  if (kZero.count(code)) return 0;
  if (kThree.count(code)) return 3;
  return 2;
}

// "50000 EUR" or "1250.50 USD".
api::Money ParseMoney(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, ' ', absl::SkipEmpty());
  double amount = 0;
  if (parts.size() != 2 || !absl::SimpleAtod(parts[0], &amount) || amount < 0) {
    throw CliError{kExitUsage, "--budget: \"" + text +
                                   "\" is not an amount and currency such as "
                                   "\"50000 EUR\""};
  }
  api::Money m;
  m.set_currency_code(absl::AsciiStrToUpper(parts[1]));
  m.set_amount_minor(static_cast<int64_t>(
      std::llround(amount * std::pow(10, CurrencyDigits(m.currency_code())))));
  return m;
}

std::string FormatMoney(const api::Money& m) {
  if (m.currency_code().empty()) return "-";
  int digits = CurrencyDigits(m.currency_code());
  int64_t scale = static_cast<int64_t>(std::pow(10, digits));
  std::string out = absl::StrCat(m.amount_minor() / scale);
  if (digits > 0) {
    std::string frac = absl::StrCat(m.amount_minor() % scale);
    out += "." + std::string(digits - frac.size(), '0') + frac;
  }
  return out + " " + m.currency_code();
}

Table ProjectsTable(
    const google::protobuf::RepeatedPtrField<api::Project>& projects) {
  Table t({"ID", "TITLE", "TEAM", "STATE", "OWNER", "END", "BUDGET"});
  for (const auto& p : projects) {
    t.AddRow({Id(p.name()), p.title(), Id(p.team()),
              EnumName(api::Project::State_Name(p.state())), Id(p.owner()),
              p.end_date().empty() ? "-" : p.end_date(),
              p.has_budget() ? FormatMoney(p.budget()) : "-"});
  }
  return t;
}

api::Project::State ParseProjectState(const std::string& s) {
  api::Project::State state;
  if (!api::Project::State_Parse(absl::AsciiStrToUpper(s), &state) ||
      state == api::Project::STATE_UNSPECIFIED) {
    throw CliError{kExitUsage,
                   "--state must be planned, active, on_hold, completed "
                   "or cancelled"};
  }
  return state;
}

// The project fields shared by create and update, with their flags.
struct ProjectFlags {
  std::string id, title, description, team, owner, objective, state, start, end,
      budget, request_id;
  std::vector<std::string> kpis, labels;
  // By field path, the flags the user may give.
  std::map<std::string, CLI::Option*> opts;

  void Add(CLI::App* cmd) {
    opts["title"] = cmd->add_option("--title", title, "Title");
    opts["description"] =
        cmd->add_option("--description", description, "Description");
    opts["team"] = cmd->add_option("--team", team, "Owning team id");
    opts["owner"] =
        cmd->add_option("--owner", owner, "Owner user id (default: you)");
    opts["objective"] =
        cmd->add_option("--objective", objective, "Business objective");
    opts["kpis"] =
        cmd->add_option("--kpi", kpis, "KPI it should move (repeatable)");
    opts["state"] = cmd->add_option(
        "--state", state, "planned, active, on_hold, completed, cancelled");
    opts["start_date"] =
        cmd->add_option("--start", start, "Start date, YYYY-MM-DD");
    opts["end_date"] = cmd->add_option("--end", end, "End date, YYYY-MM-DD");
    opts["budget"] = cmd->add_option("--budget", budget,
                                     "Planned budget, e.g. \"50000 EUR\"");
    opts["labels"] = cmd->add_option("--label", labels, "Label (repeatable)");
  }
  // Fills the project from the flags given; returns their field paths.
  std::vector<std::string> Fill(api::Project* p) const {
    std::vector<std::string> paths;
    for (const auto& [path, opt] : opts) {
      if (opt->count() == 0) continue;
      paths.push_back(path);
      if (path == "title") p->set_title(title);
      if (path == "description") p->set_description(description);
      if (path == "team") p->set_team(TeamName(team));
      if (path == "owner") p->set_owner(UserName(owner));
      if (path == "objective") p->set_objective(objective);
      if (path == "kpis") *p->mutable_kpis() = {kpis.begin(), kpis.end()};
      if (path == "state") p->set_state(ParseProjectState(state));
      if (path == "start_date") p->set_start_date(start);
      if (path == "end_date") p->set_end_date(end);
      if (path == "budget") *p->mutable_budget() = ParseMoney(budget);
      if (path == "labels") {
        *p->mutable_labels() = {labels.begin(), labels.end()};
      }
    }
    return paths;
  }
};

void AddCreate(CLI::App* project, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<ProjectFlags>();
  auto* create = project->add_subcommand(
      "create", "Create a project (admins, team members)");
  create->add_option("ID", f->id,
                     "Project id; the server picks one when omitted");
  f->Add(create);
  f->opts["title"]->required();
  f->opts["team"]->required();
  create->add_option(
      "--request-id", f->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  OnCall<Projects>(create, cli, action, [&cli, f](const Projects& rpc) {
    api::CreateProjectRequest req;
    req.set_project_id(f->id);
    req.set_request_id(f->request_id);
    f->Fill(req.mutable_project());
    cli.PrintOne(rpc.Call(&ProjectStub::CreateProject, req), ProjectsTable);
  });
}

void AddList(CLI::App* project, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string filter, order_by, state, team;
    int limit = kDefaultListLimit;
  };
  auto f = std::make_shared<Flags>();
  auto* list = project->add_subcommand("list", "List projects");
  list->add_option(
      "--filter", f->filter,
      "AIP-160 filter on state, team, owner, labels, title, create_time");
  list->add_option("--order-by", f->order_by,
                   "create_time (default), title or end_date [desc]");
  list->add_option("--state", f->state, "Only this state");
  list->add_option("--team", f->team, "Only this owning team");
  AddLimitFlag(list, &f->limit);
  OnCall<Projects>(list, cli, action, [&cli, f](const Projects& rpc) {
    std::vector<std::string> terms;
    if (!f->state.empty()) {
      terms.push_back("state = " + absl::AsciiStrToUpper(f->state));
    }
    if (!f->team.empty()) {
      terms.push_back("team = \"" + TeamName(f->team) + "\"");
    }
    api::ListProjectsRequest req;
    req.set_filter(JoinFilter(f->filter, terms));
    req.set_order_by(f->order_by);
    auto all = rpc.ListUpTo(
        &ProjectStub::ListProjects, req, f->limit,
        [](api::ListProjectsResponse* r) { return r->mutable_projects(); });
    cli.Print(all, [&] { return ProjectsTable(all.projects()); });
  });
}

void PrintProject(const api::Project& p) {
  std::cout << ProjectsTable(One(p)).Render();
  if (!p.objective().empty()) {
    std::cout << "\nobjective: " << p.objective() << "\n";
  }
  if (!p.kpis().empty()) {
    std::cout << "kpis: " << absl::StrJoin(p.kpis(), ", ") << "\n";
  }
  if (!p.labels().empty()) {
    std::cout << "labels: " << absl::StrJoin(p.labels(), ", ") << "\n";
  }
  if (!p.description().empty()) std::cout << "\n" << p.description() << "\n";
}

void AddGet(CLI::App* project, Cli& cli, std::function<void()>& action) {
  auto id = std::make_shared<std::string>();
  auto* get = project->add_subcommand("get", "Show a project");
  get->add_option("ID", *id, "Project id")->required();
  OnCall<Projects>(get, cli, action, [&cli, id](const Projects& rpc) {
    api::GetProjectRequest req;
    req.set_name(ProjectName(*id));
    auto p = rpc.Call(&ProjectStub::GetProject, req);
    cli.PrintWith(p, [&] { PrintProject(p); });
  });
}

void AddUpdate(CLI::App* project, Cli& cli, std::function<void()>& action) {
  auto* update = project->add_subcommand("update", "Change a project's fields");
  auto f = std::make_shared<ProjectFlags>();
  update->add_option("ID", f->id, "Project id")->required();
  f->Add(update);
  OnCall<Projects>(update, cli, action, [&cli, f](const Projects& rpc) {
    api::UpdateProjectRequest req;
    req.mutable_project()->set_name(ProjectName(f->id));
    for (const std::string& path : f->Fill(req.mutable_project())) {
      req.mutable_update_mask()->add_paths(path);
    }
    if (req.update_mask().paths().empty()) {
      throw CliError{kExitUsage,
                     "nothing to update: give at least one field flag"};
    }
    cli.PrintOne(rpc.Call(&ProjectStub::UpdateProject, req), ProjectsTable);
  });
}

void AddDelete(CLI::App* project, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id;
    bool force = false;
  };
  auto f = std::make_shared<Flags>();
  auto* del =
      project->add_subcommand("delete", "Delete a project and its tasks");
  del->add_option("ID", f->id, "Project id")->required();
  del->add_flag("--force", f->force, "Delete even while tasks are open");
  OnCall<Projects>(del, cli, action, [&cli, f](const Projects& rpc) {
    api::DeleteProjectRequest req;
    req.set_name(ProjectName(f->id));
    req.set_force(f->force);
    auto resp = rpc.Call(&ProjectStub::DeleteProject, req);
    cli.PrintDone(resp, "Deleted " + req.name() + " and " +
                            std::to_string(resp.deleted_tasks()) +
                            " task(s)\n");
  });
}

}  // namespace

void AddProject(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* project = app.add_subcommand(
      "project", "Projects: objectives, budgets, owning teams");
  project->require_subcommand(1);
  AddCreate(project, cli, action);
  AddList(project, cli, action);
  AddGet(project, cli, action);
  AddUpdate(project, cli, action);
  AddDelete(project, cli, action);
}

}  // namespace mops::cli

// mops project ... and mops task ...
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::cli {

namespace api = ::mops::v1;

std::string UserName(const std::string& id) {
  return id.find('/') == std::string::npos ? "users/" + id : id;
}
std::string TeamName(const std::string& id) {
  return id.find('/') == std::string::npos ? "teams/" + id : id;
}

std::string JoinFilter(const std::string& user_filter,
                       const std::vector<std::string>& terms) {
  std::vector<std::string> all;
  if (!user_filter.empty()) {
    all.push_back(terms.empty() ? user_filter : "(" + user_filter + ")");
  }
  all.insert(all.end(), terms.begin(), terms.end());
  return absl::StrJoin(all, " AND ");
}

namespace {

using Timestamp = google::protobuf::Timestamp;

std::string ProjectName(const std::string& id) {
  return id.find('/') == std::string::npos ? "projects/" + id : id;
}

// "projects/p/tasks/t" or the short "p/t".
std::string TaskName(const std::string& id) {
  if (id.rfind("projects/", 0) == 0) return id;
  std::vector<std::string> parts = absl::StrSplit(id, '/');
  if (parts.size() != 2) {
    throw CliError{kExitUsage, "task \"" + id +
                                   "\" is not PROJECT/TASK or "
                                   "projects/PROJECT/tasks/TASK"};
  }
  return "projects/" + parts[0] + "/tasks/" + parts[1];
}

// "projects/p/tasks/t" -> "p/t" for tables.
std::string ShortTask(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  return parts.size() == 4 ? parts[1] + "/" + parts[3] : name;
}

// "7d", "12h", "30m", "2w", "45s".
absl::Duration ParseSpan(const std::string& flag, const std::string& text) {
  int64_t n = 0;
  std::string unit = text.empty() ? "" : text.substr(text.size() - 1);
  static const std::map<std::string, absl::Duration> kUnits = {
      {"s", absl::Seconds(1)},
      {"m", absl::Minutes(1)},
      {"h", absl::Hours(1)},
      {"d", absl::Hours(24)},
      {"w", absl::Hours(24 * 7)}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end() ||
      !absl::SimpleAtoi(text.substr(0, text.size() - 1), &n) || n < 0) {
    throw CliError{
        kExitUsage,
        flag + ": \"" + text + "\" is not a duration such as 7d, 12h, 30m, 2w"};
  }
  return n * it->second;
}

}  // namespace

// RFC 3339 ("2026-12-01T17:00:00Z") or a date ("2026-12-01", midnight UTC).
Timestamp ParseWhen(const std::string& flag, const std::string& text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err) &&
      !absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    throw CliError{kExitUsage,
                   flag + ": \"" + text +
                       "\" is not a time such as 2026-12-01T17:00:00Z "
                       "or a date such as 2026-12-01"};
  }
  Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

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

}  // namespace

std::string RelativeTime(int64_t seconds_from_now) {
  absl::Duration d = absl::Seconds(seconds_from_now);
  absl::Duration a = absl::AbsDuration(d);
  std::string amount;
  if (a < absl::Minutes(1)) return "now";
  if (a < absl::Hours(1)) {
    amount = absl::StrCat(absl::ToInt64Minutes(a), "m");
  } else if (a < absl::Hours(48)) {
    amount = absl::StrCat(absl::ToInt64Hours(a), "h");
  } else {
    amount = absl::StrCat(absl::ToInt64Hours(a) / 24, "d");
  }
  return d > absl::ZeroDuration() ? "in " + amount : amount + " overdue";
}

namespace {

bool IsOpen(api::Task::State s) {
  return s != api::Task::DONE && s != api::Task::CANCELLED;
}

// A table of tasks with due times relative to now; overdue rows are marked
// (red on a terminal).
void PrintTasks(const Cli& cli, const google::protobuf::Message& message,
                const google::protobuf::RepeatedPtrField<api::Task>& tasks) {
  if (cli.format() == Format::kJson) {
    std::cout << ToJson(message);
    return;
  }
  const absl::Time now = absl::Now();
  Table t({"TASK", "TITLE", "STATE", "PRI", "ASSIGNEE", "DUE"});
  std::vector<bool> overdue;
  for (const auto& task : tasks) {
    std::string due = "-";
    bool late = false;
    if (task.has_due_time()) {
      absl::Time at = absl::FromUnixSeconds(task.due_time().seconds());
      if (IsOpen(task.state())) {
        due = RelativeTime(absl::ToInt64Seconds(at - now));
        late = at < now;
      } else {
        due = absl::FormatTime("%Y-%m-%d", at, absl::UTCTimeZone());
      }
    }
    std::string title = Truncate(task.title(), 40);
    t.AddRow({ShortTask(task.name()), title,
              EnumName(api::Task::State_Name(task.state())),
              api::Task::Priority_Name(task.priority()),
              task.assignee().empty() ? "-" : Id(task.assignee()), due});
    overdue.push_back(late);
  }
  std::string out = t.Render();
  if (!UseColor()) {
    std::cout << out;
    return;
  }
  // Colour overdue lines (line 0 is the header).
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    bool red = i >= 1 && i - 1 < overdue.size() && overdue[i - 1];
    std::cout << (red ? "\033[31m" + lines[i] + "\033[0m" : lines[i]) << "\n";
  }
}

void PrintTaskDetail(const Cli& cli, const api::Task& task) {
  if (cli.format() == Format::kJson) {
    std::cout << ToJson(task);
    return;
  }
  google::protobuf::RepeatedPtrField<api::Task> one;
  *one.Add() = task;
  PrintTasks(cli, task, one);
  if (!task.description().empty())
    std::cout << "\n" << task.description() << "\n";
  if (!task.dependencies().empty()) {
    std::cout << "\ndepends on: " << absl::StrJoin(task.dependencies(), ", ")
              << "\n";
  }
  if (!task.blocked_reason().empty()) {
    std::cout << "blocked: " << task.blocked_reason() << "\n";
  }
  if (!task.labels().empty()) {
    std::cout << "labels: " << absl::StrJoin(task.labels(), ", ") << "\n";
  }
  for (const auto& c : task.comments()) {
    std::cout << "\n"
              << Id(c.author()) << ", " << FormatTime(c.create_time())
              << ":\n  " << c.text() << "\n";
  }
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

api::Task::Priority ParsePriority(const std::string& s) {
  api::Task::Priority p;
  if (!api::Task::Priority_Parse(absl::AsciiStrToUpper(s), &p) ||
      p == api::Task::PRIORITY_UNSPECIFIED) {
    throw CliError{kExitUsage, "--priority must be P0, P1, P2 or P3"};
  }
  return p;
}

// The project fields shared by create and update, with their flags.
struct ProjectFlags {
  std::string id, title, description, team, owner, objective, state, start, end,
      budget, request_id, filter, order_by;
  std::vector<std::string> kpis, labels;
  bool force = false;
  int limit = kDefaultListLimit;
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
      if (path == "labels")
        *p->mutable_labels() = {labels.begin(), labels.end()};
    }
    return paths;
  }
};

struct TaskFlags {
  std::string project, id, title, description, team, assignee, priority, due,
      start, estimate, request_id;
  std::vector<std::string> labels, fields, depends_on;
  std::map<std::string, CLI::Option*> opts;

  void Add(CLI::App* cmd) {
    opts["title"] = cmd->add_option("--title", title, "Title");
    opts["description"] =
        cmd->add_option("--description", description, "Description");
    opts["team"] =
        cmd->add_option("--team", team, "Team id (default: the project's)");
    opts["assignee"] =
        cmd->add_option("--assignee", assignee, "Assignee user id");
    opts["priority"] =
        cmd->add_option("--priority", priority, "P0 (highest) to P3");
    opts["due_time"] =
        cmd->add_option("--due", due, "Due time, RFC 3339 or YYYY-MM-DD");
    opts["start_time"] =
        cmd->add_option("--start", start, "Start time, RFC 3339 or YYYY-MM-DD");
    opts["estimate"] =
        cmd->add_option("--estimate", estimate, "Effort, e.g. 4h, 2d");
    opts["labels"] = cmd->add_option("--label", labels, "Label (repeatable)");
    opts["custom_fields"] = cmd->add_option(
        "--field", fields, "Custom field KEY=VALUE (repeatable)");
    opts["dependencies"] = cmd->add_option(
        "--depends-on", depends_on,
        "Task that must be done first, PROJECT/TASK (repeatable)");
  }
  std::vector<std::string> Fill(api::Task* t) const {
    std::vector<std::string> paths;
    for (const auto& [path, opt] : opts) {
      if (opt->count() == 0) continue;
      paths.push_back(path);
      if (path == "title") t->set_title(title);
      if (path == "description") t->set_description(description);
      if (path == "team") t->set_team(team.empty() ? "" : TeamName(team));
      if (path == "assignee")
        t->set_assignee(assignee.empty() ? "" : UserName(assignee));
      if (path == "priority") t->set_priority(ParsePriority(priority));
      if (path == "due_time" && !due.empty())
        *t->mutable_due_time() = ParseWhen("--due", due);
      if (path == "start_time" && !start.empty()) {
        *t->mutable_start_time() = ParseWhen("--start", start);
      }
      if (path == "estimate" && !estimate.empty()) {
        t->mutable_estimate()->set_seconds(
            absl::ToInt64Seconds(ParseSpan("--estimate", estimate)));
      }
      if (path == "labels")
        *t->mutable_labels() = {labels.begin(), labels.end()};
      if (path == "custom_fields") {
        for (const std::string& f : fields) {
          size_t eq = f.find('=');
          if (eq == std::string::npos || eq == 0) {
            throw CliError{kExitUsage,
                           "--field: \"" + f + "\" is not KEY=VALUE"};
          }
          (*t->mutable_custom_fields())[f.substr(0, eq)] = f.substr(eq + 1);
        }
      }
      if (path == "dependencies") {
        for (const std::string& d : depends_on)
          t->add_dependencies(TaskName(d));
      }
    }
    return paths;
  }
};

}  // namespace

void AddProject(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* project = app.add_subcommand(
      "project", "Projects: objectives, budgets, owning teams");
  project->require_subcommand(1);
  auto stub = [](const Client& c) {
    return api::ProjectService::NewStub(c.channel());
  };
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
  create->callback([&, f, stub] {
    action = [&, f, stub] {
      Client client(cli.flags);
      api::CreateProjectRequest req;
      req.set_project_id(f->id);
      req.set_request_id(f->request_id);
      f->Fill(req.mutable_project());
      api::Project p;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateProject(ctx.get(), req, &p));
      cli.Print(p, [&] { return ProjectsTable(One(p)); });
    };
  });

  auto* list = project->add_subcommand("list", "List projects");
  list->add_option(
      "--filter", f->filter,
      "AIP-160 filter on state, team, owner, labels, title, create_time");
  list->add_option("--order-by", f->order_by,
                   "create_time (default), title or end_date [desc]");
  list->add_option("--state", f->state, "Only this state");
  list->add_option("--team", f->team, "Only this owning team");
  AddLimitFlag(list, &f->limit);
  list->callback([&, f, stub] {
    action = [&, f, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      std::vector<std::string> terms;
      if (!f->state.empty())
        terms.push_back("state = " + absl::AsciiStrToUpper(f->state));
      if (!f->team.empty())
        terms.push_back("team = \"" + TeamName(f->team) + "\"");
      api::ListProjectsRequest req;
      req.set_filter(JoinFilter(f->filter, terms));
      req.set_order_by(f->order_by);
      auto all = ListUpTo<api::ListProjectsResponse>(
          client, req, f->limit,
          [](api::ListProjectsResponse* r) { return r->mutable_projects(); },
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListProjects(ctx, r, resp);
          });
      cli.Print(all, [&] { return ProjectsTable(all.projects()); });
    };
  });

  auto* get = project->add_subcommand("get", "Show a project");
  get->add_option("ID", f->id, "Project id")->required();
  get->callback([&, f, stub] {
    action = [&, f, stub] {
      Client client(cli.flags);
      api::GetProjectRequest req;
      req.set_name(ProjectName(f->id));
      api::Project p;
      auto ctx = client.NewContext();
      client.Check(stub(client)->GetProject(ctx.get(), req, &p));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(p);
        return;
      }
      std::cout << ProjectsTable(One(p)).Render();
      if (!p.objective().empty())
        std::cout << "\nobjective: " << p.objective() << "\n";
      if (!p.kpis().empty())
        std::cout << "kpis: " << absl::StrJoin(p.kpis(), ", ") << "\n";
      if (!p.labels().empty())
        std::cout << "labels: " << absl::StrJoin(p.labels(), ", ") << "\n";
      if (!p.description().empty())
        std::cout << "\n" << p.description() << "\n";
    };
  });

  auto* update = project->add_subcommand("update", "Change a project's fields");
  update->add_option("ID", f->id, "Project id")->required();
  auto uf = std::make_shared<ProjectFlags>();
  uf->Add(update);
  update->callback([&, f, uf, stub] {
    action = [&, f, uf, stub] {
      Client client(cli.flags);
      api::UpdateProjectRequest req;
      req.mutable_project()->set_name(ProjectName(f->id));
      for (const std::string& path : uf->Fill(req.mutable_project())) {
        req.mutable_update_mask()->add_paths(path);
      }
      if (req.update_mask().paths().empty()) {
        throw CliError{kExitUsage,
                       "nothing to update: give at least one field flag"};
      }
      api::Project p;
      auto ctx = client.NewContext();
      client.Check(stub(client)->UpdateProject(ctx.get(), req, &p));
      cli.Print(p, [&] { return ProjectsTable(One(p)); });
    };
  });

  auto* del =
      project->add_subcommand("delete", "Delete a project and its tasks");
  del->add_option("ID", f->id, "Project id")->required();
  del->add_flag("--force", f->force, "Delete even while tasks are open");
  del->callback([&, f, stub] {
    action = [&, f, stub] {
      Client client(cli.flags);
      api::DeleteProjectRequest req;
      req.set_name(ProjectName(f->id));
      req.set_force(f->force);
      api::DeleteProjectResponse resp;
      auto ctx = client.NewContext();
      client.Check(stub(client)->DeleteProject(ctx.get(), req, &resp));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(resp);
      } else {
        std::cout << "Deleted " << req.name() << " and " << resp.deleted_tasks()
                  << " task(s)\n";
      }
    };
  });
}

void AddTask(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* task = app.add_subcommand("task", "Tasks: the unit of work");
  task->require_subcommand(1);
  auto stub = [](const Client& c) {
    return api::TaskService::NewStub(c.channel());
  };

  auto cf = std::make_shared<TaskFlags>();
  auto* create = task->add_subcommand("create", "Create a task in a project");
  create->add_option("--project", cf->project, "Project id")->required();
  create->add_option("--id", cf->id,
                     "Task id; the server picks one when omitted");
  cf->Add(create);
  cf->opts["title"]->required();
  create->add_option(
      "--request-id", cf->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  create->callback([&, cf, stub] {
    action = [&, cf, stub] {
      Client client(cli.flags);
      api::CreateTaskRequest req;
      req.set_parent(ProjectName(cf->project));
      req.set_task_id(cf->id);
      req.set_request_id(cf->request_id);
      cf->Fill(req.mutable_task());
      api::Task t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CreateTask(ctx.get(), req, &t));
      PrintTaskDetail(cli, t);
    };
  });

  struct ListFlags {
    std::string project, filter, order_by, due_within, team, assignee, state,
        label;
    bool mine = false, open = false;
    int limit = kDefaultListLimit;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = task->add_subcommand(
      "list",
      "List tasks; the shortcut flags become an AIP-160 filter, joined by AND");
  list->add_option("--project", lf->project,
                   "Only this project (default: every project)");
  list->add_option(
      "--filter", lf->filter,
      "AIP-160 filter on state, assignee, team, priority, labels, project, "
      "due_time, create_time");
  list->add_option("--order-by", lf->order_by,
                   "due_time (default), priority or create_time [desc]");
  list->add_flag("--mine", lf->mine, "Assigned to me");
  list->add_flag("--open", lf->open, "Not done or cancelled");
  list->add_option("--due-within", lf->due_within,
                   "Due within this span from now (includes overdue), e.g. 7d");
  list->add_option("--team", lf->team, "Of this team");
  list->add_option("--assignee", lf->assignee, "Assigned to this user");
  list->add_option(
      "--state", lf->state,
      "In this state (todo, in_progress, blocked, done, cancelled)");
  list->add_option("--label", lf->label, "With this label");
  AddLimitFlag(list, &lf->limit);
  list->callback([&, lf, stub] {
    action = [&, lf, stub] {
      Client client(cli.flags);
      auto s = stub(client);
      std::vector<std::string> terms;
      if (lf->mine) terms.push_back("assignee = \"me\"");
      if (!lf->assignee.empty())
        terms.push_back("assignee = \"" + UserName(lf->assignee) + "\"");
      if (!lf->team.empty())
        terms.push_back("team = \"" + TeamName(lf->team) + "\"");
      if (lf->open) terms.push_back("state != DONE AND state != CANCELLED");
      if (!lf->state.empty())
        terms.push_back("state = " + absl::AsciiStrToUpper(lf->state));
      if (!lf->label.empty()) terms.push_back("labels:\"" + lf->label + "\"");
      if (!lf->due_within.empty()) {
        absl::Time until =
            absl::Now() + ParseSpan("--due-within", lf->due_within);
        terms.push_back("due_time <= \"" + Rfc3339(until) + "\"");
      }
      api::ListTasksRequest req;
      req.set_parent(lf->project.empty() ? "projects/-"
                                         : ProjectName(lf->project));
      req.set_filter(JoinFilter(lf->filter, terms));
      req.set_order_by(lf->order_by);
      auto all = ListUpTo<api::ListTasksResponse>(
          client, req, lf->limit,
          [](api::ListTasksResponse* r) { return r->mutable_tasks(); },
          [&](grpc::ClientContext* ctx, const auto& r, auto* resp) {
            return s->ListTasks(ctx, r, resp);
          });
      PrintTasks(cli, all, all.tasks());
    };
  });

  auto name = std::make_shared<std::string>();
  auto* get = task->add_subcommand("get", "Show a task with its comments");
  get->add_option("TASK", *name, "PROJECT/TASK or projects/P/tasks/T")
      ->required();
  get->callback([&, name, stub] {
    action = [&, name, stub] {
      Client client(cli.flags);
      api::GetTaskRequest req;
      req.set_name(TaskName(*name));
      api::Task t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->GetTask(ctx.get(), req, &t));
      PrintTaskDetail(cli, t);
    };
  });

  auto uf = std::make_shared<TaskFlags>();
  auto* update = task->add_subcommand("update", "Change a task's fields");
  update->add_option("TASK", *name, "PROJECT/TASK")->required();
  uf->Add(update);
  update->callback([&, name, uf, stub] {
    action = [&, name, uf, stub] {
      Client client(cli.flags);
      api::UpdateTaskRequest req;
      req.mutable_task()->set_name(TaskName(*name));
      for (const std::string& path : uf->Fill(req.mutable_task())) {
        req.mutable_update_mask()->add_paths(path);
      }
      if (req.update_mask().paths().empty()) {
        throw CliError{kExitUsage,
                       "nothing to update: give at least one field flag"};
      }
      api::Task t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->UpdateTask(ctx.get(), req, &t));
      PrintTaskDetail(cli, t);
    };
  });

  using Method = grpc::Status (api::TaskService::Stub::*)(
      grpc::ClientContext*, const api::TaskActionRequest&, api::Task*);
  auto request_id = std::make_shared<std::string>();
  const std::vector<std::tuple<const char*, const char*, Method>> actions = {
      {"start", "Start a task (its dependencies must be done)",
       &api::TaskService::Stub::StartTask},
      {"done", "Complete a task (its dependencies must be done)",
       &api::TaskService::Stub::CompleteTask},
      {"reopen", "Reopen a done or cancelled task",
       &api::TaskService::Stub::ReopenTask},
      {"cancel", "Cancel a task", &api::TaskService::Stub::CancelTask},
  };
  for (const auto& [verb, help, method] : actions) {
    auto* cmd = task->add_subcommand(verb, help);
    cmd->add_option("TASK", *name, "PROJECT/TASK")->required();
    cmd->add_option("--request-id", *request_id, "Idempotency key");
    Method m = method;
    cmd->callback([&, name, request_id, stub, m] {
      action = [&, name, request_id, stub, m] {
        Client client(cli.flags);
        api::TaskActionRequest req;
        req.set_name(TaskName(*name));
        req.set_request_id(*request_id);
        api::Task t;
        auto ctx = client.NewContext();
        auto s = stub(client);
        client.Check(((*s).*m)(ctx.get(), req, &t));
        PrintTaskDetail(cli, t);
      };
    });
  }

  auto reason = std::make_shared<std::string>();
  auto* block =
      task->add_subcommand("block", "Mark a task blocked, with the reason");
  block->add_option("TASK", *name, "PROJECT/TASK")->required();
  block->add_option("-m,--reason", *reason, "Why it is blocked")->required();
  block->callback([&, name, reason, stub] {
    action = [&, name, reason, stub] {
      Client client(cli.flags);
      api::BlockTaskRequest req;
      req.set_name(TaskName(*name));
      req.set_reason(*reason);
      api::Task t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->BlockTask(ctx.get(), req, &t));
      PrintTaskDetail(cli, t);
    };
  });

  auto* comment = task->add_subcommand("comment", "Add a comment to a task");
  comment->add_option("TASK", *name, "PROJECT/TASK")->required();
  comment->add_option("-m,--message", *reason, "The comment")->required();
  comment->callback([&, name, reason, stub] {
    action = [&, name, reason, stub] {
      Client client(cli.flags);
      api::CommentTaskRequest req;
      req.set_name(TaskName(*name));
      req.set_text(*reason);
      api::Task t;
      auto ctx = client.NewContext();
      client.Check(stub(client)->CommentTask(ctx.get(), req, &t));
      PrintTaskDetail(cli, t);
    };
  });

  auto del_name = std::make_shared<std::string>();
  auto* del = task->add_subcommand("delete", "Delete a task");
  del->add_option("TASK", *del_name, "PROJECT/TASK")->required();
  del->callback([&, del_name, stub] {
    action = [&, del_name, stub] {
      Client client(cli.flags);
      api::DeleteTaskRequest req;
      req.set_name(TaskName(*del_name));
      api::DeleteTaskResponse resp;
      auto ctx = client.NewContext();
      client.Check(stub(client)->DeleteTask(ctx.get(), req, &resp));
      if (cli.format() == Format::kJson) {
        std::cout << ToJson(resp);
      } else {
        std::cout << "Deleted " << req.name() << "\n";
      }
    };
  });
}

}  // namespace mops::cli

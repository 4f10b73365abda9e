// mops task ...: the unit of work.
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "mops/v1/projects.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Tasks = Rpc<api::TaskService>;
using TaskStub = api::TaskService::Stub;

// "projects/p/tasks/t" -> "p/t" for tables.
std::string ShortTask(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  return parts.size() == 4 ? parts[1] + "/" + parts[3] : name;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

bool IsOpen(api::Task::State s) {
  return s != api::Task::DONE && s != api::Task::CANCELLED;
}

// Writes the table; overdue rows in red on a terminal (line 0 is the
// header).
void WriteTasksTable(const Table& table, const std::vector<bool>& overdue) {
  std::string out = table.Render();
  if (!UseColor()) {
    std::cout << out;
    return;
  }
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    bool red = i >= 1 && i - 1 < overdue.size() && overdue[i - 1];
    std::cout << (red ? "\033[31m" + lines[i] + "\033[0m" : lines[i]) << "\n";
  }
}

// The JSON of `message`, or a table of `tasks` with due times relative to
// now, overdue rows marked.
void PrintTasks(const Cli& cli, const google::protobuf::Message& message,
                const google::protobuf::RepeatedPtrField<api::Task>& tasks) {
  cli.PrintWith(message, [&] {
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
      t.AddRow({ShortTask(task.name()), Truncate(task.title(), 40),
                EnumName(api::Task::State_Name(task.state())),
                api::Task::Priority_Name(task.priority()),
                task.assignee().empty() ? "-" : Id(task.assignee()), due});
      overdue.push_back(late);
    }
    WriteTasksTable(t, overdue);
  });
}

// One task: its row, then its description, dependencies, labels and
// comments.
void PrintTask(const Cli& cli, const api::Task& task) {
  cli.PrintWith(task, [&] {
    PrintTasks(cli, task, One(task));
    if (!task.description().empty()) {
      std::cout << "\n" << task.description() << "\n";
    }
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
  });
}

api::Task::Priority ParsePriority(const std::string& s) {
  api::Task::Priority p;
  if (!api::Task::Priority_Parse(absl::AsciiStrToUpper(s), &p) ||
      p == api::Task::PRIORITY_UNSPECIFIED) {
    throw CliError{kExitUsage, "--priority must be P0, P1, P2 or P3"};
  }
  return p;
}

// "KEY=VALUE" flags into the task's custom fields.
void FillCustomFields(const std::vector<std::string>& fields, api::Task* t) {
  for (const std::string& f : fields) {
    size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw CliError{kExitUsage, "--field: \"" + f + "\" is not KEY=VALUE"};
    }
    (*t->mutable_custom_fields())[f.substr(0, eq)] = f.substr(eq + 1);
  }
}

// The task fields shared by create and update, with their flags.
struct TaskFlags {
  std::string project, id, title, description, team, assignee, priority, due,
      start, estimate, request_id;
  std::vector<std::string> labels, fields, depends_on;
  // By field path, the flags the user may give.
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
  // Fills the task from the flags given; returns their field paths. An
  // empty value clears the field.
  std::vector<std::string> Fill(api::Task* t) const {
    std::vector<std::string> paths;
    for (const auto& [path, opt] : opts) {
      if (opt->count() == 0) continue;
      paths.push_back(path);
      if (path == "title") t->set_title(title);
      if (path == "description") t->set_description(description);
      if (path == "team") t->set_team(team.empty() ? "" : TeamName(team));
      if (path == "assignee") {
        t->set_assignee(assignee.empty() ? "" : UserName(assignee));
      }
      if (path == "priority") t->set_priority(ParsePriority(priority));
      if (path == "due_time" && !due.empty()) {
        *t->mutable_due_time() = ParseWhen("--due", due);
      }
      if (path == "start_time" && !start.empty()) {
        *t->mutable_start_time() = ParseWhen("--start", start);
      }
      if (path == "estimate" && !estimate.empty()) {
        t->mutable_estimate()->set_seconds(absl::ToInt64Seconds(
            ParseDuration("--estimate", estimate, kSpanSyntax)));
      }
      if (path == "labels") {
        *t->mutable_labels() = {labels.begin(), labels.end()};
      }
      if (path == "custom_fields") FillCustomFields(fields, t);
      if (path == "dependencies") {
        for (const std::string& d : depends_on) {
          t->add_dependencies(TaskName(d));
        }
      }
    }
    return paths;
  }
};

void AddCreate(CLI::App* task, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<TaskFlags>();
  auto* create = task->add_subcommand("create", "Create a task in a project");
  create->add_option("--project", f->project, "Project id")->required();
  create->add_option("--id", f->id,
                     "Task id; the server picks one when omitted");
  f->Add(create);
  f->opts["title"]->required();
  create->add_option(
      "--request-id", f->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  OnCall<Tasks>(create, cli, action, [&cli, f](const Tasks& rpc) {
    api::CreateTaskRequest req;
    req.set_parent(ProjectName(f->project));
    req.set_task_id(f->id);
    req.set_request_id(f->request_id);
    f->Fill(req.mutable_task());
    PrintTask(cli, rpc.Call(&TaskStub::CreateTask, req));
  });
}

struct ListFlags {
  std::string project, filter, order_by, due_within, team, assignee, state,
      label;
  bool mine = false, open = false;
  int limit = kDefaultListLimit;

  // The filter terms of the shortcut flags.
  std::vector<std::string> Terms() const {
    std::vector<std::string> terms;
    if (mine) terms.push_back("assignee = \"me\"");
    if (!assignee.empty()) {
      terms.push_back("assignee = \"" + UserName(assignee) + "\"");
    }
    if (!team.empty()) terms.push_back("team = \"" + TeamName(team) + "\"");
    if (open) terms.push_back("state != DONE AND state != CANCELLED");
    if (!state.empty()) {
      terms.push_back("state = " + absl::AsciiStrToUpper(state));
    }
    if (!label.empty()) terms.push_back("labels:\"" + label + "\"");
    if (!due_within.empty()) {
      absl::Time until =
          absl::Now() + ParseDuration("--due-within", due_within, kSpanSyntax);
      terms.push_back("due_time <= \"" + Rfc3339(until) + "\"");
    }
    return terms;
  }
};

void AddList(CLI::App* task, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<ListFlags>();
  auto* list = task->add_subcommand(
      "list",
      "List tasks; the shortcut flags become an AIP-160 filter, joined by AND");
  list->add_option("--project", f->project,
                   "Only this project (default: every project)");
  list->add_option(
      "--filter", f->filter,
      "AIP-160 filter on state, assignee, team, priority, labels, project, "
      "due_time, create_time");
  list->add_option("--order-by", f->order_by,
                   "due_time (default), priority or create_time [desc]");
  list->add_flag("--mine", f->mine, "Assigned to me");
  list->add_flag("--open", f->open, "Not done or cancelled");
  list->add_option("--due-within", f->due_within,
                   "Due within this span from now (includes overdue), e.g. 7d");
  list->add_option("--team", f->team, "Of this team");
  list->add_option("--assignee", f->assignee, "Assigned to this user");
  list->add_option(
      "--state", f->state,
      "In this state (todo, in_progress, blocked, done, cancelled)");
  list->add_option("--label", f->label, "With this label");
  AddLimitFlag(list, &f->limit);
  OnCall<Tasks>(list, cli, action, [&cli, f](const Tasks& rpc) {
    api::ListTasksRequest req;
    req.set_parent(f->project.empty() ? "projects/-" : ProjectName(f->project));
    req.set_filter(JoinFilter(f->filter, f->Terms()));
    req.set_order_by(f->order_by);
    auto all = rpc.ListUpTo(
        &TaskStub::ListTasks, req, f->limit,
        [](api::ListTasksResponse* r) { return r->mutable_tasks(); });
    PrintTasks(cli, all, all.tasks());
  });
}

void AddGetAndUpdate(CLI::App* task, Cli& cli, std::function<void()>& action) {
  auto name = std::make_shared<std::string>();
  auto* get = task->add_subcommand("get", "Show a task with its comments");
  get->add_option("TASK", *name, "PROJECT/TASK or projects/P/tasks/T")
      ->required();
  OnCall<Tasks>(get, cli, action, [&cli, name](const Tasks& rpc) {
    api::GetTaskRequest req;
    req.set_name(TaskName(*name));
    PrintTask(cli, rpc.Call(&TaskStub::GetTask, req));
  });

  auto task_name = std::make_shared<std::string>();
  auto f = std::make_shared<TaskFlags>();
  auto* update = task->add_subcommand("update", "Change a task's fields");
  update->add_option("TASK", *task_name, "PROJECT/TASK")->required();
  f->Add(update);
  OnCall<Tasks>(update, cli, action, [&cli, task_name, f](const Tasks& rpc) {
    api::UpdateTaskRequest req;
    req.mutable_task()->set_name(TaskName(*task_name));
    for (const std::string& path : f->Fill(req.mutable_task())) {
      req.mutable_update_mask()->add_paths(path);
    }
    if (req.update_mask().paths().empty()) {
      throw CliError{kExitUsage,
                     "nothing to update: give at least one field flag"};
    }
    PrintTask(cli, rpc.Call(&TaskStub::UpdateTask, req));
  });
}

// start, done, reopen, cancel: the state changes that take only the task.
void AddStateChanges(CLI::App* task, Cli& cli, std::function<void()>& action) {
  using Method = Tasks::Method<api::TaskActionRequest, api::Task>;
  const std::vector<std::tuple<const char*, const char*, Method>> changes = {
      {"start", "Start a task (its dependencies must be done)",
       &TaskStub::StartTask},
      {"done", "Complete a task (its dependencies must be done)",
       &TaskStub::CompleteTask},
      {"reopen", "Reopen a done or cancelled task", &TaskStub::ReopenTask},
      {"cancel", "Cancel a task", &TaskStub::CancelTask},
  };
  for (const auto& [verb, help, method] : changes) {
    struct Flags {
      std::string name, request_id;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = task->add_subcommand(verb, help);
    cmd->add_option("TASK", f->name, "PROJECT/TASK")->required();
    cmd->add_option("--request-id", f->request_id, "Idempotency key");
    OnCall<Tasks>(cmd, cli, action, [&cli, f, m = method](const Tasks& rpc) {
      api::TaskActionRequest req;
      req.set_name(TaskName(f->name));
      req.set_request_id(f->request_id);
      PrintTask(cli, rpc.Call(m, req));
    });
  }
}

// block, comment: the changes that take a text.
void AddTextChanges(CLI::App* task, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string name, text;
  };
  auto bf = std::make_shared<Flags>();
  auto* block =
      task->add_subcommand("block", "Mark a task blocked, with the reason");
  block->add_option("TASK", bf->name, "PROJECT/TASK")->required();
  block->add_option("-m,--reason", bf->text, "Why it is blocked")->required();
  OnCall<Tasks>(block, cli, action, [&cli, bf](const Tasks& rpc) {
    api::BlockTaskRequest req;
    req.set_name(TaskName(bf->name));
    req.set_reason(bf->text);
    PrintTask(cli, rpc.Call(&TaskStub::BlockTask, req));
  });

  auto cf = std::make_shared<Flags>();
  auto* comment = task->add_subcommand("comment", "Add a comment to a task");
  comment->add_option("TASK", cf->name, "PROJECT/TASK")->required();
  comment->add_option("-m,--message", cf->text, "The comment")->required();
  OnCall<Tasks>(comment, cli, action, [&cli, cf](const Tasks& rpc) {
    api::CommentTaskRequest req;
    req.set_name(TaskName(cf->name));
    req.set_text(cf->text);
    PrintTask(cli, rpc.Call(&TaskStub::CommentTask, req));
  });
}

void AddDelete(CLI::App* task, Cli& cli, std::function<void()>& action) {
  auto name = std::make_shared<std::string>();
  auto* del = task->add_subcommand("delete", "Delete a task");
  del->add_option("TASK", *name, "PROJECT/TASK")->required();
  OnCall<Tasks>(del, cli, action, [&cli, name](const Tasks& rpc) {
    api::DeleteTaskRequest req;
    req.set_name(TaskName(*name));
    cli.PrintDone(rpc.Call(&TaskStub::DeleteTask, req),
                  "Deleted " + req.name() + "\n");
  });
}

}  // namespace

void AddTask(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* task = app.add_subcommand("task", "Tasks: the unit of work");
  task->require_subcommand(1);
  AddCreate(task, cli, action);
  AddList(task, cli, action);
  AddGetAndUpdate(task, cli, action);
  AddStateChanges(task, cli, action);
  AddTextChanges(task, cli, action);
  AddDelete(task, cli, action);
}

}  // namespace mops::cli

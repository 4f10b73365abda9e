// mops workflow start|list|show|cancel|suspend|resume|migrate: runs of
// published template versions in projects.
#include "clients/cli/workflow_run.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/parse.h"
#include "mops/v1/workflows.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Workflows = Rpc<api::WorkflowService>;
using WorkflowStub = api::WorkflowService::Stub;

std::string RunName(const std::string& id) {
  return ResourceName("workflows", id);
}

// "projects/p/tasks/t" -> "p/t", what `mops task get` takes.
std::string ShortTask(const std::string& name) {
  const std::string prefix = "projects/";
  const size_t tasks = name.find("/tasks/");
  if (name.rfind(prefix, 0) != 0 || tasks == std::string::npos) return name;
  return name.substr(prefix.size(), tasks - prefix.size()) + "/" +
         name.substr(tasks + 7);
}

// "a=1, b=2": proto maps iterate in no fixed order, so sorted.
std::string SortedValues(
    const google::protobuf::Map<std::string, std::string>& values) {
  std::map<std::string, std::string> sorted(values.begin(), values.end());
  return absl::StrJoin(sorted, ", ", absl::PairFormatter("="));
}

std::string Marker(api::WorkflowStageState::State state) {
  switch (state) {
    case api::WorkflowStageState::DONE:
      return "✓";
    case api::WorkflowStageState::ACTIVE:
      return "▶";
    case api::WorkflowStageState::PENDING:
      return "·";
    case api::WorkflowStageState::SKIPPED:
      return "↷";
    case api::WorkflowStageState::FAILED:
      return "✗";
    case api::WorkflowStageState::CANCELLED:
      return "⊘";
    default:
      return "?";
  }
}

// The STAGE cell: indent, marker, id and what sets this round apart.
std::string StageCell(const api::WorkflowStageState& s, int depth) {
  std::vector<std::string> notes;
  if (s.round() > 1) notes.push_back(absl::StrCat("round ", s.round()));
  if (!s.rework_for().empty()) notes.push_back("rework for " + s.rework_for());
  return absl::StrCat(
      std::string(2 * depth, ' '), Marker(s.state()), " ", s.id(),
      notes.empty() ? "" : " (" + absl::StrJoin(notes, ", ") + ")");
}

// What the stage's current round made: "tasks p/t1, p/t2", "approval a9".
std::string MadeCell(const api::WorkflowStageState& s) {
  std::vector<std::string> parts;
  if (!s.tasks().empty()) {
    std::vector<std::string> tasks;
    for (const auto& t : s.tasks()) tasks.push_back(ShortTask(t));
    parts.push_back("tasks " + absl::StrJoin(tasks, ", "));
  }
  if (!s.approval().empty()) parts.push_back("approval " + Id(s.approval()));
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

std::string DueCell(const api::WorkflowStageState& s) {
  std::string due = s.has_due_time() ? FormatTime(s.due_time()) : "";
  if (s.overdue()) due += due.empty() ? "OVERDUE" : " OVERDUE";
  return due.empty() ? "-" : due;
}

Table StagesTable(const api::Workflow& run,
                  const std::map<std::string, int>& depths) {
  Table t({"STAGE", "KIND", "MADE", "DUE", "OUTCOME"});
  for (const auto& s : run.stages()) {
    const auto depth = depths.find(s.id());
    t.AddRow({StageCell(s, depth == depths.end() ? 0 : depth->second),
              s.kind().empty() ? "-" : s.kind(), MadeCell(s), DueCell(s),
              s.outcome().empty() ? "-" : s.outcome()});
  }
  return t;
}

Table HistoryTable(
    const google::protobuf::RepeatedPtrField<api::WorkflowHistoryEntry>& h) {
  Table t({"TIME", "KIND", "STAGE", "ROUND", "ACTOR", "OUTCOME", "VALUES"});
  for (const auto& e : h) {
    const std::string values = SortedValues(e.values());
    t.AddRow({FormatTime(e.time()),
              EnumName(api::WorkflowHistoryEntry::Kind_Name(e.kind())),
              e.stage().empty() ? "-" : e.stage(),
              e.round() > 0 ? std::to_string(e.round()) : "-",
              e.actor().empty() ? "-" : Id(e.actor()),
              e.outcome().empty() ? "-" : e.outcome(),
              values.empty() ? "-" : values});
  }
  return t;
}

// "running", "suspended since ...", "failed at ...: reason".
std::string RunState(const api::Workflow& run) {
  std::string state = EnumName(api::Workflow::State_Name(run.state()));
  if (run.state() == api::Workflow::SUSPENDED && run.has_suspend_time()) {
    state += " since " + FormatTime(run.suspend_time());
  } else if (run.has_end_time()) {
    state += " at " + FormatTime(run.end_time());
  }
  if (!run.failure_reason().empty()) state += ": " + run.failure_reason();
  return state;
}

// The run as `show` prints it; the stage graph comes from the run's version,
// and without it (an error, said on stderr) the stages are not indented.
void PrintRun(const Cli& cli, const Workflows& rpc, const api::Workflow& run) {
  cli.PrintWith(run, [&] {
    api::WorkflowTemplate version;
    api::GetWorkflowTemplateVersionRequest req;
    req.set_name(
        absl::StrCat(run.template_(), "/versions/", run.template_version()));
    try {
      version =
          rpc.Call(&WorkflowStub::GetWorkflowTemplateVersion, req).template_();
    } catch (const CliError& e) {
      // The run was read (or changed) already: still show it.
      std::cerr << "(stages not indented: reading " << req.name()
                << " failed: " << e.message << ")\n";
    }
    std::cout << RenderWorkflow(run, version);
  });
}

void AddStart(CLI::App* workflow, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string tmpl, project, title, id, request_id;
    std::vector<std::string> sets;
  };
  auto f = std::make_shared<Flags>();
  auto* start = workflow->add_subcommand(
      "start",
      "Start a run of a template's version in a project; its stages make "
      "tasks and approvals there.\n"
      "Example: mops workflow start campaign-launch --project q1-launch "
      "--set campaign=Spring --set budget=\"60000 EUR\" --set "
      "launch_date=2027-03-01");
  start
      ->add_option("TEMPLATE", f->tmpl,
                   "Template id (its latest version that is not deprecated), "
                   "ID@VERSION or workflowTemplates/ID/versions/N")
      ->required();
  start->add_option("--project", f->project, "Where its tasks go: p1")
      ->required();
  start->add_option("--title", f->title, "The run's title");
  start->add_option("--set", f->sets,
                    "A variable: NAME=VALUE (split at the first '='); "
                    "repeatable");
  start->add_option("--id", f->id, "Run id; default: the server picks one");
  start->add_option(
      "--request-id", f->request_id,
      "Idempotency key: a retry with the same id starts nothing more");
  OnCall<Workflows>(start, cli, action, [&cli, f](const Workflows& rpc) {
    api::StartWorkflowRequest req;
    req.set_template_(StartTemplateName(f->tmpl));
    req.set_project(ProjectName(f->project));
    req.set_title(f->title);
    for (const auto& [name, value] : ParseAssignments("--set", f->sets)) {
      (*req.mutable_variables())[name] = value;
    }
    req.set_workflow_id(f->id);
    req.set_request_id(f->request_id);
    PrintRun(cli, rpc, rpc.Call(&WorkflowStub::StartWorkflow, req));
  });
}

void AddList(CLI::App* workflow, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<WorkflowListFlags>();
  auto* list = workflow->add_subcommand(
      "list",
      "List runs; the shortcut flags become an AIP-160 "
      "filter, joined by AND.\n"
      "Example: mops workflow list --at-risk --state running --order-by "
      "projected_end_time");
  list->add_flag("--at-risk", f->at_risk,
                 "Projected to end after the template's target date");
  list->add_option("--state", f->state,
                   "running, suspended, completed, failed or cancelled");
  list->add_option("--template", f->template_id, "Of this template");
  list->add_option("--project", f->project, "In this project");
  list->add_option("--stage", f->stage, "With this stage (id) active");
  list->add_option(
      "--filter", f->filter,
      "AIP-160 filter on state, template, project, at_risk, stage");
  list->add_option("--order-by", f->order_by,
                   "start_time (default) or projected_end_time");
  AddLimitFlag(list, &f->limit);
  OnCall<Workflows>(list, cli, action, [&cli, f](const Workflows& rpc) {
    api::ListWorkflowsRequest req;
    req.set_filter(WorkflowsFilter(*f));
    req.set_order_by(f->order_by);
    auto all = rpc.ListUpTo(
        &WorkflowStub::ListWorkflows, req, f->limit,
        [](api::ListWorkflowsResponse* r) { return r->mutable_workflows(); });
    cli.Print(all, [&] { return WorkflowsTable(all.workflows()); });
  });
}

void AddShow(CLI::App* workflow, Cli& cli, std::function<void()>& action) {
  auto id = std::make_shared<std::string>();
  auto* show = workflow->add_subcommand(
      "show",
      "A run: its stage graph with each stage's state, then its state, "
      "projection and history.\n"
      "Example: mops workflow show w1");
  show->add_option("RUN", *id, "Run: w1 or workflows/w1")->required();
  OnCall<Workflows>(show, cli, action, [&cli, id](const Workflows& rpc) {
    api::GetWorkflowRequest req;
    req.set_name(RunName(*id));
    PrintRun(cli, rpc, rpc.Call(&WorkflowStub::GetWorkflow, req));
  });
}

// The flags of cancel, suspend and resume.
struct ChangeFlags {
  std::string id, reason, request_id;
};
using ChangeCall =
    std::function<api::Workflow(const Workflows&, const ChangeFlags&)>;

void AddChange(CLI::App* workflow, Cli& cli, std::function<void()>& action,
               const char* verb, const std::string& help, bool with_reason,
               ChangeCall call) {
  auto f = std::make_shared<ChangeFlags>();
  auto* cmd = workflow->add_subcommand(verb, help);
  cmd->add_option("RUN", f->id, "Run: w1 or workflows/w1")->required();
  if (with_reason) cmd->add_option("--reason", f->reason, "Why, for the log");
  cmd->add_option("--request-id", f->request_id,
                  "Idempotency key: a retry with the same id changes nothing");
  OnCall<Workflows>(cmd, cli, action,
                    [&cli, f, call = std::move(call)](const Workflows& rpc) {
                      PrintRun(cli, rpc, call(rpc, *f));
                    });
}

void AddChanges(CLI::App* workflow, Cli& cli, std::function<void()>& action) {
  AddChange(workflow, cli, action, "cancel",
            "Cancel a run with the open tasks and approvals it made.\n"
            "Example: mops workflow cancel w1 --reason 'campaign dropped'",
            true, [](const Workflows& rpc, const ChangeFlags& f) {
              api::CancelWorkflowRequest req;
              req.set_name(RunName(f.id));
              req.set_reason(f.reason);
              req.set_request_id(f.request_id);
              return rpc.Call(&WorkflowStub::CancelWorkflow, req);
            });
  AddChange(workflow, cli, action, "suspend",
            "Stop a run's clocks and timers; its open tasks and approvals "
            "stay.\n"
            "Example: mops workflow suspend w1 --reason 'budget freeze'",
            true, [](const Workflows& rpc, const ChangeFlags& f) {
              api::SuspendWorkflowRequest req;
              req.set_name(RunName(f.id));
              req.set_reason(f.reason);
              req.set_request_id(f.request_id);
              return rpc.Call(&WorkflowStub::SuspendWorkflow, req);
            });
  AddChange(workflow, cli, action, "resume",
            "Restart a suspended run; deadlines move by the business time it "
            "was suspended.\n"
            "Example: mops workflow resume w1",
            false, [](const Workflows& rpc, const ChangeFlags& f) {
              api::ResumeWorkflowRequest req;
              req.set_name(RunName(f.id));
              req.set_request_id(f.request_id);
              return rpc.Call(&WorkflowStub::ResumeWorkflow, req);
            });
}

void AddMigrate(CLI::App* workflow, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, deadlines, request_id;
    int64_t to_version = 0;
    std::vector<std::string> maps;
  };
  auto f = std::make_shared<Flags>();
  auto* migrate = workflow->add_subcommand(
      "migrate",
      "Move a run to a newer published version of its template.\n"
      "Example: mops workflow migrate w1 --to-version 4 --map "
      "legal=legal-review --deadlines restart");
  migrate->add_option("RUN", f->id, "Run: w1 or workflows/w1")->required();
  migrate->add_option("--to-version", f->to_version, "The version to move to")
      ->required()
      ->check(VersionNumber());
  migrate->add_option("--map", f->maps,
                      "OLD=NEW: a stage of the run's version -> a stage of "
                      "the new one (default: the same id); repeatable");
  migrate
      ->add_option("--deadlines", f->deadlines,
                   "keep (default): active stages keep their deadlines; "
                   "restart: they count again from now")
      ->check(CLI::IsMember({"keep", "restart"}));
  migrate->add_option(
      "--request-id", f->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  OnCall<Workflows>(migrate, cli, action, [&cli, f](const Workflows& rpc) {
    api::MigrateWorkflowRequest req;
    req.set_name(RunName(f->id));
    req.set_target_version(f->to_version);
    for (const auto& [from, to] : ParseAssignments("--map", f->maps)) {
      (*req.mutable_stage_mapping())[from] = to;
    }
    if (f->deadlines == "keep") {
      req.set_deadlines(api::MigrateWorkflowRequest::KEEP);
    }
    if (f->deadlines == "restart") {
      req.set_deadlines(api::MigrateWorkflowRequest::RESTART);
    }
    req.set_request_id(f->request_id);
    PrintRun(cli, rpc, rpc.Call(&WorkflowStub::MigrateWorkflow, req));
  });
}

}  // namespace

std::string StartTemplateName(const std::string& text) {
  const size_t at = text.rfind('@');
  if (at == std::string::npos) return ResourceName("workflowTemplates", text);
  const std::string base = text.substr(0, at);
  const std::string digits = text.substr(at + 1);
  int64_t version = 0;
  // SimpleAtoi takes blanks and a sign; a version is digits only.
  const bool ok =
      !base.empty() && base.find("/versions/") == std::string::npos &&
      !digits.empty() &&
      std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) &&
      absl::SimpleAtoi(digits, &version) && version > 0;
  if (!ok) {
    throw CliError{kExitUsage,
                   "TEMPLATE: \"" + text +
                       "\" is not ID, ID@VERSION (campaign-launch@3) or "
                       "workflowTemplates/ID/versions/N"};
  }
  return ResourceName("workflowTemplates", base) + "/versions/" +
         std::to_string(version);
}

std::map<std::string, std::string> ParseAssignments(
    const std::string& flag, const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw CliError{kExitUsage, flag + ": \"" + item + "\" is not NAME=VALUE"};
    }
    const std::string name = item.substr(0, eq);
    if (!out.emplace(name, item.substr(eq + 1)).second) {
      throw CliError{kExitUsage, flag + ": " + name + " is given twice"};
    }
  }
  return out;
}

std::string WorkflowsFilter(const WorkflowListFlags& f) {
  static const std::set<std::string> kStates = {
      "running", "suspended", "completed", "failed", "cancelled"};
  std::vector<std::string> terms;
  if (!f.state.empty()) {
    if (kStates.count(absl::AsciiStrToLower(f.state)) == 0) {
      throw CliError{kExitUsage,
                     "--state: \"" + f.state +
                         "\" is not running, suspended, completed, failed "
                         "or cancelled"};
    }
    terms.push_back("state = " + absl::AsciiStrToUpper(f.state));
  }
  if (f.at_risk) terms.push_back("at_risk = true");
  if (!f.template_id.empty()) {
    terms.push_back("template = \"" +
                    ResourceName("workflowTemplates", f.template_id) + "\"");
  }
  if (!f.project.empty()) {
    terms.push_back("project = \"" + ProjectName(f.project) + "\"");
  }
  if (!f.stage.empty()) terms.push_back("stage = \"" + f.stage + "\"");
  return JoinFilter(f.filter, terms);
}

Table WorkflowsTable(
    const google::protobuf::RepeatedPtrField<api::Workflow>& runs) {
  Table t({"NAME", "TEMPLATE@VERSION", "PROJECT", "STATE", "ACTIVE STAGES",
           "PROJECTED END", "AT RISK"});
  for (const auto& w : runs) {
    std::vector<std::string> active;
    for (const auto& s : w.stages()) {
      if (s.state() == api::WorkflowStageState::ACTIVE)
        active.push_back(s.id());
    }
    t.AddRow({Id(w.name()),
              absl::StrCat(Id(w.template_()), "@", w.template_version()),
              Id(w.project()), EnumName(api::Workflow::State_Name(w.state())),
              active.empty() ? "-" : absl::StrJoin(active, ","),
              FormatTime(w.projected_end_time()), w.at_risk() ? "yes" : "no"});
  }
  return t;
}

std::map<std::string, int> StageDepths(const api::WorkflowTemplate& t) {
  std::map<std::string, const api::WorkflowStage*> by_id;
  for (const auto& s : t.stages()) by_id[s.id()] = &s;
  std::map<std::string, int> depth;
  std::set<std::string> visiting;
  // -1 for an unknown stage or one on a cycle, so that it adds nothing.
  std::function<int(const std::string&)> of = [&](const std::string& id) {
    if (auto known = depth.find(id); known != depth.end()) return known->second;
    auto stage = by_id.find(id);
    if (stage == by_id.end() || !visiting.insert(id).second) return -1;
    int d = 0;
    for (const auto& before : stage->second->after()) {
      d = std::max(d, of(before) + 1);
    }
    visiting.erase(id);
    return depth[id] = d;
  };
  for (const auto& s : t.stages()) of(s.id());
  return depth;
}

std::string RenderWorkflow(const api::Workflow& run,
                           const api::WorkflowTemplate& version) {
  std::ostringstream out;
  out << run.name() << (run.title().empty() ? "" : ": " + run.title()) << "\n"
      << "template:  " << Id(run.template_()) << "@" << run.template_version()
      << "\n"
      << "project:   " << Id(run.project()) << "\n"
      << "started:   " << FormatTime(run.start_time()) << " by "
      << (run.starter().empty() ? "-" : Id(run.starter())) << "\n";
  if (!run.variables().empty()) {
    out << "variables: " << SortedValues(run.variables()) << "\n";
  }
  out << "\n"
      << StagesTable(run, StageDepths(version)).Render() << "\n"
      << "state:         " << RunState(run) << "\n"
      << "projected end: " << FormatTime(run.projected_end_time()) << "\n"
      << "at risk:       " << (run.at_risk() ? "yes" : "no") << "\n";
  if (!run.history().empty()) {
    out << "\nhistory:\n" << HistoryTable(run.history()).Render();
  }
  return out.str();
}

void AddWorkflowRuns(CLI::App* workflow, Cli& cli,
                     std::function<void()>& action) {
  AddStart(workflow, cli, action);
  AddList(workflow, cli, action);
  AddShow(workflow, cli, action);
  AddChanges(workflow, cli, action);
  AddMigrate(workflow, cli, action);
}

}  // namespace mops::cli

// mops workflow template ...: process templates as files (apply, like
// kubectl apply), their versions, publishing and deprecating.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cli/apply_file.h"
#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "clients/cli/template_file.h"
#include "clients/cli/workflow_run.h"
#include "mops/v1/workflows.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Workflows = Rpc<api::WorkflowService>;
using WorkflowStub = api::WorkflowService::Stub;

std::string TemplateName(const std::string& id) {
  return ResourceName("workflowTemplates", id);
}

Table TemplatesTable(
    const google::protobuf::RepeatedPtrField<api::WorkflowTemplate>& all) {
  Table t({"ID", "TEAM", "LATEST", "DRAFT", "STAGES", "DISPLAY NAME"});
  for (const auto& w : all) {
    t.AddRow({Id(w.name()), Id(w.team()),
              w.latest_version() ? std::to_string(w.latest_version()) : "-",
              w.draft_changed() ? "changed" : "published",
              std::to_string(w.stages_size()), w.display_name()});
  }
  return t;
}

Table VersionsTable(
    const google::protobuf::RepeatedPtrField<api::WorkflowTemplateVersion>&
        all) {
  Table t({"VERSION", "PUBLISHED", "BY", "STAGES", "DEPRECATED"});
  for (const auto& v : all) {
    t.AddRow({std::to_string(v.version()), FormatTime(v.publish_time()),
              Id(v.publisher()), std::to_string(v.template_().stages_size()),
              v.deprecated() ? FormatTime(v.deprecate_time()) : "-"});
  }
  return t;
}

void AddApply(CLI::App* tmpl, Cli& cli, std::function<void()>& action) {
  auto file = std::make_shared<std::string>();
  auto dry_run = std::make_shared<bool>(false);
  auto* apply = tmpl->add_subcommand(
      "apply",
      "Create or update a template's draft from a YAML or JSON file; the "
      "file is the whole draft (what it leaves out is cleared).\n"
      "Example: mops workflow template apply -f "
      "examples/workflows/campaign-launch.yaml --dry-run");
  apply->add_option("-f,--file", *file, "The file ('-': standard input)")
      ->required();
  apply->add_flag("--dry-run", *dry_run,
                  "Show the diff against the draft and check the file as a "
                  "publish would; change nothing");
  OnCall<Workflows>(
      apply, cli, action, [&cli, file, dry_run](const Workflows& rpc) {
        api::WorkflowTemplate t = ParseTemplateFile(ReadFileFlag(*file), *file);
        api::WorkflowTemplate current;
        bool exists = true;
        try {
          api::GetWorkflowTemplateRequest get;
          get.set_name(t.name());
          current = rpc.Call(&WorkflowStub::GetWorkflowTemplate, get);
        } catch (CliError& e) {
          if (e.message.rfind("NOT_FOUND:", 0) != 0) throw;
          exists = false;
        }
        api::UpdateWorkflowTemplateRequest req;
        *req.mutable_workflow_template() = t;
        req.mutable_workflow_template()->set_etag(current.etag());
        req.mutable_update_mask()->add_paths("*");
        req.set_allow_missing(true);
        const std::string before = exists ? TemplateYaml(current) : "";
        if (*dry_run) {
          req.set_validate_only(true);
          std::string verdict = "it can be published";
          try {
            rpc.Call(&WorkflowStub::UpdateWorkflowTemplate, req);
          } catch (CliError& e) {
            verdict = "it cannot be published yet: " + e.message;
          }
          const std::string diff = UnifiedDiff(
              before, TemplateYaml(t), exists ? t.name() : "/dev/null", *file);
          std::cout << (diff.empty() ? "No change to the draft.\n" : diff)
                    << t.name() << " (dry run): " << verdict << "\n";
          return;
        }
        auto saved = rpc.Call(&WorkflowStub::UpdateWorkflowTemplate, req);
        const bool same = exists && TemplateYaml(saved) == before;
        cli.PrintDone(saved,
                      absl::StrCat(saved.name(),
                                   !exists ? " created"
                                   : same  ? " unchanged"
                                           : " configured",
                                   saved.draft_changed()
                                       ? " (draft; publish to make a version)"
                                       : "",
                                   "\n"));
      });
}

void AddReads(CLI::App* tmpl, Cli& cli, std::function<void()>& action) {
  auto filter = std::make_shared<std::string>();
  auto* list = tmpl->add_subcommand("list", "Workflow templates");
  list->add_option("--filter", *filter, "Such as 'team = marketing'");
  OnCall<Workflows>(list, cli, action, [&cli, filter](const Workflows& rpc) {
    api::ListWorkflowTemplatesRequest req;
    req.set_filter(*filter);
    auto all = rpc.ListAll(&WorkflowStub::ListWorkflowTemplates, req);
    cli.Print(all, [&] { return TemplatesTable(all.workflow_templates()); });
  });

  auto id = std::make_shared<std::string>();
  auto version = std::make_shared<std::string>();
  auto* get = tmpl->add_subcommand(
      "get",
      "A template's draft, or a version, as a file 'apply' reads back.\n"
      "Example: mops workflow template get campaign-launch > "
      "campaign-launch.yaml");
  get->add_option("ID", *id, "Template id")->required();
  get->add_option("--version", *version, "A version number, or 'latest'");
  OnCall<Workflows>(
      get, cli, action, [&cli, id, version](const Workflows& rpc) {
        if (version->empty()) {
          api::GetWorkflowTemplateRequest req;
          req.set_name(TemplateName(*id));
          auto t = rpc.Call(&WorkflowStub::GetWorkflowTemplate, req);
          cli.PrintWith(t, [&] { std::cout << TemplateYaml(t); });
          return;
        }
        api::GetWorkflowTemplateVersionRequest req;
        req.set_name(TemplateName(*id) + "/versions/" + *version);
        auto v = rpc.Call(&WorkflowStub::GetWorkflowTemplateVersion, req);
        cli.PrintWith(v, [&] {
          std::cout << "# " << v.name() << ", published "
                    << FormatTime(v.publish_time()) << " by "
                    << Id(v.publisher())
                    << (v.deprecated() ? " (deprecated)" : "") << "\n"
                    << TemplateYaml(v.template_());
        });
      });

  auto vid = std::make_shared<std::string>();
  auto* versions =
      tmpl->add_subcommand("versions", "A template's versions, newest first");
  versions->add_option("ID", *vid, "Template id")->required();
  OnCall<Workflows>(versions, cli, action, [&cli, vid](const Workflows& rpc) {
    api::ListWorkflowTemplateVersionsRequest req;
    req.set_parent(TemplateName(*vid));
    auto all = rpc.ListAll(&WorkflowStub::ListWorkflowTemplateVersions, req);
    cli.Print(all, [&] { return VersionsTable(all.versions()); });
  });
}

void AddChanges(CLI::App* tmpl, Cli& cli, std::function<void()>& action) {
  auto id = std::make_shared<std::string>();
  auto* publish = tmpl->add_subcommand(
      "publish",
      "Check the draft and freeze it as the next version (runs start from "
      "versions)");
  publish->add_option("ID", *id, "Template id")->required();
  OnCall<Workflows>(publish, cli, action, [&cli, id](const Workflows& rpc) {
    api::PublishWorkflowTemplateRequest req;
    req.set_name(TemplateName(*id));
    auto v = rpc.Call(&WorkflowStub::PublishWorkflowTemplate, req);
    cli.PrintDone(v, "Published " + v.name() + "\n");
  });

  auto did = std::make_shared<std::string>();
  auto dversion = std::make_shared<std::string>();
  auto* deprecate = tmpl->add_subcommand(
      "deprecate", "No new runs of a version; running ones go on");
  deprecate->add_option("ID", *did, "Template id")->required();
  deprecate->add_option("--version", *dversion, "The version number")
      ->required();
  OnCall<Workflows>(
      deprecate, cli, action, [&cli, did, dversion](const Workflows& rpc) {
        api::DeprecateWorkflowTemplateVersionRequest req;
        req.set_name(TemplateName(*did) + "/versions/" + *dversion);
        auto v = rpc.Call(&WorkflowStub::DeprecateWorkflowTemplateVersion, req);
        cli.PrintDone(v, "Deprecated " + v.name() + "\n");
      });

  auto xid = std::make_shared<std::string>();
  auto* del = tmpl->add_subcommand(
      "delete", "Delete a template without runs, with its versions");
  del->add_option("ID", *xid, "Template id")->required();
  OnCall<Workflows>(del, cli, action, [&cli, xid](const Workflows& rpc) {
    api::DeleteWorkflowTemplateRequest req;
    req.set_name(TemplateName(*xid));
    cli.PrintDone(rpc.Call(&WorkflowStub::DeleteWorkflowTemplate, req),
                  "Deleted " + req.name() + "\n");
  });
}

}  // namespace

void AddWorkflow(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* workflow = app.add_subcommand(
      "workflow", "Workflows: process templates (versions) and their runs");
  workflow->require_subcommand(1);
  auto* tmpl = workflow->add_subcommand(
      "template", "Process templates: apply files, publish versions");
  tmpl->require_subcommand(1);
  AddApply(tmpl, cli, action);
  AddReads(tmpl, cli, action);
  AddChanges(tmpl, cli, action);
  AddWorkflowRuns(workflow, cli, action);
}

}  // namespace mops::cli

// mops workflow start|list|show|cancel|suspend|resume|migrate: the runs of
// workflow templates (workflow_run.cc). What the commands parse and render
// is pure and declared here, for tests.
#ifndef MOPS_CLIENTS_CLI_WORKFLOW_RUN_H_
#define MOPS_CLIENTS_CLI_WORKFLOW_RUN_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/cli.h"
#include "clients/cli/list.h"
#include "mops/v1/workflows.pb.h"

namespace mops::cli {

// Adds the run commands to `mops workflow` (called by AddWorkflow).
void AddWorkflowRuns(CLI::App* workflow, Cli& cli,
                     std::function<void()>& action);

// TEMPLATE of `start`: "x" -> "workflowTemplates/x" (its latest version),
// "x@3" -> "workflowTemplates/x/versions/3"; a full name passes through.
std::string StartTemplateName(const std::string& text);

// The NAME=VALUE items of a repeatable flag (--set, --map), each split at
// its first '='. Throws CliError (usage) naming `flag` for an item without
// '=' or a name, and for a name given twice.
std::map<std::string, std::string> ParseAssignments(
    const std::string& flag, const std::vector<std::string>& items);

// The flags of `mops workflow list`.
struct WorkflowListFlags {
  std::string filter, state, template_id, project, stage, order_by;
  bool at_risk = false;
  int limit = kDefaultListLimit;
};
// The AIP-160 filter of the flags: --filter AND the shortcut flags' terms.
// Throws CliError (usage) naming --state for an unknown state.
std::string WorkflowsFilter(const WorkflowListFlags& f);

Table WorkflowsTable(
    const google::protobuf::RepeatedPtrField<::mops::v1::Workflow>& runs);

// Each stage's depth in the template's graph: the longest path of `after`
// from a stage without `after` (0). An unknown or cyclic `after` counts as
// none.
std::map<std::string, int> StageDepths(const ::mops::v1::WorkflowTemplate& t);

// The run as `mops workflow show` prints it: its stages in the run's order,
// indented by their depth in `version` (the template of the run's version;
// empty: no indentation), then its state and history.
std::string RenderWorkflow(const ::mops::v1::Workflow& run,
                           const ::mops::v1::WorkflowTemplate& version);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_WORKFLOW_RUN_H_

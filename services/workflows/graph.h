// A template's stages as a graph: an edge from each stage a stage comes
// `after` to it, labelled by when it is taken (a condition's branches, an
// approval's rejection path). Rework edges (an approval's
// on_changes_requested) are not edges: the `after` graph is acyclic. Pure.
#ifndef MOPS_SERVICES_WORKFLOWS_GRAPH_H_
#define MOPS_SERVICES_WORKFLOWS_GRAPH_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "mops/v1/workflows.pb.h"

namespace mops::services::workflows {

using Stages = google::protobuf::RepeatedPtrField<v1::WorkflowStage>;

// "stages[legal]": how errors name a stage.
std::string StageField(absl::string_view id);
// "task", "approval", "condition", "wait", "end"; "" when unset.
std::string KindOf(const v1::WorkflowStage& s);

// When an edge is taken, given how its source ended (its `branch`).
enum class EdgeLabel {
  kAlways,      // the source is done
  kIfTrue,      // a condition held
  kIfFalse,     // a condition did not hold
  kIfApproved,  // an approval was approved (its ordinary edges)
  kIfRejected,  // an approval was rejected (its on_rejected stage)
};

struct Edge {
  int from;
  int to;
  EdgeLabel label;
};

class StageGraph {
 public:
  // INVALID_ARGUMENT naming the stage and field for a duplicate id or an
  // `after` that names no stage (or the stage itself).
  static absl::StatusOr<StageGraph> Build(const Stages& stages);

  int size() const { return static_cast<int>(ids_.size()); }
  // -1 when there is no such stage.
  int Index(absl::string_view id) const;
  const std::string& Id(int i) const { return ids_[i]; }
  const std::vector<Edge>& In(int i) const { return in_[i]; }
  const std::vector<Edge>& Out(int i) const { return out_[i]; }

  // INVALID_ARGUMENT naming a cycle ("a -> b -> a") when there is one.
  absl::Status CheckAcyclic() const;
  // Stages in an order where each comes after everything it comes after
  // (the graph must be acyclic).
  std::vector<int> TopologicalOrder() const;
  // Whether `a` comes, directly or not, before `b`.
  bool Precedes(int a, int b) const;

 private:
  std::vector<std::string> ids_;
  std::map<std::string, int, std::less<>> index_;
  std::vector<std::vector<Edge>> in_, out_;
};

// Whether an edge with `label` is taken when its source ended as `branch`
// ("" for a stage that has none).
bool Taken(EdgeLabel label, absl::string_view branch);

// What a pending stage does now, given every stage's state (in the
// graph's order). A stage starts when each stage it comes after is DONE or
// SKIPPED and at least one edge into it is taken (a skipped stage takes
// none); it is skipped when all are finished and none is taken. A stage
// with no `after` starts at once.
enum class Readiness { kWait, kStart, kSkip };
template <typename States>
Readiness Ready(const StageGraph& g, int stage, const States& states) {
  if (g.In(stage).empty()) return Readiness::kStart;
  bool any_taken = false;
  for (const Edge& e : g.In(stage)) {
    const v1::WorkflowStageState& from = states[e.from];
    if (from.state() == v1::WorkflowStageState::SKIPPED) continue;
    if (from.state() != v1::WorkflowStageState::DONE) return Readiness::kWait;
    any_taken = any_taken || Taken(e.label, from.branch());
  }
  return any_taken ? Readiness::kStart : Readiness::kSkip;
}

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_GRAPH_H_

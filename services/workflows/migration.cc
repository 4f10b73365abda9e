#include "services/workflows/migration.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/workflows/graph.h"
#include "storage/status_macros.h"

namespace mops::services::workflows {

using StageState = v1::WorkflowStageState;
using States = google::protobuf::RepeatedPtrField<StageState>;

namespace {

absl::Status Bad(absl::string_view id, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("stage_mapping[", id, "]: ", why));
}

// Old stage index -> new stage index (-1: none), checked.
absl::StatusOr<std::vector<int>> Targets(const StageGraph& old_g,
                                         const StageGraph& new_g,
                                         const StageMapping& mapping) {
  for (const auto& [from_id, to_id] : mapping) {
    if (old_g.Index(from_id) < 0) {
      return Bad(from_id, "the run's version has no such stage");
    }
    if (new_g.Index(to_id) < 0) {
      return Bad(from_id, absl::StrCat("the target version has no stage \"",
                                       to_id, "\""));
    }
  }
  std::vector<int> target(old_g.size(), -1);
  for (int i = 0; i < old_g.size(); ++i) {
    auto it = mapping.find(old_g.Id(i));
    target[i] = new_g.Index(it != mapping.end() ? it->second : old_g.Id(i));
  }
  return target;
}

}  // namespace

absl::StatusOr<States> MapStages(const v1::WorkflowTemplate& from,
                                 const v1::WorkflowTemplate& to,
                                 int64_t to_version, const States& states,
                                 const StageMapping& mapping) {
  ASSIGN_OR_RETURN(StageGraph old_g, StageGraph::Build(from.stages()));
  ASSIGN_OR_RETURN(StageGraph new_g, StageGraph::Build(to.stages()));
  ASSIGN_OR_RETURN(std::vector<int> target, Targets(old_g, new_g, mapping));
  std::vector<int> source(new_g.size(), -1);
  for (int i = 0; i < old_g.size(); ++i) {
    const StageState& s = states[i];
    const int t = target[i];
    if (s.state() == StageState::PENDING) continue;
    if (t < 0) {
      if (s.state() != StageState::ACTIVE) continue;  // its decision stays
      return absl::FailedPreconditionError(absl::StrCat(
          "stages[", s.id(), "] is active and version ", to_version,
          " has no stage ", s.id(), "; name its place in stage_mapping"));
    }
    const std::string kind = KindOf(to.stages(t));
    if (kind != s.kind()) {
      return Bad(s.id(),
                 absl::StrCat("\"", s.id(), "\" is a ", s.kind(),
                              " stage and \"", new_g.Id(t), "\" of version ",
                              to_version, " a ", kind, " stage"));
    }
    if (source[t] >= 0) {
      return Bad(s.id(), absl::StrCat("\"", old_g.Id(source[t]),
                                      "\" maps to \"", new_g.Id(t), "\" too"));
    }
    source[t] = i;
  }
  States out;
  for (int t = 0; t < new_g.size(); ++t) {
    StageState* n = out.Add();
    if (source[t] >= 0) {
      *n = states[source[t]];
    } else {
      n->set_state(StageState::PENDING);
    }
    n->set_id(new_g.Id(t));
    n->set_kind(KindOf(to.stages(t)));
  }
  // Rework links follow their approval stage to its new id.
  for (StageState& n : out) {
    if (n.rework_for().empty()) continue;
    const int old_a = old_g.Index(n.rework_for());
    const int t = old_a < 0 ? -1 : target[old_a];
    if (t < 0) {
      n.clear_rework_for();
    } else {
      n.set_rework_for(new_g.Id(t));
    }
  }
  // A new stage before one the run has started would never run now.
  for (int t = 0; t < new_g.size(); ++t) {
    if (out[t].state() != StageState::PENDING) continue;
    for (int k = 0; k < new_g.size(); ++k) {
      if (out[k].state() != StageState::PENDING && new_g.Precedes(t, k)) {
        out[t].set_state(StageState::SKIPPED);
        out[t].set_outcome(absl::StrCat("skipped: added in version ",
                                        to_version,
                                        " after the run had passed it"));
        break;
      }
    }
  }
  return out;
}

}  // namespace mops::services::workflows

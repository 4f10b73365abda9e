#include "services/workflows/graph.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace mops::services::workflows {
namespace {

EdgeLabel LabelOf(const v1::WorkflowStage& from, absl::string_view to) {
  if (from.has_condition()) {
    const auto& c = from.condition();
    if (std::find(c.if_true().begin(), c.if_true().end(), to) !=
        c.if_true().end()) {
      return EdgeLabel::kIfTrue;
    }
    if (std::find(c.if_false().begin(), c.if_false().end(), to) !=
        c.if_false().end()) {
      return EdgeLabel::kIfFalse;
    }
    return EdgeLabel::kAlways;
  }
  if (from.has_approval()) {
    return from.approval().on_rejected() == to ? EdgeLabel::kIfRejected
                                               : EdgeLabel::kIfApproved;
  }
  return EdgeLabel::kAlways;
}

}  // namespace

std::string StageField(absl::string_view id) {
  return absl::StrCat("stages[", id, "]");
}

std::string KindOf(const v1::WorkflowStage& s) {
  switch (s.kind_case()) {
    case v1::WorkflowStage::kTask:
      return "task";
    case v1::WorkflowStage::kApproval:
      return "approval";
    case v1::WorkflowStage::kCondition:
      return "condition";
    case v1::WorkflowStage::kWait:
      return "wait";
    case v1::WorkflowStage::kEnd:
      return "end";
    default:
      return "";
  }
}

absl::StatusOr<StageGraph> StageGraph::Build(const Stages& stages) {
  StageGraph g;
  for (const v1::WorkflowStage& s : stages) {
    if (!g.index_.emplace(s.id(), g.size()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          StageField(s.id()), ".id: two stages have the id \"", s.id(), "\""));
    }
    g.ids_.push_back(s.id());
  }
  g.in_.resize(g.size());
  g.out_.resize(g.size());
  for (int to = 0; to < g.size(); ++to) {
    const v1::WorkflowStage& s = stages[to];
    for (int k = 0; k < s.after_size(); ++k) {
      const std::string field =
          absl::StrCat(StageField(s.id()), ".after[", k, "]");
      const int from = g.Index(s.after(k));
      if (from < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": no stage \"", s.after(k), "\""));
      }
      if (from == to) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": a stage cannot come after itself"));
      }
      for (const Edge& e : g.in_[to]) {
        if (e.from == from) {
          return absl::InvalidArgumentError(
              absl::StrCat(field, ": \"", s.after(k), "\" is listed twice"));
        }
      }
      const Edge e{from, to, LabelOf(stages[from], s.id())};
      g.in_[to].push_back(e);
      g.out_[from].push_back(e);
    }
  }
  return g;
}

int StageGraph::Index(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

absl::Status StageGraph::CheckAcyclic() const {
  // 0 unvisited, 1 on the current path, 2 done.
  std::vector<int> mark(size(), 0);
  std::vector<int> path;
  std::function<bool(int)> visit = [&](int i) {
    mark[i] = 1;
    path.push_back(i);
    for (const Edge& e : out_[i]) {
      if (mark[e.to] == 1) {
        path.push_back(e.to);
        return false;
      }
      if (mark[e.to] == 0 && !visit(e.to)) return false;
    }
    path.pop_back();
    mark[i] = 2;
    return true;
  };
  for (int i = 0; i < size(); ++i) {
    if (mark[i] != 0 || visit(i)) continue;
    // path ends with the stage that closes the cycle; show the cycle only.
    const int closing = path.back();
    auto start = std::find(path.begin(), path.end(), closing);
    std::vector<std::string> names;
    for (auto it = start; it != path.end(); ++it) names.push_back(ids_[*it]);
    return absl::InvalidArgumentError(absl::StrCat(
        StageField(ids_[closing]), ".after: the stages form a cycle (",
        absl::StrJoin(names, " -> "),
        "); only an approval's on_changes_requested may point back"));
  }
  return absl::OkStatus();
}

std::vector<int> StageGraph::TopologicalOrder() const {
  std::vector<int> order, pending(size());
  for (int i = 0; i < size(); ++i) {
    pending[i] = static_cast<int>(in_[i].size());
    if (pending[i] == 0) order.push_back(i);
  }
  for (size_t k = 0; k < order.size(); ++k) {
    for (const Edge& e : out_[order[k]]) {
      if (--pending[e.to] == 0) order.push_back(e.to);
    }
  }
  return order;
}

bool StageGraph::Precedes(int a, int b) const {
  std::vector<bool> seen(size(), false);
  std::vector<int> stack = {b};
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    for (const Edge& e : in_[i]) {
      if (e.from == a) return true;
      if (!seen[e.from]) {
        seen[e.from] = true;
        stack.push_back(e.from);
      }
    }
  }
  return false;
}

bool Taken(EdgeLabel label, absl::string_view branch) {
  switch (label) {
    case EdgeLabel::kAlways:
      return true;
    case EdgeLabel::kIfTrue:
      return branch == "true";
    case EdgeLabel::kIfFalse:
      return branch == "false";
    case EdgeLabel::kIfApproved:
      return branch == "approved";
    case EdgeLabel::kIfRejected:
      return branch == "rejected";
  }
  return false;
}

}  // namespace mops::services::workflows

#include "services/common/reactions.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/events.h"

namespace mops::services {

void Reactions::On(absl::string_view type, std::string name, Handler handler) {
  handlers_[std::string(type)].push_back({std::move(name), std::move(handler)});
}

absl::Status Reactions::Check() const {
  const std::vector<std::string> catalog = EventCatalog();
  std::vector<std::string> unknown;
  for (const auto& [type, registered] : handlers_) {
    if (std::find(catalog.begin(), catalog.end(), type) != catalog.end()) {
      continue;
    }
    for (const Registered& r : registered) {
      unknown.push_back(absl::StrCat(r.name, " (on \"", type, "\")"));
    }
  }
  if (unknown.empty()) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("reactions registered for event types events.proto does "
                   "not have: ",
                   absl::StrJoin(unknown, ", ")));
}

namespace {

// "task.state_changed -> approval.completed -> ..." up to event `i`.
// A command's events are numbered from 0, so an index is a position.
std::string ChainOf(const storage::Txn& txn, size_t i) {
  std::vector<std::string> chain;
  while (true) {
    const v1::Event& e = txn.emitted()[i];
    chain.push_back(e.type());
    if (!e.has_cause_index() || e.cause_index() >= i) break;
    i = e.cause_index();
  }
  std::reverse(chain.begin(), chain.end());
  return absl::StrJoin(chain, " -> ");
}

}  // namespace

absl::Status Reactions::Run(storage::Txn& txn, size_t first) const {
  if (handlers_.empty()) return absl::OkStatus();
  size_t begin = first;
  for (int depth = 0; begin < txn.emitted().size(); ++depth) {
    const size_t end = txn.emitted().size();
    if (depth == kMaxDepth) {
      return absl::FailedPreconditionError(absl::StrCat(
          "reactions went more than ", kMaxDepth,
          " rounds deep, a loop between domains: ", ChainOf(txn, end - 1),
          "; nothing was changed"));
    }
    for (size_t i = begin; i < end; ++i) {
      auto it = handlers_.find(txn.emitted()[i].type());
      if (it == handlers_.end()) continue;
      // A copy: handlers emit, which may move the vector's elements.
      const v1::Event cause = txn.emitted()[i];
      txn.set_cause_index(cause.index());
      for (const Registered& r : it->second) {
        absl::Status s = r.handler(txn, cause);
        if (!s.ok()) {
          txn.clear_cause_index();
          return absl::Status(
              s.code(), absl::StrCat("reaction ", r.name, " to ", cause.type(),
                                     " ", cause.subject(), ": ", s.message()));
        }
      }
      txn.clear_cause_index();
    }
    begin = end;
  }
  return absl::OkStatus();
}

std::function<absl::Status(storage::Txn&)> Reactions::Hook() const {
  return [this](storage::Txn& txn) { return Run(txn); };
}

}  // namespace mops::services

// Reactions (DESIGN.md section 3): how domains cooperate without including
// each other. A domain registers handlers for event types; after every
// command (and timer) the engine calls Run in the same Txn, which runs the
// handlers for the events the command emitted, then for the events those
// handlers emitted, breadth-first. Cause and effect commit or fail
// together: a failing handler fails the command that caused it.
#ifndef MOPS_SERVICES_COMMON_REACTIONS_H_
#define MOPS_SERVICES_COMMON_REACTIONS_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mops/v1/events.pb.h"
#include "storage/engine.h"

namespace mops::services {

class Reactions {
 public:
  // Handlers must be deterministic: time comes from txn.Now().
  using Handler =
      std::function<absl::Status(storage::Txn& txn, const v1::Event& event)>;

  // More rounds than this fail the command: a loop between domains.
  static constexpr int kMaxDepth = 8;

  // Register before the engine starts. `type` must be in the event
  // catalog; Check() reports one that is not.
  void On(absl::string_view type, std::string name, Handler handler);

  // INTERNAL naming every handler registered for a type the catalog does
  // not have (a typo would otherwise never fire).
  absl::Status Check() const;

  // Runs the handlers for txn's events from `first` on, breadth-first.
  // FAILED_PRECONDITION naming the chain of event types when the rounds
  // pass kMaxDepth; a handler's error, prefixed with its name, otherwise.
  absl::Status Run(storage::Txn& txn, size_t first = 0) const;

  // The hook for storage::EngineOptions::after_command.
  std::function<absl::Status(storage::Txn&)> Hook() const;

 private:
  struct Registered {
    std::string name;
    Handler handler;
  };
  std::map<std::string, std::vector<Registered>, std::less<>> handlers_;
};

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_REACTIONS_H_

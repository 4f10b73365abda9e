// An agreement version with its conditions compiled, as clocks use it.
// Versions that clocks run on are frozen (active, superseded, retired), so
// a compiled one is shared across commands from a cache keyed by the
// version's stored bytes: no parsing of filters on the write path.
#ifndef MOPS_SERVICES_AGREEMENTS_COMPILED_H_
#define MOPS_SERVICES_AGREEMENTS_COMPILED_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/v1/agreements.pb.h"
#include "services/common/event_condition.h"
#include "storage/engine.h"

namespace mops::services::agreements {

struct CompiledCondition {
  EventCondition condition;
  const v1::ClockCondition* spec;  // reason, charged_to of a pause
};

struct CompiledTerm {
  const v1::AgreementTerm* term;
  std::vector<CompiledCondition> start, pause, resume, stop, cancel;
  // segments[i]: segment i's filter, compiled once per start event type.
  std::vector<std::vector<EventCondition>> segments;
  // Every type the term's conditions name, and those of its stop and
  // cancel conditions (which also reach clocks under the event's subject).
  std::vector<std::string> types;
  std::vector<std::string> closing_types;
};

struct CompiledAgreement {
  std::string id;
  v1::Agreement agreement;
  std::vector<CompiledTerm> terms;
  // Sorted, without repeats.
  std::vector<std::string> types;

  const CompiledTerm* Term(absl::string_view id) const;
};

// Compiles `a` (already valid: ValidateAgreement).
absl::StatusOr<std::shared_ptr<const CompiledAgreement>> Compile(
    absl::string_view id, v1::Agreement a);
// Version `version` of agreement `id`, compiled; cached by its bytes.
absl::StatusOr<std::shared_ptr<const CompiledAgreement>> LoadCompiled(
    const storage::Reader& reader, absl::string_view id, int64_t version);

}  // namespace mops::services::agreements

#endif  // MOPS_SERVICES_AGREEMENTS_COMPILED_H_

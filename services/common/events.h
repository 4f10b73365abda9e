// Typed events (DESIGN.md section 3): an event's type is named by its
// payload field in mops.v1.Event (task_state_changed is
// "task.state_changed"), so one catalog in events.proto lists them all.
#ifndef MOPS_SERVICES_COMMON_EVENTS_H_
#define MOPS_SERVICES_COMMON_EVENTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "mops/v1/events.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services {

// The type of `e`'s payload; empty when it has none.
std::string EventTypeOf(const v1::Event& e);

// The type a payload field stands for: the first '_' becomes '.'.
std::string EventTypeOfField(absl::string_view payload_field);

// Every event type of the catalog, in field order (`legacy` excluded).
std::vector<std::string> EventCatalog();

// Sets `e`'s type from its payload, its subject and who acted, and emits it
// under the command's revision.
void Emit(storage::Txn& txn, const Principal& p, absl::string_view subject,
          v1::Event e);

// Emit for a reaction to `cause`: the new event is stamped with the
// cause's actor (who made the change that led to it).
void EmitReaction(storage::Txn& txn, const v1::Event& cause,
                  absl::string_view subject, v1::Event e);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_EVENTS_H_

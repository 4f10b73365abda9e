// A condition on the change feed: an event type plus an AIP-160 filter
// (filter.h) on the event's payload and the resource it carries, as an
// agreement's clock conditions name them (task.created with
// `labels:mql AND team = teams/sales AND priority = P0`).
//
// The fields come from the descriptors by reflection, one schema per event
// type, built once for the whole catalog on first use:
// - the payload's own scalar, enum, repeated-scalar and map fields (`from`,
//   `stage`, `round`, `reason`, `fields`); they win over a resource field of
//   the same name;
// - the resource, the payload's first singular mops.v1 message field (task,
//   approval, workflow, clock, ...): each of its fields by name
//   (`priority`, `labels`, `template`) and, through nested mops.v1
//   messages, by dotted path (`groups.team`, `stages.state`), at most 3
//   messages below the payload and never into a type already on the path;
// - the same with the resource's field name as prefix (`task.priority`,
//   `workflow.template`), and the payload's other messages by path under
//   their field name (`decision.outcome` on approval.decided, `member.role`,
//   `approval.state` on workflow stage events).
// Values:
// - strings as written (`:` is a case-blind substring, as in the list
//   RPCs' filters); names in full (`team = teams/sales`);
// - enums by value name, case-blind (`priority = P0`), ordered by number
//   (`priority <= P1` is P0 or P1);
// - integers ordered; bools `true` or `false`;
// - timestamps ordered, in RFC 3339 (`due_time < 2026-12-01T00:00:00Z`);
// - durations ordered, written 90m, 4h, 3600s or 1h30m;
// - a repeated field, or a field below a repeated message, is the list of
//   its values (across the elements): `=` and `:` hold when it contains the
//   value, `!=` when it does not; no < >;
// - a map with string keys (not below a repeated message) by entry:
//   `custom_fields.region = emea`; the key as a field name allows
//   [A-Za-z0-9_.] only;
// - below a message the event lacks (a stage event without `approval`), a
//   field is absent: only `!=` holds.
// Double, float and bytes fields, and messages of other packages (but
// Timestamp and Duration), are left out.
//
// Types whose payload has no resource (agreement.clocks_recalculated) are
// refused: a condition is about a resource. `legacy` is no type (see
// EventCatalog).
#ifndef MOPS_SERVICES_COMMON_EVENT_CONDITION_H_
#define MOPS_SERVICES_COMMON_EVENT_CONDITION_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/v1/events.pb.h"
#include "services/common/filter.h"

namespace mops::services {

namespace event_condition_internal {
struct TypeSchema;
}  // namespace event_condition_internal

class EventCondition {
 public:
  // INVALID_ARGUMENT naming `type_field` for a type the catalog lacks or
  // that carries no resource, and naming `filter_field` with the position
  // for a bad filter (e.g. "terms[0].start[1].filter: unknown field ...
  // at position 12"). An empty filter matches every event of the type.
  static absl::StatusOr<EventCondition> Compile(absl::string_view type_field,
                                                absl::string_view event_type,
                                                absl::string_view filter_field,
                                                absl::string_view filter);

  const std::string& event_type() const;
  // False for an event of another type (by its payload).
  bool Matches(const v1::Event& event) const;

 private:
  EventCondition(const event_condition_internal::TypeSchema* schema,
                 filter::Filter filter)
      : schema_(schema), filter_(std::move(filter)) {}

  const event_condition_internal::TypeSchema* schema_;  // never freed
  filter::Filter filter_;
};

// The field names a filter on events of `event_type` may use (for help
// texts and errors), sorted; a map is "NAME.*". The spellings with the
// resource's name as prefix (`task.priority`) are left out.
absl::StatusOr<std::vector<std::string>> EventConditionFields(
    absl::string_view event_type);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_EVENT_CONDITION_H_

// Reading the change feed: which events a caller may see (EventRules on
// each payload field of mops.v1.Event) and which a reader asked for
// (mops.v1.EventFilter). Shared by ListEvents and the watch stream.
#ifndef MOPS_SERVICES_COMMON_EVENT_FILTER_H_
#define MOPS_SERVICES_COMMON_EVENT_FILTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/v1/events.pb.h"
#include "services/common/principal.h"

namespace mops::services {

// Whether `p` may read `e`: admins every event; others every event but the
// admin_only types, owner_only ones only about "users/{p}/...", and those
// with an owner_field only when that field of the payload is "users/{p}".
bool EventVisibleTo(const Principal& p, const v1::Event& e);

class EventFilter {
 public:
  // INVALID_ARGUMENT naming `field`.types[i] for a type the catalog lacks
  // (or "noun.*" of no noun), `field`.subjects[i] for an empty subject.
  static absl::StatusOr<EventFilter> Parse(const v1::EventFilter& proto,
                                           absl::string_view field);

  bool Matches(const v1::Event& e) const;
  // Whether events of `type` can match (the subjects aside).
  bool MatchesType(absl::string_view type) const;

 private:
  std::vector<std::string> types_;     // exact
  std::vector<std::string> families_;  // "approval." for "approval.*"
  std::vector<std::string> subjects_;  // exact or, ending in '/', prefixes
};

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_EVENT_FILTER_H_

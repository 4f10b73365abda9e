// What the domains that do a workflow run's work (projects makes its
// tasks, approvals its approvals) share about runs, without knowing the
// workflows domain: who they act as, and which events end a run.
#ifndef MOPS_SERVICES_COMMON_RUN_WORK_H_
#define MOPS_SERVICES_COMMON_RUN_WORK_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "mops/v1/events.pb.h"
#include "services/common/principal.h"

namespace mops::services {

// The run's starter with the server's authority: their membership was
// checked when the run started, and a stage may give work to another
// team. Events name the starter as actor.
inline Principal RunAuthority(const v1::Workflow& w) {
  Principal p = Principal::System();
  absl::string_view id = w.starter();
  absl::ConsumePrefix(&id, "users/");
  p.user_id = std::string(id);
  return p;
}

// The event types that end a run: its stages' open work is cancelled.
inline constexpr const char* kRunEndedTypes[] = {
    "workflow.cancelled", "workflow.completed", "workflow.failed"};

// The run an event of kRunEndedTypes carries.
inline const v1::Workflow& EndedRun(const v1::Event& e) {
  switch (e.payload_case()) {
    case v1::Event::kWorkflowCancelled:
      return e.workflow_cancelled().workflow();
    case v1::Event::kWorkflowCompleted:
      return e.workflow_completed().workflow();
    default:
      return e.workflow_failed().workflow();
  }
}

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_RUN_WORK_H_

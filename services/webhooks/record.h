// What a lane's job did, written in one command: the attempts into the
// delivery log, failures into pending rows (or, past the schedule, given
// up), the webhook's health (failing since, last success, disabled) and
// its cursor.
#ifndef MOPS_SERVICES_WEBHOOKS_RECORD_H_
#define MOPS_SERVICES_WEBHOOKS_RECORD_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "mops/v1/webhooks.pb.h"
#include "services/webhooks/rules.h"
#include "services/webhooks/state.h"
#include "services/webhooks/webhooks.h"
#include "storage/engine.h"

namespace mops::services::webhooks {

struct Attempt {
  // The log entry: event, attempt number, time, answer (no name or
  // outcome yet).
  v1::WebhookDelivery log;
  // The delivery, with its body, for a pending row if it is to be retried.
  WebhookPending pending;
  // The pending row it was taken from; empty for a first attempt.
  std::string pending_key;
  std::optional<absl::Duration> retry_after;
};

struct JobResult {
  std::string webhook_id;
  // The progress epoch the job started from: the cursor moves only if no
  // command moved it since.
  uint64_t epoch = 0;
  // The new cursor; 0 leaves it.
  uint64_t cursor = 0;
  std::vector<Attempt> attempts;
  // Disable the webhook with this reason (its owner cannot receive).
  std::optional<std::string> disable;
  // Events that left the feed before they were looked at: logged once.
  std::optional<std::pair<uint64_t, uint64_t>> lost;
};

// The command. `now` is the command's time (txn.Now()).
absl::Status Record(storage::Txn& txn, const WebhookOptions& options,
                    const JobResult& result);

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_RECORD_H_

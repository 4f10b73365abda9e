#include "services/webhooks/record.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/webhooks/keys.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks {

using storage::Txn;

namespace {

// Disables the webhook and drops its pending deliveries, with the event.
absl::Status Disable(Txn& txn, absl::string_view id, WebhookRecord& r,
                     WebhookProgress& progress, const std::string& reason) {
  v1::Webhook* w = r.mutable_webhook();
  w->set_state(v1::Webhook::DISABLED);
  w->set_disabled_reason(reason);
  SaveWebhook(txn, id, &r, /*created=*/false);
  RETURN_IF_ERROR(DeleteAllPending(txn, id, &progress));
  v1::Event e;
  *e.mutable_webhook_disabled()->mutable_webhook() = *w;
  e.mutable_webhook_disabled()->set_reason(reason);
  Emit(txn, Principal::System(), w->name(), std::move(e));
  return absl::OkStatus();
}

class Recorder {
 public:
  Recorder(Txn& txn, const WebhookOptions& options, absl::string_view id,
           WebhookRecord& r, WebhookProgress& progress)
      : txn_(txn), options_(options), id_(id), r_(r), progress_(progress) {}

  // Logs one attempt and decides what comes of it.
  absl::Status Add(const Attempt& a) {
    if (!a.pending_key.empty()) {
      RETURN_IF_ERROR(DeletePending(txn_, a.pending_key, &progress_));
    }
    v1::WebhookDelivery log = a.log;
    const Verdict verdict = Judge(log.status_code());
    if (verdict == Verdict::kDelivered) {
      log.set_outcome(v1::WebhookDelivery::SUCCEEDED);
      progress_.clear_failing_since();
      *progress_.mutable_last_success_time() = log.time();
    } else {
      if (!progress_.has_failing_since()) {
        *progress_.mutable_failing_since() = log.time();
      }
      if (!disable_ && verdict == Verdict::kGone) {
        disable_ = absl::StrCat("the receiver answered 410 Gone to ",
                                log.message_id());
      }
      if (!disable_) {
        disable_ = FailingTooLong(FromProtoTime(progress_.failing_since()),
                                  txn_.Now(), options_.disable_after);
      }
      Fail(a, &log);
    }
    AppendDelivery(txn_, id_, std::move(log), &progress_);
    return absl::OkStatus();
  }

  // Why the webhook must be disabled now, if it must.
  const std::optional<std::string>& disable() const { return disable_; }

 private:
  // A failed attempt: retried on the schedule unless the webhook is (being)
  // disabled or the schedule has no attempt left.
  void Fail(const Attempt& a, v1::WebhookDelivery* log) {
    const int status = log->status_code();
    if (Judge(status) == Verdict::kGone) {
      log->set_outcome(v1::WebhookDelivery::FAILED);
      return;
    }
    if (disable_ || r_.webhook().state() != v1::Webhook::ENABLED) {
      log->set_outcome(v1::WebhookDelivery::DROPPED);
      return;
    }
    const absl::Time failed_at =
        FromProtoTime(log->time()) + FromProtoDuration(log->latency());
    std::optional<absl::Time> next = options_.schedule.NextAttempt(
        log->attempt() + 1, failed_at,
        HonoursRetryAfter(status) ? a.retry_after : std::nullopt);
    if (!next) {
      log->set_outcome(v1::WebhookDelivery::FAILED);
      // Given up, with nothing else waiting: the next failure starts a new
      // streak rather than continuing this one for days.
      if (progress_.pending() == 0) progress_.clear_failing_since();
      return;
    }
    log->set_outcome(v1::WebhookDelivery::RETRYING);
    *log->mutable_next_attempt_time() = ToProtoTime(*next);
    WebhookPending pending = a.pending;
    pending.set_attempt(log->attempt() + 1);
    PutPending(txn_, id_, *next, pending, &progress_);
  }

  Txn& txn_;
  const WebhookOptions& options_;
  std::string id_;
  WebhookRecord& r_;
  WebhookProgress& progress_;
  std::optional<std::string> disable_;
};

}  // namespace

absl::Status Record(Txn& txn, const WebhookOptions& options,
                    const JobResult& result) {
  const std::string& id = result.webhook_id;
  ASSIGN_OR_RETURN(std::optional<WebhookRecord> r, FindWebhook(txn, id));
  if (!r) return absl::OkStatus();  // deleted meanwhile: nothing to keep
  ASSIGN_OR_RETURN(WebhookProgress progress, LoadProgress(txn, id));
  // Re-created (a new webhook with the same id) or disabled and enabled
  // since the job began: what it did belongs to what was there before, not
  // to this webhook's log, retries or cursor.
  if (progress.epoch() != result.epoch) return absl::OkStatus();
  if (result.lost) {
    v1::WebhookDelivery lost;
    *lost.mutable_time() = ToProtoTime(txn.Now());
    lost.set_outcome(v1::WebhookDelivery::DROPPED);
    lost.set_error(absl::StrCat(
        "the events of revisions ", result.lost->first, " to ",
        result.lost->second,
        " left the feed (its retention) before they were delivered"));
    AppendDelivery(txn, id, std::move(lost), &progress);
  }
  Recorder recorder(txn, options, id, *r, progress);
  for (const Attempt& a : result.attempts) RETURN_IF_ERROR(recorder.Add(a));
  std::optional<std::string> disable =
      result.disable ? result.disable : recorder.disable();
  if (disable && r->webhook().state() == v1::Webhook::ENABLED) {
    RETURN_IF_ERROR(Disable(txn, id, *r, progress, *disable));
  }
  if (result.cursor > progress.delivered_revision()) {
    progress.set_delivered_revision(result.cursor);
  }
  SaveProgress(txn, id, progress);
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks

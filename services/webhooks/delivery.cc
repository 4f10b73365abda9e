#include "services/webhooks/delivery.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/time_util.h"
#include "services/webhooks/keys.h"
#include "services/webhooks/payload.h"
#include "services/webhooks/record.h"
#include "services/webhooks/signing.h"
#include "storage/log.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks {
namespace {

using storage::Cf;

// A job sends at most this many deliveries, or for about this long, and
// reads at most this many events, so that it records often and other
// lanes get a worker.
constexpr size_t kMaxSends = 50;
constexpr absl::Duration kMaxBusy = absl::Seconds(2);
constexpr size_t kMaxScanned = 10000;
constexpr size_t kPage = 500;
// A job that could not read or record waits this long before the next.
constexpr absl::Duration kRetryAfterError = absl::Seconds(5);
// The cursor is written without a delivery once it moved this far.
constexpr uint64_t kCursorSlack = 100000;

class Job {
 public:
  Job(storage::Engine& engine, const WebhookOptions& options, HttpClient& http,
      std::string id, const std::atomic<bool>& stopping)
      : engine_(engine),
        options_(options),
        http_(http),
        id_(std::move(id)),
        stopping_(stopping),
        start_(absl::Now()) {}

  LaneState Run(const LaneState& before);

 private:
  bool Busy() const {
    return stopping_.load() || result_.attempts.size() >= kMaxSends ||
           absl::Now() - start_ >= kMaxBusy;
  }
  // The keys of the webhook's current secrets.
  std::vector<std::string> Keys(const WebhookRecord& r) const;
  // False when the attempt was abandoned (the server is stopping): nothing
  // is recorded for it and it is sent again by a later job.
  bool Send(const WebhookPending& delivery, std::string pending_key);
  absl::Status Retries();
  // New events after `cursor`; returns the revision looked at up to.
  absl::StatusOr<uint64_t> NewEvents(uint64_t cursor, const Audience& audience);
  absl::Time NextDue() const;

  storage::Engine& engine_;
  const WebhookOptions& options_;
  HttpClient& http_;
  const std::string id_;
  const std::atomic<bool>& stopping_;
  const absl::Time start_;
  std::vector<std::string> keys_;
  std::string url_;
  JobResult result_;
};

std::vector<std::string> Job::Keys(const WebhookRecord& r) const {
  std::vector<std::string> keys;
  for (const std::string* secret : {&r.secret(), &r.previous_secret()}) {
    if (secret->empty()) continue;
    if (secret == &r.previous_secret() &&
        FromProtoTime(r.webhook().previous_secret_expire_time()) <=
            engine_.clock()->Now()) {
      continue;
    }
    absl::StatusOr<std::string> key = SecretKey(*secret);
    if (key.ok()) keys.push_back(*std::move(key));
  }
  return keys;
}

bool Job::Send(const WebhookPending& delivery, std::string pending_key) {
  const absl::Time now = engine_.clock()->Now();
  const int64_t timestamp = absl::ToUnixSeconds(now);
  HttpRequest request;
  request.url = url_;
  request.body = delivery.body();
  request.timeout = options_.timeout;
  request.allow_private = options_.allow_private_targets;
  request.cancel = &stopping_;
  request.headers = {
      {"content-type", "application/json"},
      {"user-agent", "mops-webhooks/1"},
      {"webhook-id", delivery.message_id()},
      {"webhook-timestamp", absl::StrCat(timestamp)},
      {"webhook-signature", SignatureHeader(keys_, delivery.message_id(),
                                            timestamp, delivery.body())}};
  HttpResult answer = http_.Post(request);
  if (answer.cancelled) return false;
  Attempt a;
  v1::WebhookDelivery& log = a.log;
  log.set_message_id(delivery.message_id());
  log.set_event_revision(delivery.event_revision());
  log.set_event_index(delivery.event_index());
  log.set_event_type(delivery.event_type());
  log.set_attempt(std::max(delivery.attempt(), 1));
  log.set_redelivery(delivery.redelivery());
  *log.mutable_time() = ToProtoTime(now);
  log.set_status_code(answer.status_code);
  log.set_error(std::move(answer.error));
  *log.mutable_latency() = ToProtoDuration(answer.latency);
  log.set_response_excerpt(std::move(answer.excerpt));
  a.pending = delivery;
  a.pending_key = std::move(pending_key);
  a.retry_after = answer.retry_after;
  result_.attempts.push_back(std::move(a));
  return true;
}

absl::Status Job::Retries() {
  const absl::Time now = engine_.clock()->Now();
  std::vector<std::pair<std::string, WebhookPending>> due;
  RETURN_IF_ERROR(engine_.ScanRange(
      Cf::kRecords, keys::PendingPrefix(id_), keys::PendingAfter(id_, now),
      [&](absl::string_view key, absl::string_view value) {
        WebhookPending p;
        if (p.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          due.emplace_back(std::string(key), std::move(p));
        }
        return due.size() < kMaxSends;
      }));
  for (auto& [key, pending] : due) {
    if (Busy() || !Send(pending, key)) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Job::NewEvents(uint64_t cursor,
                                        const Audience& audience) {
  size_t scanned = 0;
  while (!Busy() && scanned < kMaxScanned) {
    const uint64_t head = engine_.committed_revision();
    const uint64_t first = engine_.first_event_revision();
    if (cursor + 1 < first) {
      // Retention went past us (a lane stuck for months): say so once.
      result_.lost = std::make_pair(cursor + 1, first - 1);
      LogWarning("webhooks/", id_, ": events of revisions ", cursor + 1, " to ",
                 first - 1, " left the feed before they were delivered");
      cursor = first - 1;
    }
    ASSIGN_OR_RETURN(std::vector<v1::Event> page,
                     engine_.ReadEventPage(cursor, kPage));
    // Retention may have trimmed the feed during the read, in rows that do
    // not follow revisions: such a page may lack part of what it should
    // hold. Read again, through the check above.
    if (cursor + 1 < engine_.first_event_revision()) continue;
    if (page.empty()) return std::max(cursor, head);
    // Pages hold whole revisions; a job stops between revisions only.
    uint64_t revision = 0;
    for (v1::Event& e : page) {
      if (e.revision() != revision) {
        if (revision != 0) cursor = revision;
        if (Busy()) return cursor;
        revision = e.revision();
      }
      ++scanned;
      if (!audience.Wants(e)) continue;
      WebhookPending delivery;
      delivery.set_message_id(MessageId(e.revision(), e.index()));
      delivery.set_event_revision(e.revision());
      delivery.set_event_index(e.index());
      delivery.set_event_type(e.type());
      delivery.set_body(DeliveryBody(e));
      delivery.set_attempt(1);
      // The cursor stays before this revision, so the abandoned event (and
      // any of its revision sent already: at least once) goes again.
      if (!Send(delivery, "")) return cursor;
    }
    cursor = revision;
  }
  return cursor;
}

absl::Time Job::NextDue() const {
  absl::Time due = absl::InfiniteFuture();
  (void)engine_.Scan(Cf::kRecords, keys::PendingPrefix(id_), "",
                     [&](absl::string_view key, absl::string_view) {
                       due = keys::DueOfPending(key);
                       return false;
                     });
  return due;
}

LaneState Job::Run(const LaneState& before) {
  LaneState after = before;
  absl::StatusOr<std::optional<WebhookRecord>> r = FindWebhook(engine_, id_);
  absl::StatusOr<WebhookProgress> progress = LoadProgress(engine_, id_);
  if (!r.ok() || !progress.ok()) {
    LogWarning("webhooks/", id_, ": cannot read it: ",
               (!r.ok() ? r.status() : progress.status()).message());
    after.not_before = engine_.clock()->Now() + kRetryAfterError;
    return after;
  }
  after.not_before = absl::InfinitePast();
  if (!*r) {
    after.exists = false;
    return after;
  }
  after.enabled = (*r)->webhook().state() == v1::Webhook::ENABLED;
  if (progress->epoch() != before.epoch || before.scanned == 0) {
    after.epoch = progress->epoch();
    after.scanned = progress->delivered_revision();
  }
  after.scanned = std::max(after.scanned, progress->delivered_revision());
  if (!after.enabled) return after;
  keys_ = Keys(**r);
  url_ = (*r)->webhook().url();
  result_.webhook_id = id_;
  result_.epoch = after.epoch;
  absl::StatusOr<Audience> audience = Audience::Of(engine_, (*r)->webhook());
  absl::Status s = absl::OkStatus();
  if (!audience.ok() && (absl::IsNotFound(audience.status()) ||
                         absl::IsFailedPrecondition(audience.status()) ||
                         absl::IsInvalidArgument(audience.status()))) {
    // The owner is gone or cannot receive, or the filter no longer parses:
    // for good.
    result_.disable = std::string(audience.status().message());
  } else if (!audience.ok()) {
    s = audience.status();  // a read that failed: try again later
  } else {
    s = Retries();
    if (s.ok()) {
      absl::StatusOr<uint64_t> cursor = NewEvents(after.scanned, *audience);
      s = cursor.status();
      if (s.ok()) after.scanned = *cursor;
    }
  }
  if (!s.ok()) {
    LogWarning("webhooks/", id_, ": ", s.message());
    after.not_before = engine_.clock()->Now() + kRetryAfterError;
  }
  const bool moved =
      after.scanned >= progress->delivered_revision() + kCursorSlack;
  if (!result_.attempts.empty() || result_.disable || result_.lost || moved) {
    result_.cursor = after.scanned;
    absl::Status recorded = engine_.Execute(
        [&](storage::Txn& txn) { return Record(txn, options_, result_); });
    if (!recorded.ok()) {
      // Nothing of it is stored: the next job sends these again.
      LogWarning("webhooks/", id_,
                 ": cannot record deliveries: ", recorded.message());
      after.scanned = progress->delivered_revision();
      after.not_before = engine_.clock()->Now() + kRetryAfterError;
      return after;
    }
    if (result_.disable) after.enabled = false;
  }
  after.next_due = NextDue();
  return after;
}

}  // namespace

LaneState RunLane(storage::Engine& engine, const WebhookOptions& options,
                  HttpClient& http, absl::string_view id,
                  const LaneState& before, const std::atomic<bool>& stopping) {
  return Job(engine, options, http, std::string(id), stopping).Run(before);
}

}  // namespace mops::services::webhooks

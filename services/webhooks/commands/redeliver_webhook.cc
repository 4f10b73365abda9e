#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/validation.h"
#include "services/webhooks/commands/commands.h"
#include "services/webhooks/payload.h"
#include "services/webhooks/signing.h"
#include "services/webhooks/state.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks::commands {

using storage::Cf;
using storage::Txn;

namespace {

// One call reads at most this many events and queues at most this many
// deliveries (whole revisions), so that it holds the apply thread briefly.
constexpr size_t kMaxRead = 10000;
constexpr int kMaxQueued = 1000;

absl::StatusOr<uint64_t> FirstKept(const Txn& txn) {
  ASSIGN_OR_RETURN(std::optional<std::string> row,
                   txn.Get(Cf::kMeta, storage::keys::MetaFirstEvent()));
  uint64_t first = 1;
  if (row && !absl::SimpleAtoi(*row, &first)) {
    return absl::DataLossError("stored first event revision does not parse");
  }
  return first;
}

absl::Status OutOfRange(absl::string_view field, uint64_t revision,
                        uint64_t first) {
  return absl::OutOfRangeError(absl::StrCat(
      field, ": revision ", revision,
      " is past the feed's retention; the first revision kept is ", first));
}

class Queue {
 public:
  Queue(Txn& txn, absl::string_view id, WebhookProgress* progress)
      : txn_(txn), id_(id), progress_(progress) {}
  void Add(const v1::Event& e) {
    WebhookPending pending;
    pending.set_message_id(MessageId(e.revision(), e.index()));
    pending.set_event_revision(e.revision());
    pending.set_event_index(e.index());
    pending.set_event_type(e.type());
    pending.set_body(DeliveryBody(e));
    pending.set_attempt(1);
    pending.set_redelivery(true);
    PutPending(txn_, id_, txn_.Now(), pending, progress_);
    ++queued_;
  }
  int queued() const { return queued_; }

 private:
  Txn& txn_;
  std::string id_;
  WebhookProgress* progress_;
  int queued_ = 0;
};

absl::Status RedeliverOne(Txn& txn, const Audience& audience,
                          absl::string_view message_id, uint64_t first,
                          Queue& queue) {
  ASSIGN_OR_RETURN(auto parts, ParseMessageId("message_id", message_id));
  const auto [revision, index] = parts;
  if (revision < first) return OutOfRange("message_id", revision, first);
  v1::Event e;
  ASSIGN_OR_RETURN(
      bool found,
      txn.GetProto(Cf::kEvents, storage::keys::Event(revision, index), &e));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("message_id: the feed has no event ", message_id));
  }
  if (!audience.Wants(e)) {
    return absl::FailedPreconditionError(
        absl::StrCat("message_id: ", message_id, " (", e.type(), " about ",
                     e.subject(), ") is not an event this webhook sends"));
  }
  queue.Add(e);
  return absl::OkStatus();
}

// Events of (after, through] the webhook wants, in whole revisions, up to
// the limits; returns the last revision done.
absl::StatusOr<uint64_t> RedeliverRange(Txn& txn, const Audience& audience,
                                        uint64_t after, uint64_t through,
                                        Queue& queue) {
  uint64_t done = after;
  size_t read = 0;
  uint64_t current = 0;
  bool stopped = false;
  absl::Status parsed = absl::OkStatus();
  RETURN_IF_ERROR(txn.ScanRange(
      Cf::kEvents, storage::keys::EventsFrom(after + 1),
      storage::keys::EventsFrom(through + 1),
      [&](absl::string_view, absl::string_view value) {
        v1::Event e;
        if (!e.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parsed = absl::DataLossError("a stored event does not parse");
          return false;
        }
        if (e.revision() != current) {
          // A revision boundary: the one before is whole.
          if (current != 0) done = current;
          if (read >= kMaxRead || queue.queued() >= kMaxQueued) {
            stopped = true;
            return false;
          }
          current = e.revision();
        }
        ++read;
        if (audience.Wants(e)) queue.Add(e);
        return true;
      }));
  RETURN_IF_ERROR(parsed);
  return stopped ? done : through;
}

}  // namespace

absl::Status RedeliverWebhook::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("name", req.name(), "webhooks/*").status());
  if (!req.message_id().empty()) {
    if (req.after_revision() != 0 || req.through_revision() != 0) {
      return absl::InvalidArgumentError(
          "message_id: give either a message id or a revision range, not "
          "both");
    }
    return ParseMessageId("message_id", req.message_id()).status();
  }
  if (req.through_revision() != 0 &&
      req.through_revision() <= req.after_revision()) {
    return absl::InvalidArgumentError(
        "through_revision: must be greater than after_revision (or 0 for "
        "the head)");
  }
  return absl::OkStatus();
}

absl::Status RedeliverWebhook::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "webhooks/*"));
  ASSIGN_OR_RETURN(WebhookRecord r, LoadWebhook(txn, p, id));
  if (r.webhook().state() != v1::Webhook::ENABLED) {
    return absl::FailedPreconditionError(absl::StrCat(
        req.name(), " is disabled; enable it first (state ENABLED)"));
  }
  ASSIGN_OR_RETURN(Audience audience, Audience::Of(txn, r.webhook()));
  ASSIGN_OR_RETURN(uint64_t first, FirstKept(txn));
  ASSIGN_OR_RETURN(WebhookProgress progress, LoadProgress(txn, id));
  Queue queue(txn, id, &progress);
  if (!req.message_id().empty()) {
    RETURN_IF_ERROR(
        RedeliverOne(txn, audience, req.message_id(), first, queue));
    out->set_next_after_revision(req.after_revision());
  } else {
    if (req.after_revision() + 1 < first) {
      return OutOfRange("after_revision", req.after_revision() + 1, first);
    }
    // The head: every revision before this command's.
    const uint64_t head = txn.revision() - 1;
    const uint64_t through = req.through_revision() == 0
                                 ? head
                                 : std::min(req.through_revision(), head);
    if (req.after_revision() >= through) {
      return absl::OutOfRangeError(
          absl::StrCat("after_revision: ", req.after_revision(),
                       " is not before the head revision ", head));
    }
    ASSIGN_OR_RETURN(
        uint64_t done,
        RedeliverRange(txn, audience, req.after_revision(), through, queue));
    out->set_next_after_revision(done);
  }
  SaveProgress(txn, id, progress);
  out->set_queued(queue.queued());
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks::commands

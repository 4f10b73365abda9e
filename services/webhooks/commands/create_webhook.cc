#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/ids.h"
#include "services/common/validation.h"
#include "services/webhooks/commands/commands.h"
#include "services/webhooks/keys.h"
#include "services/webhooks/signing.h"
#include "services/webhooks/state.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks::commands {

using storage::Cf;
using storage::Txn;

namespace {

absl::StatusOr<int> CountOwned(const storage::Reader& reader,
                               const std::string& owner) {
  int n = 0;
  RETURN_IF_ERROR(storage::ScanParsed<WebhookRecord>(
      reader, Cf::kRecords, keys::WebhookPrefix(), "",
      [&](absl::string_view, WebhookRecord&& r) {
        n += r.webhook().owner() == owner;
        return true;
      }));
  return n;
}

}  // namespace

absl::Status CreateWebhook::Validate(const Request& req) const {
  if (!req.webhook_id().empty()) {
    RETURN_IF_ERROR(ValidateId("webhook_id", req.webhook_id()));
  }
  for (absl::string_view path : {"url", "filter", "description"}) {
    RETURN_IF_ERROR(CheckField(path, req.webhook(), *options));
  }
  return absl::OkStatus();
}

absl::Status CreateWebhook::Apply(Txn& txn, const Principal& p,
                                  const Request& req, Response* out) const {
  const std::string owner = p.UserName();
  ASSIGN_OR_RETURN(int owned, CountOwned(txn, owner));
  if (owned >= kMaxWebhooksPerOwner) {
    return absl::FailedPreconditionError(
        absl::StrCat(owner, " already has ", owned,
                     " webhooks, the most one user may have; delete one"));
  }
  std::string id = req.webhook_id();
  if (id.empty()) {
    ASSIGN_OR_RETURN(id, FreshId(txn, Cf::kRecords, 'w', [](const auto& i) {
                       return keys::Webhook(i);
                     }));
  } else {
    ASSIGN_OR_RETURN(auto existing, FindWebhook(txn, id));
    if (existing) {
      return absl::AlreadyExistsError(
          absl::StrCat("webhook \"", WebhookName(id), "\" already exists"));
    }
  }
  WebhookRecord r;
  v1::Webhook* w = r.mutable_webhook();
  w->set_name(WebhookName(id));
  w->set_url(req.webhook().url());
  *w->mutable_filter() = req.webhook().filter();
  w->set_description(req.webhook().description());
  w->set_state(req.webhook().state() == v1::Webhook::DISABLED
                   ? v1::Webhook::DISABLED
                   : v1::Webhook::ENABLED);
  w->set_owner(owner);
  r.set_secret(GenerateSecret());
  SaveWebhook(txn, id, &r, /*created=*/true);
  // Deliveries start after this revision: a webhook gets what commits
  // after it exists.
  WebhookProgress progress;
  progress.set_delivered_revision(txn.revision());
  // Unique across deletes and re-creates of the same id: a job still
  // running for a deleted namesake cannot record into this webhook.
  progress.set_epoch(txn.revision());
  SaveProgress(txn, id, progress);
  v1::Event e;
  *e.mutable_webhook_created()->mutable_webhook() = *w;
  Emit(txn, p, w->name(), std::move(e));
  *out->mutable_webhook() = ToApi(r, progress);
  out->set_secret(r.secret());
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks::commands

#include "services/webhooks/queries.h"

#include <string>
#include <utility>
#include <vector>

#include "services/common/pagination.h"
#include "services/common/validation.h"
#include "services/webhooks/keys.h"
#include "services/webhooks/state.h"
#include "storage/status_macros.h"

namespace mops::services::webhooks::queries {

using storage::Cf;
using storage::Reader;

namespace {

std::string IdOf(const v1::Webhook& w) {
  return w.name().substr(w.name().find('/') + 1);
}

}  // namespace

absl::Status GetWebhook::Run(const Reader& reader, const Principal& p,
                             const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string id, ParseId("name", req.name(), "webhooks/*"));
  ASSIGN_OR_RETURN(WebhookRecord r, LoadWebhook(reader, p, id));
  ASSIGN_OR_RETURN(WebhookProgress progress, LoadProgress(reader, id));
  *out = ToApi(r, progress);
  return absl::OkStatus();
}

absl::Status ListWebhooks::Run(const Reader& reader, const Principal& p,
                               const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(req.page_size(), req.page_token(),
                                    keys::WebhookPrefix()));
  const std::string me = p.UserName();
  std::vector<WebhookRecord> records;
  ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      ReadPage<WebhookRecord>(reader, Cf::kRecords, keys::WebhookPrefix(), page,
                              &records, [&](const WebhookRecord& r) {
                                return p.admin || r.webhook().owner() == me;
                              }));
  for (const WebhookRecord& r : records) {
    ASSIGN_OR_RETURN(WebhookProgress progress,
                     LoadProgress(reader, IdOf(r.webhook())));
    *out->add_webhooks() = ToApi(r, progress);
  }
  return absl::OkStatus();
}

absl::Status ListWebhookDeliveries::Run(const Reader& reader,
                                        const Principal& p, const Request& req,
                                        Response* out) const {
  ASSIGN_OR_RETURN(std::string id,
                   ParseId("parent", req.parent(), "webhooks/*"));
  RETURN_IF_ERROR(LoadWebhook(reader, p, id).status());
  const std::string prefix = keys::DeliveryPrefix(id);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(req.page_size(), req.page_token(), prefix));
  std::vector<v1::WebhookDelivery> log;
  std::function<bool(const v1::WebhookDelivery&)> keep;
  if (!req.message_id().empty()) {
    keep = [&](const v1::WebhookDelivery& d) {
      return d.message_id() == req.message_id();
    };
  }
  ASSIGN_OR_RETURN(*out->mutable_next_page_token(),
                   ReadPage<v1::WebhookDelivery>(reader, Cf::kRecords, prefix,
                                                 page, &log, keep));
  for (v1::WebhookDelivery& d : log) *out->add_deliveries() = std::move(d);
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks::queries

// The read RPCs of webhooks (the pattern is in services/common/binder.h).
#ifndef MOPS_SERVICES_WEBHOOKS_QUERIES_H_
#define MOPS_SERVICES_WEBHOOKS_QUERIES_H_

#include "mops/v1/webhooks.pb.h"
#include "services/common/command.h"

namespace mops::services::webhooks::queries {

MOPS_DECLARE_QUERY(GetWebhook, v1::GetWebhookRequest, v1::Webhook);
MOPS_DECLARE_QUERY(ListWebhooks, v1::ListWebhooksRequest,
                   v1::ListWebhooksResponse);
MOPS_DECLARE_QUERY(ListWebhookDeliveries, v1::ListWebhookDeliveriesRequest,
                   v1::ListWebhookDeliveriesResponse);

}  // namespace mops::services::webhooks::queries

#endif  // MOPS_SERVICES_WEBHOOKS_QUERIES_H_

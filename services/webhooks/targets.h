// Where a webhook may send: http(s) URLs, and not to the server's own
// network unless the operator allows it (--webhook-allow-private-targets).
// A name is checked again at each connection, against every address it
// resolves to (http_client.cc), so DNS cannot point it inside later.
#ifndef MOPS_SERVICES_WEBHOOKS_TARGETS_H_
#define MOPS_SERVICES_WEBHOOKS_TARGETS_H_

#include <sys/socket.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace mops::services::webhooks {

// INVALID_ARGUMENT naming `field` unless `url` is an absolute http:// or
// https:// URL with a host; with allow_private false, also when the host is
// a private address literal or a local name ("localhost",
// "metadata.google.internal").
absl::Status ValidateUrl(absl::string_view field, absl::string_view url,
                         bool allow_private);

// Loopback, private (RFC 1918, unique local), carrier-grade NAT,
// link-local (cloud metadata at 169.254.169.254 among them), unspecified,
// multicast and broadcast addresses, and IPv4 ones mapped into IPv6.
bool IsPrivateAddress(const sockaddr* address);
// The same for a textual IPv4 or IPv6 address; false for anything else.
bool IsPrivateAddressText(absl::string_view ip);
// "10.0.0.1" or "fe80::1" of an address, for messages.
std::string AddressText(const sockaddr* address);

}  // namespace mops::services::webhooks

#endif  // MOPS_SERVICES_WEBHOOKS_TARGETS_H_

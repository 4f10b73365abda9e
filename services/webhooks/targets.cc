#include "services/webhooks/targets.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace mops::services::webhooks {
namespace {

bool PrivateV4(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) {
    return (a >> (32 - bits)) == (net >> (32 - bits));
  };
  return in(0x00000000, 8) ||   // 0.0.0.0/8, "this network"
         in(0x0A000000, 8) ||   // 10/8
         in(0x64400000, 10) ||  // 100.64/10, carrier-grade NAT
         in(0x7F000000, 8) ||   // loopback
         in(0xA9FE0000, 16) ||  // link-local, cloud metadata
         in(0xAC100000, 12) ||  // 172.16/12
         in(0xC0000000, 24) ||  // 192.0.0/24, protocol assignments
         in(0xC0A80000, 16) ||  // 192.168/16
         in(0xC6120000, 15) ||  // 198.18/15, benchmarking
         in(0xE0000000, 4) ||   // multicast
         a >= 0xF0000000;       // reserved, broadcast
}

bool PrivateV6(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a)) {
    uint32_t v4 = 0;
    std::memcpy(&v4, b + 12, 4);
    return PrivateV4(ntohl(v4));
  }
  return IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) ||
         (b[0] & 0xFE) == 0xFC ||                    // fc00::/7, unique local
         (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) ||  // fe80::/10, link-local
         (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) ||  // fec0::/10, site-local
         b[0] == 0xFF ||                             // multicast
         (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B);
  // the last: 64:ff9b::/96, NAT64 of any IPv4 address
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};
using CurlString = std::unique_ptr<char, CurlFree>;

CurlString UrlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK) return nullptr;
  return CurlString(value);
}

}  // namespace

bool IsPrivateAddress(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    return PrivateV4(ntohl(in->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    return PrivateV6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  }
  return true;  // neither IPv4 nor IPv6: not a target
}

bool IsPrivateAddressText(absl::string_view ip) {
  std::string text(ip);
  if (absl::StartsWith(text, "[") && absl::EndsWith(text, "]")) {
    text = text.substr(1, text.size() - 2);
  }
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return PrivateV4(ntohl(v4.s_addr));
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return PrivateV6(v6);
  return false;
}

std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr,
              text, sizeof(text));
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6,
              &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof(text));
  }
  return text;
}

absl::Status ValidateUrl(absl::string_view field, absl::string_view url,
                         bool allow_private) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", url, "\" ", why));
  };
  if (url.empty())
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  const std::string text(url);
  // No default scheme: "example.com/hook" is refused, not guessed.
  if (parsed == nullptr ||
      curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return bad("is not a URL such as https://example.com/hooks/mops");
  }
  CurlString scheme = UrlPart(parsed.get(), CURLUPART_SCHEME);
  const std::string s = scheme ? absl::AsciiStrToLower(scheme.get()) : "";
  if (s != "http" && s != "https") {
    return bad("must start with http:// or https://");
  }
  CurlString host = UrlPart(parsed.get(), CURLUPART_HOST);
  if (host == nullptr || *host.get() == '\0') return bad("has no host");
  if (allow_private) return absl::OkStatus();
  const std::string h = absl::AsciiStrToLower(host.get());
  if (IsPrivateAddressText(h) || h == "localhost" ||
      absl::EndsWith(h, ".localhost") || h == "metadata.google.internal" ||
      h == "metadata") {
    return bad(
        "points into a private network; the server sends there only with "
        "--webhook-allow-private-targets");
  }
  return absl::OkStatus();
}

}  // namespace mops::services::webhooks

// The webhook rules as pure functions: Standard Webhooks signing, message
// ids, the retry schedule, answers, and which targets are private.
#include <arpa/inet.h>
#include <netinet/in.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/webhooks/http_client.h"
#include "services/webhooks/rules.h"
#include "services/webhooks/signing.h"
#include "services/webhooks/targets.h"

namespace mops::services::webhooks {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(SigningTest, MatchesTheStandardWebhooksExample) {
  // The example of the Standard Webhooks specification and its libraries.
  auto key = SecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(Sign(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                 R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(SigningTest, SignsWithEveryKeySpaceSeparated) {
  const std::string a = *SecretKey(GenerateSecret());
  const std::string b = *SecretKey(GenerateSecret());
  const std::string header = SignatureHeader({a, b}, "evt_1_0", 5, "{}");
  EXPECT_EQ(header,
            Sign(a, "evt_1_0", 5, "{}") + " " + Sign(b, "evt_1_0", 5, "{}"));
  EXPECT_NE(Sign(a, "evt_1_0", 5, "{}"), Sign(a, "evt_1_0", 6, "{}"));
}

TEST(SigningTest, SecretsAreRandomAndWellFormed) {
  const std::string s = GenerateSecret();
  EXPECT_THAT(s, StartsWith("whsec_"));
  auto key = SecretKey(s);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 32u);
  EXPECT_NE(s, GenerateSecret());
  for (const char* bad : {"", "whsec_", "MfKQ9r8GKYqrTwjU", "whsec_***"}) {
    EXPECT_FALSE(SecretKey(bad).ok()) << bad;
  }
}

TEST(SigningTest, MessageIdsRoundTripAndBadOnesNameTheField) {
  EXPECT_EQ(MessageId(1200, 3), "evt_1200_3");
  auto parsed = ParseMessageId("message_id", "evt_1200_3");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->first, 1200u);
  EXPECT_EQ(parsed->second, 3u);
  for (const char* bad : {"evt_1200", "evt_0_0", "evt_01_0", "evt_1_x",
                          "msg_1_0", "evt_+1_0", "evt_1_0_0", ""}) {
    auto s = ParseMessageId("message_id", bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_THAT(s.status().message(), HasSubstr("message_id")) << bad;
  }
}

TEST(RetryScheduleTest, DefaultIsTenAttemptsOverAboutThreeAndAHalfDays) {
  const RetrySchedule s = RetrySchedule::Default();
  EXPECT_EQ(s.attempts(), 10);
  EXPECT_EQ(s.ToString(), "0s,5s,5m,30m,2h,5h,10h,14h,20h,1d");
  const absl::Time t = absl::FromUnixSeconds(1000000);
  EXPECT_EQ(s.NextAttempt(2, t, std::nullopt), t + absl::Seconds(5));
  EXPECT_EQ(s.NextAttempt(3, t, std::nullopt), t + absl::Minutes(5));
  EXPECT_EQ(s.NextAttempt(10, t, std::nullopt), t + absl::Hours(24));
  EXPECT_EQ(s.NextAttempt(11, t, std::nullopt), std::nullopt);
}

TEST(RetryScheduleTest, RetryAfterLengthensButNeverShortensNorPassesADay) {
  const RetrySchedule s = RetrySchedule::Default();
  const absl::Time t = absl::FromUnixSeconds(1000000);
  EXPECT_EQ(s.NextAttempt(2, t, absl::Seconds(120)), t + absl::Seconds(120));
  EXPECT_EQ(s.NextAttempt(3, t, absl::Seconds(1)), t + absl::Minutes(5));
  EXPECT_EQ(s.NextAttempt(2, t, absl::Hours(100)), t + absl::Hours(24));
}

TEST(RetryScheduleTest, ParsesAListAndNamesTheFlag) {
  auto s = RetrySchedule::Parse("--webhook-retry-schedule", "0s, 1s,2m,1d");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->attempts(), 4);
  EXPECT_EQ(s->ToString(), "0s,1s,2m,1d");
  for (const char* bad : {"", "0s,,1s", "5 parsecs", "-1s", "5s,1m"}) {
    auto e = RetrySchedule::Parse("--webhook-retry-schedule", bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_THAT(e.status().message(), HasSubstr("--webhook-retry-schedule"));
  }
}

TEST(VerdictTest, TwoHundredsDeliverFourTenIsGoneTheRestRetry) {
  for (int ok : {200, 201, 202, 204, 299}) {
    EXPECT_EQ(Judge(ok), Verdict::kDelivered) << ok;
  }
  EXPECT_EQ(Judge(410), Verdict::kGone);
  for (int retry : {0, 100, 301, 302, 400, 401, 404, 429, 500, 503}) {
    EXPECT_EQ(Judge(retry), Verdict::kRetry) << retry;
  }
  EXPECT_TRUE(HonoursRetryAfter(429));
  EXPECT_TRUE(HonoursRetryAfter(503));
  EXPECT_FALSE(HonoursRetryAfter(500));
}

TEST(VerdictTest, AWebhookFailingLongerThanTheLimitIsDisabled) {
  const absl::Time since = absl::FromUnixSeconds(1000000);
  const absl::Duration limit = absl::Hours(24 * 5);
  EXPECT_EQ(FailingTooLong(since, since + limit - absl::Seconds(1), limit),
            std::nullopt);
  auto reason = FailingTooLong(since, since + limit, limit);
  ASSERT_TRUE(reason.has_value());
  EXPECT_THAT(*reason, HasSubstr("5d"));
}

TEST(TargetsTest, TakesHttpAndHttpsUrlsOnly) {
  EXPECT_TRUE(
      ValidateUrl("webhook.url", "https://hooks.example.com/mops", false).ok());
  EXPECT_TRUE(
      ValidateUrl("webhook.url", "http://93.184.216.34:8080/x", false).ok());
  for (const char* bad : {"", "ftp://example.com/x", "example.com/hook",
                          "https://", "javascript:alert(1)", "file:///etc"}) {
    auto s = ValidateUrl("webhook.url", bad, false);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_THAT(s.message(), HasSubstr("webhook.url")) << bad;
  }
}

TEST(TargetsTest, RefusesPrivateTargetsUnlessAllowed) {
  for (const char* url :
       {"http://127.0.0.1:8080/h", "http://10.1.2.3/h", "http://192.168.0.9/",
        "http://172.20.0.1/", "http://169.254.169.254/latest/meta-data",
        "http://[::1]/h", "http://[fe80::1]/h", "http://[fd00:ec2::254]/",
        "http://[::ffff:127.0.0.1]/", "http://localhost:9000/",
        "http://api.localhost/", "http://metadata.google.internal/",
        "http://0.0.0.0/", "http://100.64.0.1/"}) {
    auto s = ValidateUrl("webhook.url", url, false);
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_THAT(s.message(), HasSubstr("--webhook-allow-private-targets"));
    EXPECT_TRUE(ValidateUrl("webhook.url", url, true).ok()) << url;
  }
}

TEST(TargetsTest, ClassifiesSocketAddresses) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr);
  EXPECT_TRUE(IsPrivateAddress(reinterpret_cast<sockaddr*>(&v4)));
  EXPECT_EQ(AddressText(reinterpret_cast<sockaddr*>(&v4)), "169.254.169.254");
  inet_pton(AF_INET, "8.8.8.8", &v4.sin_addr);
  EXPECT_FALSE(IsPrivateAddress(reinterpret_cast<sockaddr*>(&v4)));
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "2001:4860:4860::8888", &v6.sin6_addr);
  EXPECT_FALSE(IsPrivateAddress(reinterpret_cast<sockaddr*>(&v6)));
  inet_pton(AF_INET6, "::ffff:10.0.0.1", &v6.sin6_addr);
  EXPECT_TRUE(IsPrivateAddress(reinterpret_cast<sockaddr*>(&v6)));
}

TEST(HttpClientTest, KeepsValidUtf8AndReplacesTheRest) {
  EXPECT_EQ(ValidUtf8("plain ok"), "plain ok");
  EXPECT_EQ(ValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(ValidUtf8("a\xFF"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ValidUtf8("\xC3"), "\xEF\xBF\xBD");                  // cut short
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
}

TEST(HttpClientTest, RefusesToConnectToAPrivateAddress) {
  HttpClient http;
  HttpRequest req;
  req.url = "http://127.0.0.1:9/hook";
  req.body = "{}";
  HttpResult r = http.Post(req);
  EXPECT_EQ(r.status_code, 0);
  EXPECT_THAT(r.error, HasSubstr("private address 127.0.0.1"));
}

}  // namespace
}  // namespace mops::services::webhooks

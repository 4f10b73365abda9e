// Data format 2 -> 3: events' string details move into `legacy`, timers'
// text payloads become typed ones through the upgrades their kinds
// register; a start that died halfway goes on; a kind without an upgrade
// fails the open.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "tests/testing/raw_db.h"
#include "tests/testing/temp_dir.h"

namespace mops::storage {
namespace {

using mops::internal::v1::Format2EventDetails;
using mops::internal::v1::TimerRecord;
using ::mops::testing::RawDb;
using ::testing::HasSubstr;

constexpr char kKind[] = "test.kind";

// An event row as format 2 wrote it: the event, and its details in field 8.
std::string Format2Event(uint64_t revision, const std::string& type,
                         const std::map<std::string, std::string>& data) {
  mops::v1::Event e;
  e.set_revision(revision);
  e.set_type(type);
  e.set_subject("teams/t");
  e.set_actor("users/admin");
  Format2EventDetails details;
  for (const auto& [k, v] : data) (*details.mutable_data())[k] = v;
  // Two serialized messages one after the other parse as their merge.
  return e.SerializeAsString() + details.SerializeAsString();
}

std::string Format2Timer(const std::string& kind, const std::string& text) {
  TimerRecord t;
  t.set_kind(kind);
  t.set_target("things/x");
  t.set_format2_payload(text);
  return t.SerializeAsString();
}

// A format 2 folder: two legacy events (one with details, one without),
// one typed event, and a timer of kKind and one without a payload.
void WriteFormat2Folder(const std::string& path,
                        const std::string& timer_kind) {
  std::vector<std::string> families(kCfNames.begin(), kCfNames.end());
  RawDb raw(path, families);
  raw.Put("default", keys::MetaFormatVersion(), "2");
  raw.Put("default", keys::MetaLastRevision(), "3");
  raw.Put("events", keys::Event(1, 0),
          Format2Event(1, "team.member_added",
                       {{"user", "users/ann"}, {"role", "LEAD"}}));
  raw.Put("events", keys::Event(2, 0), Format2Event(2, "team.created", {}));
  mops::v1::Event typed;
  typed.set_revision(3);
  typed.set_type("calendar.created");
  typed.mutable_calendar_created()->mutable_calendar()->set_name(
      "calendars/default");
  raw.Put("events", keys::Event(3, 0), typed.SerializeAsString());
  raw.Put("timers", keys::Timer(absl::FromUnixSeconds(2000000000), 1, 0),
          Format2Timer(timer_kind, "42"));
  TimerRecord bare;
  bare.set_kind("token.expire");
  bare.set_target("users/a/tokens/t");
  raw.Put("timers", keys::Timer(absl::FromUnixSeconds(2000000001), 1, 1),
          bare.SerializeAsString());
}

// Packs the text as an Int64Value.
absl::Status UpgradeTestTimer(TimerRecord* timer) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(timer->format2_payload(), &n)) {
    return absl::DataLossError("not a number");
  }
  google::protobuf::Int64Value v;
  v.set_value(n);
  timer->mutable_payload()->PackFrom(v);
  return absl::OkStatus();
}

class FormatUpgradeTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<Engine>> Open() {
    EngineOptions options;
    options.path = dir_.Sub("db");
    options.timer_upgrades[kKind] = UpgradeTestTimer;
    return Engine::Open(options);
  }
  mops::testing::TempDir dir_;
};

TEST_F(FormatUpgradeTest, EventsGetTheirDetailsInLegacyAndTimersTyped) {
  WriteFormat2Folder(dir_.Sub("db"), kKind);
  {
    // As if an earlier start had died after rewriting the first event.
    RawDb raw(dir_.Sub("db"));
    mops::v1::Event done;
    done.set_revision(1);
    done.set_type("team.member_added");
    (*done.mutable_legacy()->mutable_data())["user"] = "users/ann";
    (*done.mutable_legacy()->mutable_data())["role"] = "LEAD";
    raw.Put("events", keys::Event(1, 0), done.SerializeAsString());
  }
  {
    auto engine = Open();
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto events = (*engine)->ReadEvents(0, 100);
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_EQ(events->size(), 3u);
    const mops::v1::Event& added = (*events)[0];
    ASSERT_TRUE(added.has_legacy());
    EXPECT_EQ(added.legacy().data().at("user"), "users/ann");
    EXPECT_EQ(added.legacy().data().at("role"), "LEAD");
    EXPECT_EQ(added.type(), "team.member_added");
    EXPECT_EQ(added.actor(), "");  // rewritten by the "earlier start"
    const mops::v1::Event& created = (*events)[1];
    ASSERT_TRUE(created.has_legacy());
    EXPECT_TRUE(created.legacy().data().empty());
    EXPECT_EQ(created.actor(), "users/admin");
    EXPECT_EQ(created.subject(), "teams/t");
    // No trace of field 8 is left in the rewritten row.
    EXPECT_TRUE(created.GetReflection()->GetUnknownFields(created).empty());
    EXPECT_EQ((*events)[2].calendar_created().calendar().name(),
              "calendars/default");
  }
  RawDb raw(dir_.Sub("db"));
  EXPECT_EQ(raw.Get("default", keys::MetaFormatVersion()), "3");
  TimerRecord timer;
  ASSERT_TRUE(timer.ParseFromString(*raw.Get(
      "timers", keys::Timer(absl::FromUnixSeconds(2000000000), 1, 0))));
  EXPECT_TRUE(timer.format2_payload().empty());
  google::protobuf::Int64Value v;
  ASSERT_TRUE(timer.payload().UnpackTo(&v));
  EXPECT_EQ(v.value(), 42);
  ASSERT_TRUE(timer.ParseFromString(*raw.Get(
      "timers", keys::Timer(absl::FromUnixSeconds(2000000001), 1, 1))));
  EXPECT_EQ(timer.kind(), "token.expire");
  EXPECT_FALSE(timer.has_payload());
}

// A timer kind nobody upgrades would never fire right: the open fails,
// naming it, and the folder stays at format 2 for a mopsd that knows it.
TEST_F(FormatUpgradeTest, ATimerKindWithoutAnUpgradeFailsTheOpen) {
  WriteFormat2Folder(dir_.Sub("db"), "other.kind");
  auto engine = Open();
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(engine.status().message(), HasSubstr("\"other.kind\""));
  EXPECT_EQ(RawDb(dir_.Sub("db")).Get("default", keys::MetaFormatVersion()),
            "2");
}

// A payload its upgrade cannot read fails the open the same way.
TEST_F(FormatUpgradeTest, AnUnreadablePayloadFailsTheOpen) {
  WriteFormat2Folder(dir_.Sub("db"), kKind);
  RawDb(dir_.Sub("db"))
      .Put("timers", keys::Timer(absl::FromUnixSeconds(2000000000), 1, 0),
           Format2Timer(kKind, "forty-two"));
  auto engine = Open();
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace mops::storage

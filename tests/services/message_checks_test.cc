#include "services/common/message_checks.h"

#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "mops/v1/admin.pb.h"
#include "mops/v1/approvals.pb.h"
#include "mops/v1/identity.pb.h"
#include "mops/v1/projects.pb.h"
#include "tests/services/message_checks_test.pb.h"

namespace mops::services {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

google::protobuf::Timestamp Time(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

google::protobuf::Duration Span(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Duration d;
  d.set_seconds(seconds);
  d.set_nanos(nanos);
  return d;
}

// The message of an INVALID_ARGUMENT status, or a note that it was not one.
std::string Invalid(const google::protobuf::Message& m) {
  absl::Status s = CheckMessage(m);
  if (s.code() != absl::StatusCode::kInvalidArgument) {
    return "not INVALID_ARGUMENT: " + s.ToString();
  }
  return std::string(s.message());
}

v1::CreateTaskRequest TaskDue(const google::protobuf::Timestamp& due) {
  v1::CreateTaskRequest req;
  req.set_parent("projects/p");
  req.mutable_task()->set_title("t");
  *req.mutable_task()->mutable_due_time() = due;
  return req;
}

TEST(CheckMessageTest, AcceptsTimestampsFromYear1ToYear9999) {
  EXPECT_TRUE(CheckMessage(TaskDue(Time(kMinTimestampSeconds))).ok());
  EXPECT_TRUE(CheckMessage(TaskDue(Time(kMaxTimestampSeconds))).ok());
  EXPECT_TRUE(
      CheckMessage(TaskDue(Time(kMaxTimestampSeconds, 999999999))).ok());
  EXPECT_TRUE(CheckMessage(TaskDue(Time(1700000000, 5))).ok());
  // The constants are the dates they claim to be.
  EXPECT_EQ(kMinTimestampSeconds,
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(1, 1, 1),
                                                absl::UTCTimeZone())));
  EXPECT_EQ(
      kMaxTimestampSeconds,
      absl::ToUnixSeconds(absl::FromCivil(
          absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone())));
}

TEST(CheckMessageTest, RejectsTimestampsOneSecondBeyondEitherEnd) {
  EXPECT_EQ(Invalid(TaskDue(Time(kMaxTimestampSeconds + 1))),
            "task.due_time: 10000-01-01T00:00:00Z is after "
            "9999-12-31T23:59:59Z");
  EXPECT_EQ(Invalid(TaskDue(Time(kMinTimestampSeconds - 1))),
            "task.due_time: 0000-12-31T23:59:59Z is before "
            "0001-01-01T00:00:00Z");
}

TEST(CheckMessageTest, RejectsAbsurdTimestampsWithoutOverflow) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_THAT(Invalid(TaskDue(Time(kMax, 999999999))),
              AllOf(StartsWith("task.due_time: "),
                    HasSubstr(" is after 9999-12-31T23:59:59Z")));
  EXPECT_THAT(Invalid(TaskDue(Time(kMin))),
              AllOf(StartsWith("task.due_time: "),
                    HasSubstr(" is before 0001-01-01T00:00:00Z")));
}

TEST(CheckMessageTest, RejectsTimestampNanosOutsideASecond) {
  EXPECT_EQ(Invalid(TaskDue(Time(0, -1))),
            "task.due_time: nanos -1 is outside [0, 999999999]");
  EXPECT_EQ(Invalid(TaskDue(Time(0, 1000000000))),
            "task.due_time: nanos 1000000000 is outside [0, 999999999]");
}

TEST(CheckMessageTest, ChecksEveryTimestampOfTheRequest) {
  v1::CreateTokenRequest token;
  *token.mutable_expire_time() = Time(kMaxTimestampSeconds + 1);
  EXPECT_THAT(Invalid(token), StartsWith("expire_time: "));
  v1::CreateDelegationRequest delegation;
  *delegation.mutable_delegation()->mutable_start_time() = Time(0);
  *delegation.mutable_delegation()->mutable_end_time() = Time(0, -5);
  EXPECT_THAT(Invalid(delegation), StartsWith("delegation.end_time: nanos -5"));
  v1::UpdateTaskRequest update;
  *update.mutable_task()->mutable_start_time() = Time(kMinTimestampSeconds - 1);
  EXPECT_THAT(Invalid(update), StartsWith("task.start_time: "));
}

v1::CreateTaskRequest TaskEstimate(const google::protobuf::Duration& d) {
  v1::CreateTaskRequest req;
  *req.mutable_task()->mutable_estimate() = d;
  return req;
}

TEST(CheckMessageTest, AcceptsDurationsFromZeroToTenYears) {
  EXPECT_TRUE(CheckMessage(TaskEstimate(Span(0))).ok());
  EXPECT_TRUE(CheckMessage(TaskEstimate(Span(0, 1))).ok());
  EXPECT_TRUE(CheckMessage(TaskEstimate(Span(3600, 500000000))).ok());
  EXPECT_TRUE(CheckMessage(TaskEstimate(Span(kMaxDurationSeconds))).ok());
  EXPECT_EQ(kMaxDurationSeconds, int64_t{10} * 36525 * 86400 / 100);
}

TEST(CheckMessageTest, RejectsNegativeAndAbsurdDurations) {
  EXPECT_EQ(Invalid(TaskEstimate(Span(-1))), "task.estimate: -1s is negative");
  EXPECT_EQ(Invalid(TaskEstimate(Span(0, -500000000))),
            "task.estimate: -0.5s is negative");
  EXPECT_EQ(Invalid(TaskEstimate(Span(kMaxDurationSeconds, 1))),
            "task.estimate: 315576000.000000001s is more than 10 years "
            "(315576000s)");
  EXPECT_THAT(Invalid(TaskEstimate(Span(std::numeric_limits<int64_t>::max()))),
              HasSubstr("9223372036854775807s is more than 10 years"));
  EXPECT_THAT(Invalid(TaskEstimate(Span(std::numeric_limits<int64_t>::min()))),
              HasSubstr("-9223372036854775808s is negative"));
}

TEST(CheckMessageTest, RejectsMalformedDurations) {
  EXPECT_EQ(Invalid(TaskEstimate(Span(5, -1))),
            "task.estimate: seconds 5 and nanos -1 have different signs");
  EXPECT_EQ(Invalid(TaskEstimate(Span(-5, 1))),
            "task.estimate: seconds -5 and nanos 1 have different signs");
  EXPECT_EQ(Invalid(TaskEstimate(Span(1, 1000000000))),
            "task.estimate: nanos 1000000000 is outside [-999999999, "
            "999999999]");
}

TEST(CheckMessageTest, RejectsEnumValuesNoEnumDeclares) {
  v1::CreateUserRequest user;
  user.mutable_user()->set_kind(static_cast<v1::User::Kind>(99));
  EXPECT_EQ(Invalid(user), "user.kind: 99 is not a value of mops.v1.User.Kind");

  v1::CreateApprovalRequest approval;
  approval.mutable_approval()->set_deadline_action(
      static_cast<v1::Approval::DeadlineAction>(99));
  EXPECT_EQ(Invalid(approval),
            "approval.deadline_action: 99 is not a value of "
            "mops.v1.Approval.DeadlineAction");

  v1::AddTeamMemberRequest member;
  member.set_role(static_cast<v1::Membership::Role>(-1));
  EXPECT_EQ(Invalid(member),
            "role: -1 is not a value of mops.v1.Membership.Role");
}

TEST(CheckMessageTest, AcceptsEveryDeclaredEnumValue) {
  for (int kind = 0; kind <= 2; ++kind) {
    v1::CreateUserRequest user;
    user.mutable_user()->set_kind(static_cast<v1::User::Kind>(kind));
    EXPECT_TRUE(CheckMessage(user).ok()) << kind;
  }
  v1::CreateApprovalRequest approval;
  approval.mutable_approval()->set_deadline_action(v1::Approval::ESCALATE);
  EXPECT_TRUE(CheckMessage(approval).ok());
}

TEST(CheckMessageTest, RejectsAnUnknownEnumInARepeatedField) {
  test::Tree tree;
  tree.add_palette(test::RED);
  tree.add_palette(test::GREEN);
  EXPECT_TRUE(CheckMessage(tree).ok());
  tree.add_palette(static_cast<test::Color>(99));
  EXPECT_EQ(Invalid(tree), "palette[2]: 99 is not a value of mops.test.Color");
}

TEST(CheckMessageTest, NamesNestedRepeatedAndMapPaths) {
  test::Tree tree;
  *tree.mutable_leaf()->mutable_time() = Time(kMaxTimestampSeconds + 1);
  EXPECT_THAT(Invalid(tree), StartsWith("leaf.time: 10000-01-01T00:00:00Z"));

  tree.Clear();
  tree.add_leaves();
  *tree.add_leaves()->mutable_span() = Span(-3);
  EXPECT_EQ(Invalid(tree), "leaves[1].span: -3s is negative");

  tree.Clear();
  (*tree.mutable_by_name())["ok"];
  (*tree.mutable_by_name())["b\"ad"].set_color(static_cast<test::Color>(7));
  EXPECT_EQ(Invalid(tree),
            "by_name[\"b\\\"ad\"].color: 7 is not a value of mops.test.Color");

  tree.Clear();
  (*tree.mutable_colors())[42] = static_cast<test::Color>(5);
  EXPECT_EQ(Invalid(tree), "colors[42]: 5 is not a value of mops.test.Color");

  tree.Clear();
  tree.add_children();
  tree.add_children()->add_children()->add_times()->set_nanos(-1);
  EXPECT_EQ(Invalid(tree),
            "children[1].children[0].times[0]: nanos -1 is outside [0, "
            "999999999]");

  tree.Clear();
  tree.mutable_chosen()->set_note("too long");
  EXPECT_EQ(Invalid(tree), "chosen.note: 8 bytes; at most 5 are allowed");
}

TEST(CheckMessageTest, FollowsRecursiveTypesToTheirChecks) {
  test::Ping ping;
  EXPECT_TRUE(CheckMessage(ping).ok());
  *ping.mutable_pong()->mutable_ping()->mutable_pong()->mutable_time() =
      Time(kMaxTimestampSeconds + 1);
  EXPECT_THAT(Invalid(ping), StartsWith("pong.ping.pong.time: "));
}

TEST(CheckMessageTest, AppliesMaxBytesMaxItemsAndMaxItemBytes) {
  test::Tree tree;
  tree.add_tags("abcd");
  tree.add_tags("");
  (*tree.mutable_attrs())["k"] = "abc";
  tree.set_blob("xy");
  EXPECT_TRUE(CheckMessage(tree).ok());

  tree.add_tags("x");
  EXPECT_EQ(Invalid(tree), "tags: 3 items; at most 2 are allowed");
  tree.mutable_tags()->RemoveLast();
  tree.set_tags(1, "abcde");
  EXPECT_EQ(Invalid(tree), "tags[1]: 5 bytes; at most 4 are allowed");
  tree.set_tags(1, "");

  (*tree.mutable_attrs())["k"] = "abcd";
  EXPECT_EQ(Invalid(tree), "attrs[\"k\"]: 4 bytes; at most 3 are allowed");
  (*tree.mutable_attrs())["k"] = "";

  tree.set_blob("xyz");
  EXPECT_EQ(Invalid(tree), "blob: 3 bytes; at most 2 are allowed");
  tree.clear_blob();

  for (int i = 0; i < 4; ++i) tree.add_leaves();
  EXPECT_EQ(Invalid(tree), "leaves: 4 items; at most 3 are allowed");
}

TEST(CheckMessageTest, AppliesTheAnnotationsOfTheApi) {
  v1::CreateTaskRequest req;
  req.mutable_task()->set_description(std::string(10000, 'd'));
  req.mutable_task()->set_title(std::string(200, 't'));
  EXPECT_TRUE(CheckMessage(req).ok());
  req.mutable_task()->set_description(std::string(10001, 'd'));
  EXPECT_EQ(Invalid(req),
            "task.description: 10001 bytes; at most 10000 are allowed");
  req.mutable_task()->clear_description();
  req.mutable_task()->set_title(std::string(201, 't'));
  EXPECT_EQ(Invalid(req), "task.title: 201 bytes; at most 200 are allowed");
  req.mutable_task()->clear_title();
  (*req.mutable_task()->mutable_custom_fields())["cost"] =
      std::string(1001, 'c');
  EXPECT_EQ(Invalid(req),
            "task.custom_fields[\"cost\"]: 1001 bytes; at most 1000 are "
            "allowed");

  v1::BatchCreateTasksRequest batch;
  batch.add_requests();
  batch.add_requests()->set_request_id(std::string(129, 'r'));
  EXPECT_EQ(Invalid(batch),
            "requests[1].request_id: 129 bytes; at most 128 are allowed");

  v1::CreateApprovalRequest approval;
  approval.mutable_approval()->add_groups();
  approval.mutable_approval()->add_groups();
  for (int i = 0; i < 101; ++i) {
    approval.mutable_approval()->mutable_groups(1)->add_users("users/u");
  }
  EXPECT_EQ(Invalid(approval),
            "approval.groups[1].users: 101 items; at most 100 are allowed");
}

TEST(CheckMessageTest, PassesMessagesWithNoRules) {
  test::Plain plain;
  plain.set_text(std::string(100000, 'x'));
  plain.add_items(std::string(100000, 'y'));
  (*plain.mutable_more())["k"].mutable_next()->set_count(-1);
  EXPECT_TRUE(CheckMessage(plain).ok());
  EXPECT_TRUE(CheckMessage(v1::GetServerStatsRequest()).ok());
  v1::BackupRequest backup;
  backup.set_destination(std::string(100000, '/'));
  EXPECT_TRUE(CheckMessage(backup).ok());
  v1::ListTasksRequest list;
  list.set_page_size(-5);
  list.set_filter(std::string(5000, 'f'));  // filter.cc has its own limit
  EXPECT_TRUE(CheckMessage(list).ok());
}

TEST(CheckMessageTest, ChecksARootTimestampWithoutAPath) {
  EXPECT_EQ(Invalid(Time(0, -1)), "nanos -1 is outside [0, 999999999]");
  EXPECT_TRUE(CheckMessage(Span(5)).ok());
}

TEST(CheckMessageTest, ReportsAnOptionThatDoesNotFitItsFieldAsInternal) {
  absl::Status s = CheckMessage(test::Misapplied());
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(s.message(),
            "mops.test.Misapplied.items: (mops.v1.field).max_bytes applies "
            "only to singular string and bytes fields");
}

void CheckDefaultsOf(const google::protobuf::Descriptor* d) {
  if (d->options().map_entry()) return;
  const google::protobuf::Message* m =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
  ASSERT_NE(m, nullptr) << d->full_name();
  EXPECT_TRUE(CheckMessage(*m).ok())
      << d->full_name() << ": " << CheckMessage(*m);
  for (int i = 0; i < d->nested_type_count(); ++i) {
    CheckDefaultsOf(d->nested_type(i));
  }
}

// Catches an option put on a field it does not fit, anywhere in the API.
TEST(CheckMessageTest, EveryApiMessageAcceptsItsDefault) {
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  int files = 0;
  for (const char* name :
       {"mops/v1/admin.proto", "mops/v1/approvals.proto",
        "mops/v1/common.proto", "mops/v1/events.proto",
        "mops/v1/identity.proto", "mops/v1/projects.proto"}) {
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(name);
    if (file == nullptr) continue;  // not linked into this test
    ++files;
    for (int i = 0; i < file->message_type_count(); ++i) {
      CheckDefaultsOf(file->message_type(i));
    }
  }
  EXPECT_GE(files, 4);
}

TEST(CheckMessageTest, IsSafeFromManyThreadsOnFreshTypes) {
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 200; ++i) {
        v1::CreateCalendarRequest ok;
        v1::ResubmitApprovalRequest bad;
        bad.set_comment(std::string(10001, 'c'));
        test::Pong pong;
        pong.mutable_ping()->mutable_pong()->mutable_time()->set_nanos(-1);
        if (!CheckMessage(ok).ok() || CheckMessage(bad).ok() ||
            CheckMessage(pong).ok()) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

}  // namespace
}  // namespace mops::services

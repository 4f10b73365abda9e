// The domains' key spaces: what mopsd registers, the bytes on disk (which
// must not change: existing data folders hold them), and the key functions.
#include <map>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "services/approvals/keys.h"
#include "services/calendars/keys.h"
#include "services/common/keys.h"
#include "services/identity/keys.h"
#include "services/projects/keys.h"
#include "services/server/server.h"
#include "storage/key_spaces.h"

namespace mops::services {
namespace {

using storage::Cf;
using storage::HeadShape;
using storage::KeyHead;

storage::KeySpaceRegistry ServerSpaces() {
  storage::KeySpaceRegistry registry;
  RegisterKeySpaces(registry);
  storage::AddStorageKeySpaces(registry);
  return registry;
}

// The head of `key` by its registered space's shape, as the engine's
// memtables see it.
absl::string_view Head(absl::string_view key) {
  static const auto shapes = ServerSpaces().HeadShapes();
  return KeyHead(key, shapes[static_cast<uint8_t>(key[0])]);
}

TEST(DomainKeysTest, MopsdsSpacesValidate) {
  absl::Status s = ServerSpaces().Validate();
  EXPECT_TRUE(s.ok()) << s;
}

// Prefixes and family names as data format 3 stores them.
TEST(DomainKeysTest, PrefixesAndFamiliesAreThoseOnDisk) {
  const storage::KeySpaceRegistry registry = ServerSpaces();
  std::map<int, std::tuple<Cf, std::string>> layout;
  for (const storage::KeySpace& space : registry.spaces()) {
    layout[space.prefix] = {space.cf, std::string(space.family)};
  }
  const std::map<int, std::tuple<Cf, std::string>> on_disk = {
      {0x01, {Cf::kMeta, ""}},
      {0x02, {Cf::kMeta, ""}},
      {0x03, {Cf::kMeta, ""}},
      {0x04, {Cf::kMeta, ""}},     // first kept event
      {0x10, {Cf::kRecords, ""}},  // user
      {0x11, {Cf::kRecords, ""}},  // team
      {0x12, {Cf::kRecords, ""}},  // membership
      {0x13, {Cf::kRecords, ""}},  // token
      {0x14, {Cf::kRecords, ""}},  // act-as grant
      {0x15, {Cf::kRecords, ""}},  // request
      {0x16, {Cf::kRecords, ""}},  // project
      {0x17, {Cf::kRecords, ""}},  // task
      {0x18, {Cf::kRecords, ""}},  // calendar
      {0x19, {Cf::kRecords, ""}},  // approval
      {0x1A, {Cf::kRecords, ""}},  // delegation
      {0x1B, {Cf::kRecords, ""}},  // calendar version
      {0x1C, {Cf::kRecords, ""}},  // project purge
      {0x20, {Cf::kRecords, ""}},  // webhook
      {0x21, {Cf::kRecords, ""}},  // webhook progress
      {0x22, {Cf::kRecords, ""}},  // webhook delivery (log)
      {0x23, {Cf::kRecords, ""}},  // webhook pending delivery
      {0x24, {Cf::kRecords, ""}},  // workflow template (draft)
      {0x25, {Cf::kRecords, ""}},  // workflow template version
      {0x26, {Cf::kRecords, ""}},  // workflow (run)
      {0x27, {Cf::kRecords, ""}},  // agreement (head)
      {0x28, {Cf::kRecords, ""}},  // agreement version
      {0x29, {Cf::kRecords, ""}},  // agreement clock
      {0x80, {Cf::kIndex, "index.user_teams"}},
      {0x81, {Cf::kIndex, "index.token_id"}},
      {0x82, {Cf::kIndex, "index.task_assignee"}},
      {0x83, {Cf::kIndex, "index.task_team"}},
      {0x84, {Cf::kIndex, "index.task_due"}},
      {0x85, {Cf::kIndex, "index.task_dependents"}},
      {0x86, {Cf::kIndex, "index.approval_pending"}},
      {0x87, {Cf::kIndex, "index.delegate_of"}},
      {0x88, {Cf::kIndex, ""}},  // users by chat handle
      {0x89, {Cf::kIndex, ""}},  // workflows by template
      {0x8A, {Cf::kIndex, ""}},  // agreement clocks by subject
      {0x8B, {Cf::kIndex, ""}},  // agreements by event type
      {0x8C, {Cf::kIndex, ""}},  // active agreements
      {0xE0, {Cf::kEvents, ""}},
      {0xE1, {Cf::kTimers, ""}},
  };
  EXPECT_EQ(layout, on_disk);
}

TEST(DomainKeysTest, KeysAreTheBytesOnDisk) {
  using std::string_literals::operator""s;
  EXPECT_EQ(identity::keys::Membership("t", "u"), "\x12t\0\x01u\0\x01"s);
  EXPECT_EQ(keys::Request("p", "m", "r"), "\x15p\0\x01m\0\x01r\0\x01"s);
  EXPECT_EQ(projects::keys::IdxTaskDueRow(1, -2, "p", "t"),
            "\x84\x01\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFEp\0\x01t\0\x01"s);
  EXPECT_EQ(approvals::keys::IdxDelegateOfRow("a", "b", "c"),
            "\x87"
            "a\0\x01"
            "b\0\x01"
            "c\0\x01"s);
}

TEST(DomainKeysTest, IndexRowsDecode) {
  namespace ik = identity::keys;
  EXPECT_EQ(ik::TeamOfIdxUserTeam(ik::IdxUserTeam("ann", "finance")),
            "finance");
  EXPECT_EQ(ik::TeamOfIdxUserTeam(ik::User("ann")), std::nullopt);

  namespace pk = projects::keys;
  const auto task = std::make_pair(std::string("p"), std::string("t"));
  EXPECT_EQ(pk::TaskOfIndexRow(pk::IdxTaskAssigneeRow("ann", 0, 5, "p", "t")),
            task);
  EXPECT_EQ(pk::TaskOfIndexRow(pk::IdxTaskTeamRow("legal", 1, 5, "p", "t")),
            task);
  EXPECT_EQ(pk::TaskOfIndexRow(pk::IdxTaskDueRow(0, 5, "p", "t")), task);
  EXPECT_EQ(pk::TaskOfIndexRow(pk::IdxTaskDependentsRow("q", "u", "p", "t")),
            task);
  EXPECT_EQ(pk::TaskOfIndexRow(pk::Task("p", "t")), std::nullopt);

  namespace ak = approvals::keys;
  EXPECT_EQ(ak::ApprovalOfPendingRow(ak::IdxApprovalPendingRow("ann", 5, "a1")),
            "a1");
  EXPECT_EQ(ak::ApprovalOfPendingRow(ak::Approval("a1")), std::nullopt);
  EXPECT_EQ(ak::DelegatorOfRow(ak::IdxDelegateOfRow("bob", "ann", "d1")),
            std::make_pair(std::string("ann"), std::string("d1")));
}

// Rows that are written next to each other share a head; rows of other
// parents (another project, assignee, open/closed group) do not.
TEST(DomainKeysTest, HeadsGroupRowsOfOneParent) {
  namespace pk = projects::keys;
  const std::string t1 = pk::Task("p1", "t1");
  EXPECT_EQ(Head(t1), Head(pk::Task("p1", "t2")));
  EXPECT_NE(Head(t1), Head(pk::Task("p2", "t1")));
  EXPECT_EQ(Head(t1), pk::TaskPrefix("p1"));

  EXPECT_EQ(Head(pk::IdxTaskAssigneeRow("ann", 0, 5, "p", "t")),
            Head(pk::IdxTaskAssigneeRow("ann", 1, 9, "q", "u")));
  EXPECT_NE(Head(pk::IdxTaskAssigneeRow("ann", 0, 5, "p", "t")),
            Head(pk::IdxTaskAssigneeRow("bob", 0, 5, "p", "t")));
  EXPECT_EQ(Head(pk::IdxTaskDueRow(0, 5, "p", "t")), pk::IdxTaskDue(0));
  EXPECT_NE(Head(pk::IdxTaskDueRow(0, 5, "p", "t")),
            Head(pk::IdxTaskDueRow(1, 5, "p", "t")));
  // One-part keys share their space's head.
  EXPECT_EQ(Head(identity::keys::User("ann")),
            Head(identity::keys::User("bob")));
  EXPECT_EQ(Head(identity::keys::IdxTokenId("x")).size(), 1u);
  EXPECT_EQ(Head(approvals::keys::Delegation("ann", "d1")),
            approvals::keys::DelegationPrefix("ann"));
}

}  // namespace
}  // namespace mops::services

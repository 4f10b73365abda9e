// Calendars are versioned: a change makes a new version, the old ones stay
// readable, and an approval round keeps the version its deadline was
// computed with.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/time_util.h"
#include "tests/testing/approvals_fixture.h"

namespace mops {
namespace {

using CStub = v1::CalendarService::Stub;
using ::testing::HasSubstr;

class CalendarVersionsTest : public testing::ApprovalsTest {
 protected:
  v1::Calendar Update(const std::string& name,
                      const std::vector<std::string>& holidays) {
    v1::UpdateCalendarRequest req;
    req.mutable_calendar()->set_name(name);
    for (const std::string& h : holidays)
      req.mutable_calendar()->add_holidays(h);
    req.mutable_update_mask()->add_paths("holidays");
    v1::Calendar out;
    Must(Call(calendars_.get(), &CStub::UpdateCalendar, admin_token_, req,
              &out));
    return out;
  }
  grpc::Status GetVersion(const std::string& name, int64_t version,
                          v1::Calendar* out) {
    v1::GetCalendarRequest req;
    req.set_name(name);
    req.set_version(version);
    return Call(calendars_.get(), &CStub::GetCalendar, tokens_["fin1"], req,
                out);
  }
  std::vector<int64_t> Versions(const std::string& name, int page_size = 0) {
    std::vector<int64_t> out;
    v1::ListCalendarVersionsRequest req;
    req.set_name(name);
    req.set_page_size(page_size);
    for (int i = 0; i < 20; ++i) {
      v1::ListCalendarVersionsResponse resp;
      Must(Call(calendars_.get(), &CStub::ListCalendarVersions, tokens_["fin1"],
                req, &resp));
      for (const auto& c : resp.calendars()) out.push_back(c.version());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return out;
  }
};

TEST_F(CalendarVersionsTest, AChangeMakesANewVersionAndTheOldOnesStay) {
  const std::string def = "calendars/default";
  v1::Calendar v1c;
  Must(GetVersion(def, 0, &v1c));
  EXPECT_EQ(v1c.version(), 1);
  EXPECT_EQ(Update(def, {"2027-12-24"}).version(), 2);
  v1::Calendar v3 = Update(def, {"2027-12-24", "2027-12-31"});
  EXPECT_EQ(v3.version(), 3);
  EXPECT_EQ(Versions(def), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(Versions(def, 1), (std::vector<int64_t>{3, 2, 1}));

  v1::Calendar old;
  Must(GetVersion(def, 1, &old));
  EXPECT_TRUE(old.holidays().empty());
  Must(GetVersion(def, 2, &old));
  EXPECT_THAT(old.holidays(), ::testing::ElementsAre("2027-12-24"));
  Must(GetVersion(def, 3, &old));
  EXPECT_EQ(old.SerializeAsString(), v3.SerializeAsString());

  grpc::Status missing = GetVersion(def, 4, &old);
  EXPECT_EQ(missing.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(missing.error_message(), HasSubstr("versions are 1 to 3"));
  EXPECT_EQ(GetVersion(def, -1, &old).error_code(), grpc::INVALID_ARGUMENT);

  v1::Event updated = LastEvent("calendar.updated", def);
  EXPECT_EQ(updated.calendar_updated().calendar().version(), 3);
  EXPECT_THAT(updated.calendar_updated().fields(),
              ::testing::ElementsAre("holidays"));

  // After a restart every version is still there.
  server_.reset();
  StartServer(dir_.Sub("data"));
  EXPECT_EQ(Versions(def), (std::vector<int64_t>{3, 2, 1}));
}

TEST_F(CalendarVersionsTest, AnApprovalRoundKeepsItsCalendarVersion) {
  clock_.Set(testing::T("2027-03-24T09:00:00Z"));  // Wednesday
  v1::Approval a;
  Must(Request("req", {Users({"fin1"})}, &a, "1bd"));
  EXPECT_EQ(a.calendar_version(), 1);
  EXPECT_EQ(services::FromProtoTime(a.due_time()),
            testing::T("2027-03-25T09:00:00Z"));
  // Thursday becomes a holiday: the running round keeps its deadline and
  // version; a new approval counts with the new version.
  Update("calendars/default", {"2027-03-25"});
  v1::Approval b;
  Must(Request("req", {Users({"fin1"})}, &b, "1bd"));
  EXPECT_EQ(b.calendar_version(), 2);
  EXPECT_EQ(services::FromProtoTime(b.due_time()),
            testing::T("2027-03-26T09:00:00Z"));
  v1::Approval again = Get(a.name());
  EXPECT_EQ(again.calendar_version(), 1);
  EXPECT_EQ(again.due_time().seconds(), a.due_time().seconds());
}

TEST_F(CalendarVersionsTest, BadRequestsNameTheField) {
  v1::ListCalendarVersionsRequest req;
  req.set_name("nope");
  v1::ListCalendarVersionsResponse resp;
  grpc::Status s = Call(calendars_.get(), &CStub::ListCalendarVersions,
                        tokens_["fin1"], req, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("name"));
  req.set_name("calendars/nope");
  EXPECT_EQ(Call(calendars_.get(), &CStub::ListCalendarVersions,
                 tokens_["fin1"], req, &resp)
                .error_code(),
            grpc::NOT_FOUND);
}

}  // namespace
}  // namespace mops

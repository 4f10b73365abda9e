// The subject registry without a server: prefixes, longest match, errors.
#include "services/common/subjects.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mops::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// No rows: resolvers here answer from the name alone.
class NoRows : public storage::Reader {
 public:
  absl::StatusOr<std::optional<std::string>> Get(
      storage::Cf, absl::string_view) const override {
    return std::nullopt;
  }
  absl::Status ScanRange(storage::Cf, absl::string_view, absl::string_view,
                         const storage::ScanFn&) const override {
    return absl::OkStatus();
  }
};

Subjects::Resolver Named(std::string owner, std::vector<std::string>* calls) {
  return [owner, calls](const storage::Reader&, absl::string_view field,
                        absl::string_view name) {
    calls->push_back(absl::StrCat(owner, ":", field, ":", name));
    if (absl::EndsWith(name, "/missing")) {
      return absl::NotFoundError(absl::StrCat("\"", name, "\" not found"));
    }
    return absl::OkStatus();
  };
}

TEST(SubjectsTest, TheLongestRegisteredPrefixAnswers) {
  std::vector<std::string> calls;
  Subjects subjects;
  subjects.Register("projects/", Named("projects", &calls));
  subjects.Register("workflows/", Named("workflows", &calls));
  subjects.Register("workflows/w/stages/", Named("stages", &calls));
  NoRows reader;
  EXPECT_TRUE(subjects.Check(reader, "approval.subject", "projects/p").ok());
  EXPECT_TRUE(subjects.Check(reader, "s", "workflows/w/stages/s").ok());
  EXPECT_TRUE(subjects.Check(reader, "s", "workflows/v").ok());
  EXPECT_THAT(calls, ElementsAre("projects:approval.subject:projects/p",
                                 "stages:s:workflows/w/stages/s",
                                 "workflows:s:workflows/v"));
  EXPECT_EQ(subjects.Check(reader, "s", "projects/missing").code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(subjects.Prefixes(),
              ElementsAre("projects/", "workflows/", "workflows/w/stages/"));
}

TEST(SubjectsTest, AnUnknownPrefixIsInvalidArgumentNamingTheField) {
  std::vector<std::string> calls;
  Subjects subjects;
  subjects.Register("projects/", Named("projects", &calls));
  NoRows reader;
  for (const char* name : {"agreements/a", "project/p", "projects", ""}) {
    EXPECT_FALSE(subjects.Knows(name)) << name;
    absl::Status s = subjects.Check(reader, "approval.subject", name);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(s.message(), HasSubstr("approval.subject"));
    EXPECT_THAT(s.message(), HasSubstr("projects/"));
  }
  EXPECT_TRUE(calls.empty());
  EXPECT_TRUE(subjects.Knows("projects/p/tasks/t"));
}

TEST(SubjectsTest, RegisteringAPrefixTwiceIsAWiringBug) {
  std::vector<std::string> calls;
  EXPECT_DEATH(
      {
        Subjects subjects;
        subjects.Register("projects/", Named("a", &calls));
        subjects.Register("projects/", Named("b", &calls));
      },
      "projects/");
  EXPECT_DEATH({ Subjects().Register("projects", Named("a", &calls)); },
               "projects");
}

}  // namespace
}  // namespace mops::services

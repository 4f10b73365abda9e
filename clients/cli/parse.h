// What users type into the CLI's arguments and flags: resource names,
// durations and times. Every parser throws CliError (usage) on bad input.
#ifndef MOPS_CLIENTS_CLI_PARSE_H_
#define MOPS_CLIENTS_CLI_PARSE_H_

#include <chrono>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace mops::cli {

// "ann" -> "users/ann" for the collection "users"; a name with a '/' is
// taken as a full name and passes through.
std::string ResourceName(const std::string& collection, const std::string& id);
inline std::string UserName(const std::string& id) {
  return ResourceName("users", id);
}
inline std::string TeamName(const std::string& id) {
  return ResourceName("teams", id);
}
inline std::string ProjectName(const std::string& id) {
  return ResourceName("projects", id);
}
inline std::string ApprovalName(const std::string& id) {
  return ResourceName("approvals", id);
}
// "t1" -> "users/ann/tokens/t1" for the parent "users/ann" and the
// collection "tokens"; a name with a '/' passes through.
std::string ChildName(const std::string& parent, const std::string& collection,
                      const std::string& id);
// "projects/p/tasks/t" or the short "p/t".
std::string TaskName(const std::string& id);

// How a duration flag is spelled: a whole number and one unit letter of
// s, m, h, d (and w), such as "30d". The flags have always differed in the
// details below; each keeps its own.
struct DurationSyntax {
  const char* examples;    // for the error: "30d, 12h, 45m"
  bool weeks;              // "2w" is allowed
  bool zero;               // "0d" is allowed
  bool blank_before_unit;  // "7 d" is allowed
};
// --expires-in.
inline constexpr DurationSyntax kLifetimeSyntax = {"30d, 12h, 45m", false,
                                                   false, false};
// --due-within, --estimate.
inline constexpr DurationSyntax kSpanSyntax = {"7d, 12h, 30m, 2w", true, true,
                                               true};
// `flag` names the flag in the error.
absl::Duration ParseDuration(const std::string& flag, const std::string& text,
                             const DurationSyntax& syntax);

// --timeout: "10s", "500ms", "2m", "1.5s"; a bare number is seconds. Unlike
// the other durations it takes fractions and milliseconds.
std::chrono::milliseconds ParseTimeout(const std::string& text);

// RFC 3339 ("2026-12-01T17:00:00Z") or a date ("2026-12-01", midnight
// UTC); `flag` names the flag in the error.
google::protobuf::Timestamp ParseWhen(const std::string& flag,
                                      const std::string& text);

// The check of a flag that takes a version number (1, 2, ...): "--version:
// 0 is not a version number (1, 2, ...)".
CLI::Validator VersionNumber();

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_PARSE_H_

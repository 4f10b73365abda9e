#include "clients/cli/parse.h"

#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "clients/cli/client.h"

namespace mops::cli {

std::string ResourceName(const std::string& collection, const std::string& id) {
  return id.find('/') == std::string::npos ? collection + "/" + id : id;
}

std::string ChildName(const std::string& parent, const std::string& collection,
                      const std::string& id) {
  return id.find('/') != std::string::npos
             ? id
             : parent + "/" + collection + "/" + id;
}

std::string TaskName(const std::string& id) {
  if (id.rfind("projects/", 0) == 0) return id;
  std::vector<std::string> parts = absl::StrSplit(id, '/');
  if (parts.size() != 2) {
    throw CliError{kExitUsage, "task \"" + id +
                                   "\" is not PROJECT/TASK or "
                                   "projects/PROJECT/tasks/TASK"};
  }
  return "projects/" + parts[0] + "/tasks/" + parts[1];
}

absl::Duration ParseDuration(const std::string& flag, const std::string& text,
                             const DurationSyntax& syntax) {
  static const std::map<char, absl::Duration> kUnits = {
      {'s', absl::Seconds(1)},
      {'m', absl::Minutes(1)},
      {'h', absl::Hours(1)},
      {'d', absl::Hours(24)},
      {'w', absl::Hours(24 * 7)}};
  const auto unit = text.empty() ? kUnits.end() : kUnits.find(text.back());
  const std::string number = text.substr(0, text.empty() ? 0 : text.size() - 1);
  // SimpleAtoi skips blanks around the number, so "7 d" would pass.
  const bool blank_before_unit =
      !number.empty() && absl::ascii_isspace(number.back());
  int64_t n = 0;
  const bool ok = unit != kUnits.end() &&
                  (syntax.weeks || unit->first != 'w') &&
                  (syntax.blank_before_unit || !blank_before_unit) &&
                  absl::SimpleAtoi(number, &n) && n >= (syntax.zero ? 0 : 1);
  if (!ok) {
    throw CliError{kExitUsage, flag + ": \"" + text +
                                   "\" is not a duration such as " +
                                   syntax.examples};
  }
  return n * unit->second;
}

std::chrono::milliseconds ParseTimeout(const std::string& text) {
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (...) {
    pos = 0;
  }
  std::string unit = text.substr(pos);
  double ms = -1;
  if (pos > 0 && value > 0) {
    if (unit == "ms") ms = value;
    if (unit == "s" || unit.empty()) ms = value * 1000;
    if (unit == "m") ms = value * 60000;
  }
  if (ms <= 0) {
    throw CliError{kExitUsage, "--timeout: \"" + text +
                                   "\" is not a duration such as 10s, 500ms "
                                   "or 2m"};
  }
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

google::protobuf::Timestamp ParseWhen(const std::string& flag,
                                      const std::string& text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err) &&
      !absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    throw CliError{kExitUsage,
                   flag + ": \"" + text +
                       "\" is not a time such as 2026-12-01T17:00:00Z "
                       "or a date such as 2026-12-01"};
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

CLI::Validator VersionNumber() {
  return CLI::Validator(
      [](std::string& v) {
        int64_t n = 0;
        return absl::SimpleAtoi(v, &n) && n > 0
                   ? std::string()
                   : v + " is not a version number (1, 2, ...)";
      },
      "N");
}

}  // namespace mops::cli

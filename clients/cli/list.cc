#include "clients/cli/list.h"

#include <iostream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace mops::cli {

void AddLimitFlag(CLI::App* list, int* limit) {
  list->add_option("--limit", *limit,
                   "Show at most this many (default " +
                       std::to_string(kDefaultListLimit) + "; 0: all of them)")
      ->check(CLI::NonNegativeNumber);
}

void NoteLeftOut(int limit) {
  std::cerr << "(the first " << limit
            << " shown; --limit N for more, --limit 0 for all)\n";
}

std::string JoinFilter(const std::string& user_filter,
                       const std::vector<std::string>& terms) {
  std::vector<std::string> all;
  if (!user_filter.empty()) {
    all.push_back(terms.empty() ? user_filter : "(" + user_filter + ")");
  }
  all.insert(all.end(), terms.begin(), terms.end());
  return absl::StrJoin(all, " AND ");
}

void AddFilterFlags(CLI::App* cmd, std::vector<std::string>& types,
                    std::vector<std::string>& subjects) {
  cmd->add_option("--type", types,
                  "Only this type (approval.decided) or noun (approval.*); "
                  "repeatable");
  cmd->add_option("--subject", subjects,
                  "Only about this resource and what is under it "
                  "(projects/q1), or a prefix (approvals/); repeatable");
}

mops::v1::EventFilter Filter(const std::vector<std::string>& types,
                             const std::vector<std::string>& subjects) {
  mops::v1::EventFilter filter;
  for (const auto& t : types) filter.add_types(t);
  for (const auto& s : subjects) filter.add_subjects(s);
  return filter;
}

void NameFilterFlags(const std::string& field, CliError& e) {
  const std::string before = e.message;
  e.message = absl::StrReplaceAll(
      e.message,
      {{field + ".types[", "--type["}, {field + ".subjects[", "--subject["}});
  if (e.message != before) e.exit_code = kExitUsage;
}

}  // namespace mops::cli

#include "clients/cli/list.h"

#include <iostream>

#include "absl/strings/str_join.h"

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

}  // namespace mops::cli

// Pieces shared by the CLI's command files.
#ifndef MOPS_CLIENTS_CLI_COMMANDS_H_
#define MOPS_CLIENTS_CLI_COMMANDS_H_

#include <algorithm>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/client.h"
#include "clients/cli/output.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"

namespace mops::cli {

struct Cli {
  GlobalFlags flags;
  Format format() const {
    return flags.output == "json" ? Format::kJson : Format::kTable;
  }
  void Print(const google::protobuf::Message& m,
             const std::function<Table()>& table) const {
    std::cout << (format() == Format::kJson ? ToJson(m) : table().Render());
  }
};

// "ann" -> "users/ann"; names with a '/' pass through.
std::string UserName(const std::string& id);
std::string TeamName(const std::string& id);

// The user's --filter joined by AND with the terms of shortcut flags; the
// user's filter is parenthesized only when joined (so its error positions
// match what the user typed when it stands alone).
std::string JoinFilter(const std::string& user_filter,
                       const std::vector<std::string>& terms);

// Calls a List method page after page, merging the pages into *all, until
// the last page or until `enough(*all)`; returns whether pages were left.
template <typename Resp, typename Req, typename Call, typename Enough>
bool MergePages(const Client& client, Req req, Call call, Enough enough,
                Resp* all) {
  for (int pages = 0; pages < 10000; ++pages) {
    Resp page;
    auto ctx = client.NewContext();
    client.Check(call(ctx.get(), req, &page));
    std::string next = page.next_page_token();
    page.clear_next_page_token();
    all->MergeFrom(page);
    if (next.empty()) return false;
    if (enough(*all)) return true;
    req.set_page_token(next);
  }
  return true;
}

// Every page of a List method, merged.
template <typename Resp, typename Req, typename Call>
Resp ListAll(const Client& client, Req req, Call call) {
  Resp all;
  MergePages(
      client, std::move(req), call, [](const Resp&) { return false; }, &all);
  return all;
}

// The lists that can be long (tasks, projects, approvals) show at most
// this many rows unless --limit says otherwise.
inline constexpr int kDefaultListLimit = 200;

inline void AddLimitFlag(CLI::App* list, int* limit) {
  list->add_option("--limit", *limit,
                   "Show at most this many (default " +
                       std::to_string(kDefaultListLimit) + "; 0: all of them)")
      ->check(CLI::NonNegativeNumber);
}

// ListAll for the long lists: stops after `limit` items (0: no limit) and
// says on stderr when there were more. `items(resp)` is the response's
// repeated field.
template <typename Resp, typename Req, typename Items, typename Call>
Resp ListUpTo(const Client& client, Req req, int limit, Items items,
              Call call) {
  // Big pages: fewer round trips for the same rows.
  req.set_page_size(limit > 0 ? std::min(limit, 1000) : 1000);
  Resp all;
  bool more = MergePages(
      client, std::move(req), call,
      [&](Resp& merged) {
        return limit > 0 && items(&merged)->size() >= limit;
      },
      &all);
  auto* rows = items(&all);
  if (limit > 0 && rows->size() > limit) {
    rows->DeleteSubrange(limit, rows->size() - limit);
    more = true;
  }
  if (more && limit > 0) {
    std::cerr << "(the first " << limit
              << " shown; --limit N for more, --limit 0 for all)\n";
  }
  return all;
}

template <typename T>
google::protobuf::RepeatedPtrField<T> One(const T& item) {
  google::protobuf::RepeatedPtrField<T> out;
  *out.Add() = item;
  return out;
}

void AddProject(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddTask(CLI::App& app, Cli& cli, std::function<void()>& action);
void AddApprovals(CLI::App& app, Cli& cli, std::function<void()>& action);

// Shared formatting and parsing (work_commands.cc).
// "in 3h", "2d overdue", "now".
std::string RelativeTime(int64_t seconds_from_now);
// RFC 3339 or YYYY-MM-DD; throws CliError naming `flag`.
google::protobuf::Timestamp ParseWhen(const std::string& flag,
                                      const std::string& text);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_COMMANDS_H_

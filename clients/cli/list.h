// Lists: reading a List method page after page, the --limit of the long
// lists, and the filters that list shortcut flags build.
#ifndef MOPS_CLIENTS_CLI_LIST_H_
#define MOPS_CLIENTS_CLI_LIST_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/client.h"
#include "mops/v1/event_filter.pb.h"

namespace mops::cli {

// The lists that can be long (tasks, projects, approvals) show at most
// this many rows unless --limit says otherwise.
inline constexpr int kDefaultListLimit = 200;

// --limit N, bound to *limit (0: all of them).
void AddLimitFlag(CLI::App* list, int* limit);

// Says on stderr that only the first `limit` rows are shown.
void NoteLeftOut(int limit);

// The user's --filter joined by AND with the terms of shortcut flags; the
// user's filter is parenthesized only when joined (so its error positions
// match what the user typed when it stands alone).
std::string JoinFilter(const std::string& user_filter,
                       const std::vector<std::string>& terms);

// --type and --subject, the event filter of `events` and `webhook`.
void AddFilterFlags(CLI::App* cmd, std::vector<std::string>& types,
                    std::vector<std::string>& subjects);
mops::v1::EventFilter Filter(const std::vector<std::string>& types,
                             const std::vector<std::string>& subjects);
// Names the flags in the server's complaints about the filter sent as
// `field` ("filter", "webhook.filter"), which are then usage errors.
void NameFilterFlags(const std::string& field, CliError& e);

// Calls a List method page after page, merging the pages into *all, until
// the last page or until `enough(*all)`; returns whether pages were left.
// `call(ctx, req, &page)` makes one call.
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

// ListAll for the long lists: stops after `limit` items (0: no limit) and
// says on stderr when there were more. `items(&resp)` is the response's
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
  if (more && limit > 0) NoteLeftOut(limit);
  return all;
}

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_LIST_H_

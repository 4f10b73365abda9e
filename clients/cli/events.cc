// mops events list: the change feed.
#include <memory>
#include <string>

#include "clients/cli/commands.h"
#include "mops/v1/events.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Events = Rpc<api::EventService>;

}  // namespace

void AddEvents(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* events = app.add_subcommand("events", "The change feed (admins)");
  events->require_subcommand(1);
  auto after = std::make_shared<uint64_t>(0);
  auto limit = std::make_shared<int>(100);
  auto* list =
      events->add_subcommand("list", "Events after a revision, in order");
  list->add_option("--after", *after, "Only revisions greater than this")
      ->default_val(0);
  list->add_option("--limit", *limit, "At most this many events (1-1000)")
      ->default_val(100)
      ->check(CLI::Range(1, 1000));
  // One page only: --limit is the page size, and --after pages on.
  OnCall<Events>(list, cli, action, [&cli, after, limit](const Events& rpc) {
    api::ListEventsRequest req;
    req.set_after_revision(*after);
    req.set_page_size(*limit);
    auto resp = rpc.Call(&api::EventService::Stub::ListEvents, req);
    cli.Print(resp, [&] {
      Table t({"REV", "TYPE", "SUBJECT", "ACTOR", "TIME"});
      for (const auto& e : resp.events()) {
        std::string actor = e.actor();
        if (!e.on_behalf_of().empty()) actor += " for " + e.on_behalf_of();
        t.AddRow({std::to_string(e.revision()), e.type(), e.subject(), actor,
                  FormatTime(e.time())});
      }
      return t;
    });
  });
}

}  // namespace mops::cli

// mops events list: the change feed.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "clients/cli/commands.h"
#include "mops/v1/events.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Events = Rpc<api::EventService>;

}  // namespace

void AddEvents(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* events = app.add_subcommand(
      "events",
      "The change feed (what you may read; tokens and grants: admins)");
  events->require_subcommand(1);
  auto after = std::make_shared<uint64_t>(0);
  auto limit = std::make_shared<int>(100);
  auto types = std::make_shared<std::vector<std::string>>();
  auto subjects = std::make_shared<std::vector<std::string>>();
  auto* list =
      events->add_subcommand("list", "Events after a revision, in order");
  list->add_option("--after", *after, "Only revisions greater than this")
      ->default_val(0);
  list->add_option("--limit", *limit, "At most this many events (1-1000)")
      ->default_val(100)
      ->check(CLI::Range(1, 1000));
  list->add_option("--type", *types,
                   "Only this type (approval.decided) or noun (approval.*); "
                   "repeatable");
  list->add_option("--subject", *subjects,
                   "Only about this resource and what is under it "
                   "(projects/q1), or a prefix (approvals/); repeatable");
  // One page only: --limit is the page size, and --after pages on.
  OnCall<Events>(list, cli, action,
                 [&cli, after, limit, types, subjects](const Events& rpc) {
                   api::ListEventsRequest req;
                   req.set_after_revision(*after);
                   req.set_page_size(*limit);
                   for (const auto& t : *types)
                     req.mutable_filter()->add_types(t);
                   for (const auto& s : *subjects)
                     req.mutable_filter()->add_subjects(s);
                   auto resp =
                       rpc.Call(&api::EventService::Stub::ListEvents, req);
                   if (resp.next_after_revision() < resp.head_revision()) {
                     // On stderr, so that -o json output stays one document.
                     std::cerr << "more events remain: continue with --after "
                               << resp.next_after_revision() << "\n";
                   }
                   cli.Print(resp, [&] {
                     Table t({"REV", "TYPE", "SUBJECT", "ACTOR", "TIME"});
                     for (const auto& e : resp.events()) {
                       std::string actor = e.actor();
                       if (!e.on_behalf_of().empty())
                         actor += " for " + e.on_behalf_of();
                       t.AddRow({std::to_string(e.revision()), e.type(),
                                 e.subject(), actor, FormatTime(e.time())});
                     }
                     return t;
                   });
                 });
}

}  // namespace mops::cli

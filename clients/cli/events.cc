// mops events list: the change feed.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "clients/cli/commands.h"
#include "mops/v1/events.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Events = Rpc<api::EventService>;

struct ListFlags {
  uint64_t after = 0;
  int limit = 100;
  std::vector<std::string> types, subjects;
};

// One page; the server's complaints about the filter name the flags.
api::ListEventsResponse ListPage(const Events& rpc, const ListFlags& f) {
  api::ListEventsRequest req;
  req.set_after_revision(f.after);
  req.set_page_size(f.limit);
  for (const auto& t : f.types) req.mutable_filter()->add_types(t);
  for (const auto& s : f.subjects) req.mutable_filter()->add_subjects(s);
  try {
    return rpc.Call(&api::EventService::Stub::ListEvents, req);
  } catch (CliError& e) {
    const std::string before = e.message;
    e.message = absl::StrReplaceAll(
        e.message,
        {{"filter.types[", "--type["}, {"filter.subjects[", "--subject["}});
    if (e.message != before) e.exit_code = kExitUsage;
    throw;
  }
}

void PrintPage(const Cli& cli, const api::ListEventsResponse& resp) {
  if (resp.next_after_revision() < resp.head_revision()) {
    // On stderr, so that -o json output stays one document.
    std::cerr << "more events remain: continue with --after "
              << resp.next_after_revision() << "\n";
  }
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
}

}  // namespace

void AddEvents(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* events = app.add_subcommand(
      "events",
      "The change feed (what you may read; tokens and grants: admins)");
  events->require_subcommand(1);
  auto f = std::make_shared<ListFlags>();
  auto* list =
      events->add_subcommand("list", "Events after a revision, in order");
  list->add_option("--after", f->after, "Only revisions greater than this")
      ->default_val(0);
  list->add_option("--limit", f->limit, "At most this many events (1-1000)")
      ->default_val(100)
      ->check(CLI::Range(1, 1000));
  list->add_option("--type", f->types,
                   "Only this type (approval.decided) or noun (approval.*); "
                   "repeatable");
  list->add_option("--subject", f->subjects,
                   "Only about this resource and what is under it "
                   "(projects/q1), or a prefix (approvals/); repeatable");
  // One page only: --limit is the page size, and --after pages on.
  OnCall<Events>(list, cli, action, [&cli, f](const Events& rpc) {
    PrintPage(cli, ListPage(rpc, *f));
  });
}

}  // namespace mops::cli

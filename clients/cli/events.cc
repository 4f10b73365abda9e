// mops events list|watch: the change feed.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "clients/cli/commands.h"
#include "google/protobuf/util/json_util.h"
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

api::ListEventsResponse ListPage(const Events& rpc, const ListFlags& f) {
  api::ListEventsRequest req;
  req.set_after_revision(f.after);
  req.set_page_size(f.limit);
  *req.mutable_filter() = Filter(f.types, f.subjects);
  try {
    return rpc.Call(&api::EventService::Stub::ListEvents, req);
  } catch (CliError& e) {
    NameFilterFlags("filter", e);
    throw;
  }
}

std::string Actor(const api::Event& e) {
  std::string actor = e.actor();
  if (!e.on_behalf_of().empty()) actor += " for " + e.on_behalf_of();
  return actor;
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
      t.AddRow({std::to_string(e.revision()), e.type(), e.subject(), Actor(e),
                FormatTime(e.time())});
    }
    return t;
  });
}

struct WatchFlags {
  uint64_t after = 0;
  bool from_now = true;  // unless --after
  std::vector<std::string> types, subjects;
  int count = 0;
};

// A row as each event arrives (the widths fixed, since rows come one by
// one), or, with -o json, one event per line.
class EventPrinter {
 public:
  explicit EventPrinter(const Cli& cli)
      : json_(cli.format() == Format::kJson) {}
  void Print(const api::Event& e) {
    if (json_) {
      std::string line;
      (void)google::protobuf::util::MessageToJsonString(e, &line);
      std::cout << line << "\n" << std::flush;
      return;
    }
    if (!header_) {
      Row("REV", "TYPE", "SUBJECT", "ACTOR", "TIME");
      header_ = true;
    }
    Row(std::to_string(e.revision()), e.type(), e.subject(), Actor(e),
        FormatTime(e.time()));
  }

 private:
  static void Row(const std::string& rev, const std::string& type,
                  const std::string& subject, const std::string& actor,
                  const std::string& time) {
    std::cout << absl::StrFormat("%-8s %-26s %-40s %-22s %s\n", rev, type,
                                 subject, actor, time)
              << std::flush;
  }
  bool json_;
  bool header_ = false;
};

// Watches until --count events were printed or the stream ends for good.
// A watch ended for reading too slowly resumes at once; one ended by the
// server going away retries for a while once it had been connected.
void Watch(const Events& rpc, const Cli& cli, const WatchFlags& f) {
  api::WatchEventsRequest req;
  req.set_from_now(f.from_now);
  req.set_after_revision(f.after);
  *req.mutable_filter() = Filter(f.types, f.subjects);
  auto stub = api::EventService::NewStub(rpc.client().channel());
  EventPrinter printer(cli);
  int printed = 0;
  int retries = 0;
  bool connected = false;
  for (;;) {
    auto ctx = rpc.client().NewStreamContext();
    auto reader = stub->WatchEvents(ctx.get(), req);
    api::WatchEventsResponse resp;
    bool done = false;
    while (!done && reader->Read(&resp)) {
      connected = true;
      retries = 0;
      for (const auto& e : resp.events()) {
        printer.Print(e);
        if (f.count > 0 && ++printed >= f.count) {
          done = true;
          break;
        }
      }
      req.set_from_now(false);
      req.set_after_revision(resp.next_after_revision());
    }
    if (done) ctx->TryCancel();
    const grpc::Status s = reader->Finish();
    if (done) return;
    const bool slow = s.error_code() == grpc::RESOURCE_EXHAUSTED;
    const bool gone = s.error_code() == grpc::UNAVAILABLE && connected;
    if (slow || (gone && retries < 10)) {
      std::cerr << "the watch ended (" << s.error_message()
                << "); resuming after revision " << req.after_revision()
                << "\n";
      if (gone) {
        std::this_thread::sleep_for(std::chrono::milliseconds(
            std::min(5000, 250 << std::min(retries, 5))));
        ++retries;
      }
      continue;
    }
    if (connected) {
      std::cerr << "the watch ended; continue with --after "
                << req.after_revision() << "\n";
    }
    try {
      rpc.client().Fail(s);
    } catch (CliError& e) {
      NameFilterFlags("filter", e);
      throw;
    }
  }
}

void AddWatch(CLI::App* events, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<WatchFlags>();
  auto* watch = events->add_subcommand(
      "watch",
      "Print events as they commit, until interrupted (like kubectl get -w)");
  auto* after = watch->add_option(
      "--after", f->after,
      "Start after this revision (0: from the first kept); default: now");
  AddFilterFlags(watch, f->types, f->subjects);
  watch->add_option("--count", f->count, "Stop after this many events")
      ->check(CLI::PositiveNumber);
  OnCall<Events>(watch, cli, action, [&cli, f, after](const Events& rpc) {
    f->from_now = after->count() == 0;
    Watch(rpc, cli, *f);
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
  AddFilterFlags(list, f->types, f->subjects);
  // One page only: --limit is the page size, and --after pages on.
  OnCall<Events>(list, cli, action, [&cli, f](const Events& rpc) {
    PrintPage(cli, ListPage(rpc, *f));
  });
  AddWatch(events, cli, action);
}

}  // namespace mops::cli

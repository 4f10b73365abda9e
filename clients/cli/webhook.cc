// mops webhook ...: subscriptions that POST the feed to a URL, signed per
// Standard Webhooks, with their delivery log.
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "mops/v1/webhooks.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Webhooks = Rpc<api::WebhookService>;
using WebhookStub = api::WebhookService::Stub;

std::string WebhookName(const std::string& id) {
  return ResourceName("webhooks", id);
}

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& v) {
  return v.empty() ? "all" : absl::StrJoin(v, ",");
}

Table WebhooksTable(
    const google::protobuf::RepeatedPtrField<api::Webhook>& webhooks) {
  Table t({"ID", "URL", "TYPES", "STATE", "OWNER", "DELIVERED", "PENDING",
           "FAILING SINCE"});
  for (const auto& w : webhooks) {
    std::string state = EnumName(api::Webhook::State_Name(w.state()));
    if (!w.disabled_reason().empty()) state += ": " + w.disabled_reason();
    t.AddRow({Id(w.name()), w.url(), Joined(w.filter().types()), state,
              Id(w.owner()), std::to_string(w.delivered_revision()),
              std::to_string(w.pending_deliveries()),
              w.has_failing_since() ? FormatTime(w.failing_since()) : "-"});
  }
  return t;
}

Table DeliveriesTable(
    const google::protobuf::RepeatedPtrField<api::WebhookDelivery>& log) {
  Table t({"#", "MESSAGE", "TYPE", "ATTEMPT", "TIME", "STATUS", "LATENCY",
           "OUTCOME", "NEXT"});
  for (const auto& d : log) {
    std::string status = d.status_code() != 0 ? std::to_string(d.status_code())
                                              : Truncate(d.error(), 40);
    std::string attempt = std::to_string(d.attempt());
    if (d.redelivery()) attempt += " (redelivery)";
    t.AddRow(
        {Id(d.name()), d.message_id().empty() ? "-" : d.message_id(),
         d.event_type().empty() ? "-" : d.event_type(), attempt,
         FormatTime(d.time()), status,
         absl::StrCat(
             d.latency().seconds() * 1000 + d.latency().nanos() / 1000000,
             " ms"),
         EnumName(api::WebhookDelivery::Outcome_Name(d.outcome())),
         d.has_next_attempt_time() ? FormatTime(d.next_attempt_time()) : "-"});
  }
  return t;
}

// The fields shared by create and update, with their flags.
struct WebhookFlags {
  std::string id, url, description, request_id;
  std::vector<std::string> types, subjects;
  bool enable = false, disable = false;
  std::map<std::string, CLI::Option*> opts;

  void Add(CLI::App* cmd) {
    opts["url"] = cmd->add_option(
        "--url", url, "Where to POST the events: http:// or https://");
    opts["description"] =
        cmd->add_option("--description", description, "What it is for");
    AddFilterFlags(cmd, types, subjects);
  }
  // The webhook from the flags given; returns their field paths.
  std::vector<std::string> Fill(api::Webhook* w) const {
    std::vector<std::string> paths;
    if (opts.at("url")->count() > 0) {
      w->set_url(url);
      paths.push_back("url");
    }
    if (opts.at("description")->count() > 0) {
      w->set_description(description);
      paths.push_back("description");
    }
    if (!types.empty() || !subjects.empty()) {
      *w->mutable_filter() = Filter(types, subjects);
      paths.push_back("filter");
    }
    if (enable || disable) {
      w->set_state(disable ? api::Webhook::DISABLED : api::Webhook::ENABLED);
      paths.push_back("state");
    }
    return paths;
  }
};

// Server complaints name the fields; say the flags.
template <typename Fn>
auto NamingFlags(Fn call) {
  try {
    return call();
  } catch (CliError& e) {
    NameFilterFlags("webhook.filter", e);
    const std::string before = e.message;
    e.message = absl::StrReplaceAll(e.message, {{"webhook.url", "--url"}});
    if (e.message != before) e.exit_code = kExitUsage;
    throw;
  }
}

void PrintSecret(const Cli& cli, const google::protobuf::Message& resp,
                 const api::Webhook& w, const std::string& secret,
                 const std::string& verb) {
  cli.PrintWith(resp, [&] {
    std::cout << verb << " " << w.name()
              << ". Its signing secret is shown only now; keep it safe:\n"
              << secret << "\n";
  });
}

void AddCreate(CLI::App* webhook, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<WebhookFlags>();
  auto* create = webhook->add_subcommand(
      "create",
      "Subscribe a URL to events; the signing secret is shown once.\n"
      "Example: mops webhook create crm-sync --url https://crm.example.com/"
      "hooks/mops --type 'approval.*' --subject projects/q1-launch");
  create->add_option("ID", f->id, "Webhook id; default: the server picks one");
  f->Add(create);
  f->opts.at("url")->required();
  create->add_flag("--disabled", f->disable, "Create it disabled");
  create->add_option("--request-id", f->request_id,
                     "Makes a retry safe: the same id answers the first "
                     "result (and secret) again");
  OnCall<Webhooks>(create, cli, action, [&cli, f](const Webhooks& rpc) {
    api::CreateWebhookRequest req;
    req.set_webhook_id(f->id);
    f->Fill(req.mutable_webhook());
    req.set_request_id(f->request_id);
    auto resp =
        NamingFlags([&] { return rpc.Call(&WebhookStub::CreateWebhook, req); });
    PrintSecret(cli, resp, resp.webhook(), resp.secret(), "Created");
  });
}

void AddUpdate(CLI::App* webhook, Cli& cli, std::function<void()>& action) {
  auto f = std::make_shared<WebhookFlags>();
  auto* update = webhook->add_subcommand(
      "update",
      "Change a webhook; --type/--subject replace the whole filter.\n"
      "Example: mops webhook update crm-sync --enable");
  update->add_option("ID", f->id, "Webhook id")->required();
  f->Add(update);
  auto* enable = update->add_flag(
      "--enable", f->enable,
      "Deliver again, from the events that commit from now on");
  update->add_flag("--disable", f->disable, "Stop delivering")
      ->excludes(enable);
  OnCall<Webhooks>(update, cli, action, [&cli, f](const Webhooks& rpc) {
    api::UpdateWebhookRequest req;
    req.mutable_webhook()->set_name(WebhookName(f->id));
    std::vector<std::string> paths = f->Fill(req.mutable_webhook());
    if (paths.empty()) {
      throw CliError{kExitUsage,
                     "nothing to change: give --url, --description, --type, "
                     "--subject, --enable or --disable"};
    }
    for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    cli.PrintOne(
        NamingFlags([&] { return rpc.Call(&WebhookStub::UpdateWebhook, req); }),
        WebhooksTable);
  });
}

void AddReads(CLI::App* webhook, Cli& cli, std::function<void()>& action) {
  auto* list =
      webhook->add_subcommand("list", "Your webhooks (admins: every webhook)");
  OnCall<Webhooks>(list, cli, action, [&cli](const Webhooks& rpc) {
    auto all =
        rpc.ListAll(&WebhookStub::ListWebhooks, api::ListWebhooksRequest());
    cli.Print(all, [&] { return WebhooksTable(all.webhooks()); });
  });
  auto id = std::make_shared<std::string>();
  auto* get = webhook->add_subcommand("get", "One webhook (never its secret)");
  get->add_option("ID", *id, "Webhook id")->required();
  OnCall<Webhooks>(get, cli, action, [&cli, id](const Webhooks& rpc) {
    api::GetWebhookRequest req;
    req.set_name(WebhookName(*id));
    cli.PrintOne(rpc.Call(&WebhookStub::GetWebhook, req), WebhooksTable);
  });
}

void AddDelete(CLI::App* webhook, Cli& cli, std::function<void()>& action) {
  auto id = std::make_shared<std::string>();
  auto* del = webhook->add_subcommand(
      "delete", "Delete a webhook with its pending deliveries and log");
  del->add_option("ID", *id, "Webhook id")->required();
  OnCall<Webhooks>(del, cli, action, [&cli, id](const Webhooks& rpc) {
    api::DeleteWebhookRequest req;
    req.set_name(WebhookName(*id));
    cli.PrintDone(rpc.Call(&WebhookStub::DeleteWebhook, req),
                  "Deleted " + req.name() + "\n");
  });
}

void AddRotate(CLI::App* webhook, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, overlap = "24h", request_id;
  };
  auto f = std::make_shared<Flags>();
  auto* rotate = webhook->add_subcommand(
      "rotate-secret",
      "A new signing secret; the old one keeps signing for --overlap");
  rotate->add_option("ID", f->id, "Webhook id")->required();
  rotate
      ->add_option("--overlap", f->overlap,
                   "How long deliveries carry a signature with the old "
                   "secret too (e.g. 24h, 2d; 0d: stop at once)")
      ->default_val("24h");
  rotate->add_option("--request-id", f->request_id,
                     "Makes a retry safe: the same id answers the same "
                     "secret");
  OnCall<Webhooks>(rotate, cli, action, [&cli, f](const Webhooks& rpc) {
    api::RotateWebhookSecretRequest req;
    req.set_name(WebhookName(f->id));
    req.mutable_overlap()->set_seconds(absl::ToInt64Seconds(
        ParseDuration("--overlap", f->overlap, kSpanSyntax)));
    req.set_request_id(f->request_id);
    auto resp = rpc.Call(&WebhookStub::RotateWebhookSecret, req);
    PrintSecret(cli, resp, resp.webhook(), resp.secret(), "Rotated");
  });
}

void AddDeliveries(CLI::App* webhook, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, message_id;
    int limit = 50;
  };
  auto f = std::make_shared<Flags>();
  auto* deliveries = webhook->add_subcommand(
      "deliveries", "The delivery log, newest first: every attempt");
  deliveries->add_option("ID", f->id, "Webhook id")->required();
  deliveries->add_option("--message-id", f->message_id,
                         "Only the attempts of this message (evt_12_0)");
  deliveries
      ->add_option("--limit", f->limit,
                   "Show at most this many (default 50; 0: all)")
      ->check(CLI::NonNegativeNumber);
  OnCall<Webhooks>(deliveries, cli, action, [&cli, f](const Webhooks& rpc) {
    api::ListWebhookDeliveriesRequest req;
    req.set_parent(WebhookName(f->id));
    req.set_message_id(f->message_id);
    auto log = rpc.ListUpTo(&WebhookStub::ListWebhookDeliveries, req, f->limit,
                            [](auto* r) { return r->mutable_deliveries(); });
    cli.Print(log, [&] { return DeliveriesTable(log.deliveries()); });
  });
}

void AddRedeliver(CLI::App* webhook, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, message_id, request_id;
    uint64_t after = 0, through = 0;
  };
  auto f = std::make_shared<Flags>();
  auto* redeliver = webhook->add_subcommand(
      "redeliver",
      "Send events again with their original webhook-id: one message, or a "
      "revision range.\n"
      "Examples: mops webhook redeliver crm-sync --message-id evt_1200_0\n"
      "          mops webhook redeliver crm-sync --after 1200 --through 1300");
  redeliver->add_option("ID", f->id, "Webhook id")->required();
  auto* message = redeliver->add_option("--message-id", f->message_id,
                                        "The message (evt_REVISION_INDEX)");
  auto* after = redeliver->add_option(
      "--after", f->after, "Every matching event after this revision...");
  redeliver
      ->add_option("--through", f->through,
                   "... up to this revision (default: the head)")
      ->needs(after);
  message->excludes(after);
  redeliver->add_option("--request-id", f->request_id,
                        "Makes a retry safe: the same id queues nothing more");
  OnCall<Webhooks>(
      redeliver, cli, action, [&cli, f, message, after](const Webhooks& rpc) {
        if (message->count() == 0 && after->count() == 0) {
          throw CliError{kExitUsage, "give --message-id or --after"};
        }
        api::RedeliverWebhookRequest req;
        req.set_name(WebhookName(f->id));
        req.set_message_id(f->message_id);
        req.set_after_revision(f->after);
        req.set_through_revision(f->through);
        req.set_request_id(f->request_id);
        auto resp = rpc.Call(&WebhookStub::RedeliverWebhook, req);
        cli.PrintWith(resp, [&] {
          std::cout << "Queued " << resp.queued() << " deliveries.\n";
          if (message->count() == 0 && f->through != 0 &&
              resp.next_after_revision() < f->through) {
            std::cout << "More remain: continue with --after "
                      << resp.next_after_revision() << "\n";
          }
        });
      });
}

}  // namespace

void AddWebhook(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* webhook = app.add_subcommand(
      "webhook",
      "Webhooks: the feed POSTed to a URL, signed (Standard Webhooks)");
  webhook->require_subcommand(1);
  AddCreate(webhook, cli, action);
  AddReads(webhook, cli, action);
  AddUpdate(webhook, cli, action);
  AddDelete(webhook, cli, action);
  AddRotate(webhook, cli, action);
  AddDeliveries(webhook, cli, action);
  AddRedeliver(webhook, cli, action);
}

}  // namespace mops::cli

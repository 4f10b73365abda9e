// mops grant ...: letting a bot act on behalf of a person.
#include <memory>
#include <string>

#include "clients/cli/commands.h"
#include "clients/cli/parse.h"
#include "mops/v1/identity.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Identity = Rpc<api::IdentityService>;
using IdentityStub = api::IdentityService::Stub;

Table GrantsTable(
    const google::protobuf::RepeatedPtrField<api::ActAsGrant>& grants) {
  Table t({"BOT", "USER", "CREATED"});
  for (const auto& g : grants) {
    t.AddRow({Id(g.bot()), Id(g.user()) == "-" ? "(any person)" : Id(g.user()),
              FormatTime(g.create_time())});
  }
  return t;
}

struct GrantFlags {
  std::string bot, user;
};

}  // namespace

void AddGrant(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* grant = app.add_subcommand(
      "grant", "Let a bot act on behalf of a person (admins)");
  grant->require_subcommand(1);

  auto cf = std::make_shared<GrantFlags>();
  auto* create =
      grant->add_subcommand("create", "Grant BOT the right to act for USER");
  create->add_option("BOT", cf->bot, "Bot user id")->required();
  create->add_option("USER", cf->user, "Person's user id, or - for any person")
      ->required();
  OnCall<Identity>(create, cli, action, [&cli, cf](const Identity& rpc) {
    api::CreateActAsGrantRequest req;
    req.set_bot(UserName(cf->bot));
    req.set_user(UserName(cf->user));
    cli.PrintOne(rpc.Call(&IdentityStub::CreateActAsGrant, req), GrantsTable);
  });

  auto bot = std::make_shared<std::string>();
  auto* list = grant->add_subcommand("list", "List a bot's grants");
  list->add_option("BOT", *bot, "Bot user id")->required();
  OnCall<Identity>(list, cli, action, [&cli, bot](const Identity& rpc) {
    api::ListActAsGrantsRequest req;
    req.set_parent(UserName(*bot));
    auto all = rpc.ListAll(&IdentityStub::ListActAsGrants, req);
    cli.Print(all, [&] { return GrantsTable(all.grants()); });
  });

  auto df = std::make_shared<GrantFlags>();
  auto* del = grant->add_subcommand("delete", "Take a grant away");
  del->add_option("BOT", df->bot, "Bot user id")->required();
  del->add_option("USER", df->user, "Person's user id, or -")->required();
  OnCall<Identity>(del, cli, action, [&cli, df](const Identity& rpc) {
    api::DeleteActAsGrantRequest req;
    req.set_name(UserName(df->bot) + "/actAsGrants/" + df->user);
    cli.PrintDone(rpc.Call(&IdentityStub::DeleteActAsGrant, req),
                  "Deleted grant " + req.name() + "\n");
  });
}

}  // namespace mops::cli

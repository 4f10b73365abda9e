// mops token ...: API tokens.
#include <chrono>
#include <iostream>
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

Table TokensTable(
    const google::protobuf::RepeatedPtrField<api::Token>& tokens) {
  Table t({"ID", "NAME", "STATE", "CREATED", "EXPIRES"});
  for (const auto& tok : tokens) {
    t.AddRow({Id(tok.name()),
              tok.display_name().empty() ? "-" : tok.display_name(),
              EnumName(api::Token::State_Name(tok.state())),
              FormatTime(tok.create_time()),
              tok.has_expire_time() ? FormatTime(tok.expire_time()) : "never"});
  }
  return t;
}

void AddCreate(CLI::App* token, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string user = "me", name, expires;
  };
  auto f = std::make_shared<Flags>();
  auto* create = token->add_subcommand(
      "create", "Create a token; its secret is shown once");
  create
      ->add_option("--user", f->user,
                   "Whose token (admins: anyone); default: you")
      ->default_val("me");
  create->add_option("--name", f->name, "A label, e.g. what the token is for");
  create->add_option("--expires-in", f->expires,
                     "Lifetime, e.g. 30d, 12h; default: never expires");
  OnCall<Identity>(create, cli, action, [&cli, f](const Identity& rpc) {
    api::CreateTokenRequest req;
    req.set_parent(UserName(f->user));
    req.set_display_name(f->name);
    if (!f->expires.empty()) {
      const int64_t seconds = absl::ToInt64Seconds(
          ParseDuration("--expires-in", f->expires, kLifetimeSyntax));
      req.mutable_expire_time()->set_seconds(
          std::chrono::duration_cast<std::chrono::seconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count() +
          seconds);
    }
    auto resp = rpc.Call(&IdentityStub::CreateToken, req);
    cli.PrintWith(resp, [&] {
      std::cout << "Created " << resp.token().name()
                << ". The secret is shown only now; keep it safe:\n"
                << resp.secret() << "\n";
    });
  });
}

void AddList(CLI::App* token, Cli& cli, std::function<void()>& action) {
  auto user = std::make_shared<std::string>("me");
  auto* list =
      token->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("--user", *user,
                   "Whose tokens (admins: anyone); default: you")
      ->default_val("me");
  OnCall<Identity>(list, cli, action, [&cli, user](const Identity& rpc) {
    api::ListTokensRequest req;
    req.set_parent(UserName(*user));
    auto all = rpc.ListAll(&IdentityStub::ListTokens, req);
    cli.Print(all, [&] { return TokensTable(all.tokens()); });
  });
}

void AddRevoke(CLI::App* token, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, user = "me";
  };
  auto f = std::make_shared<Flags>();
  auto* revoke = token->add_subcommand("revoke", "Revoke a token at once");
  revoke
      ->add_option("ID", f->id, "Token id, or its full name users/U/tokens/ID")
      ->required();
  revoke->add_option("--user", f->user, "Whose token; default: you")
      ->default_val("me");
  OnCall<Identity>(revoke, cli, action, [&cli, f](const Identity& rpc) {
    api::RevokeTokenRequest req;
    req.set_name(ChildName(UserName(f->user), "tokens", f->id));
    cli.PrintOne(rpc.Call(&IdentityStub::RevokeToken, req), TokensTable);
  });
}

}  // namespace

void AddToken(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  AddCreate(token, cli, action);
  AddList(token, cli, action);
  AddRevoke(token, cli, action);
}

}  // namespace mops::cli

// mops user ...: people and bots.
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

Table UsersTable(const google::protobuf::RepeatedPtrField<api::User>& users) {
  Table t({"ID", "DISPLAY NAME", "KIND", "STATE", "ADMIN", "EMAIL", "MANAGER",
           "CHAT"});
  for (const auto& u : users) {
    t.AddRow({Id(u.name()), u.display_name(),
              EnumName(api::User::Kind_Name(u.kind())),
              EnumName(api::User::State_Name(u.state())),
              u.admin() ? "yes" : "no", u.email().empty() ? "-" : u.email(),
              u.manager().empty() ? "-" : Id(u.manager()),
              u.chat_handle().empty() ? "-" : u.chat_handle()});
  }
  return t;
}

void AddCreate(CLI::App* user, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, display, email, manager, chat_handle, request_id;
    bool bot = false, admin = false;
  };
  auto f = std::make_shared<Flags>();
  auto* create = user->add_subcommand("create", "Create a user (admins)");
  create->add_option("ID", f->id, "User id: a-z, 0-9, '-'")->required();
  create->add_option("--display-name", f->display, "Display name")->required();
  create->add_option("--email", f->email, "Email address");
  create->add_option("--manager", f->manager, "The user's manager (user id)");
  create->add_option("--chat-handle", f->chat_handle,
                     "Who the user is in chat: a Slack member ID (U012AB3CD)");
  create->add_flag("--bot", f->bot, "A service account (e.g. a chat bot)");
  create->add_flag("--admin", f->admin, "Make the user an admin");
  create->add_option(
      "--request-id", f->request_id,
      "Idempotency key: a retry with the same id changes nothing");
  OnCall<Identity>(create, cli, action, [&cli, f](const Identity& rpc) {
    api::CreateUserRequest req;
    req.set_user_id(f->id);
    api::User* u = req.mutable_user();
    u->set_display_name(f->display);
    u->set_email(f->email);
    if (!f->manager.empty()) u->set_manager(UserName(f->manager));
    u->set_chat_handle(f->chat_handle);
    u->set_kind(f->bot ? api::User::BOT : api::User::PERSON);
    u->set_admin(f->admin);
    req.set_request_id(f->request_id);
    cli.PrintOne(rpc.Call(&IdentityStub::CreateUser, req), UsersTable);
  });
}

void AddListAndGet(CLI::App* user, Cli& cli, std::function<void()>& action) {
  auto handle = std::make_shared<std::string>();
  auto* list = user->add_subcommand("list", "List users");
  list->add_option("--chat-handle", *handle,
                   "Only the user with this chat handle");
  OnCall<Identity>(list, cli, action, [&cli, handle](const Identity& rpc) {
    api::ListUsersRequest req;
    req.set_chat_handle(*handle);
    auto all = rpc.ListAll(&IdentityStub::ListUsers, req);
    cli.Print(all, [&] { return UsersTable(all.users()); });
  });

  auto id = std::make_shared<std::string>();
  auto* get = user->add_subcommand("get", "Show one user");
  get->add_option("ID", *id, "User id; default: you")->default_val("me");
  OnCall<Identity>(get, cli, action, [&cli, id](const Identity& rpc) {
    api::GetUserRequest req;
    req.set_name(UserName(*id));
    cli.PrintOne(rpc.Call(&IdentityStub::GetUser, req), UsersTable);
  });
}

void AddUpdate(CLI::App* user, Cli& cli, std::function<void()>& action) {
  struct Flags {
    std::string id, display, email, manager, chat_handle;
  };
  auto f = std::make_shared<Flags>();
  auto* update = user->add_subcommand(
      "update", "Change a user (yourself: name and email; admins: anything)");
  update->add_option("ID", f->id, "User id; default: you")->default_val("me");
  auto* dn =
      update->add_option("--display-name", f->display, "New display name");
  auto* em = update->add_option("--email", f->email, "New email");
  auto* mg = update->add_option("--manager", f->manager,
                                "New manager (user id; \"\" clears)");
  auto* ch = update->add_option(
      "--chat-handle", f->chat_handle,
      "Who the user is in chat: a Slack member ID (\"\" clears; admins)");
  OnCall<Identity>(
      update, cli, action, [&cli, f, dn, em, mg, ch](const Identity& rpc) {
        api::UpdateUserRequest req;
        req.mutable_user()->set_name(UserName(f->id));
        if (dn->count()) {
          req.mutable_user()->set_display_name(f->display);
          req.mutable_update_mask()->add_paths("display_name");
        }
        if (em->count()) {
          req.mutable_user()->set_email(f->email);
          req.mutable_update_mask()->add_paths("email");
        }
        if (mg->count()) {
          if (!f->manager.empty()) {
            req.mutable_user()->set_manager(UserName(f->manager));
          }
          req.mutable_update_mask()->add_paths("manager");
        }
        if (ch->count()) {
          req.mutable_user()->set_chat_handle(f->chat_handle);
          req.mutable_update_mask()->add_paths("chat_handle");
        }
        if (req.update_mask().paths().empty()) {
          throw CliError{kExitUsage,
                         "nothing to update: give --display-name, --email, "
                         "--manager or --chat-handle"};
        }
        cli.PrintOne(rpc.Call(&IdentityStub::UpdateUser, req), UsersTable);
      });
}

void AddDeactivate(CLI::App* user, Cli& cli, std::function<void()>& action) {
  auto id = std::make_shared<std::string>();
  auto* deactivate = user->add_subcommand(
      "deactivate", "Deactivate a user: their tokens stop working (admins)");
  deactivate->add_option("ID", *id, "User id")->required();
  OnCall<Identity>(deactivate, cli, action, [&cli, id](const Identity& rpc) {
    api::DeactivateUserRequest req;
    req.set_name(UserName(*id));
    cli.PrintOne(rpc.Call(&IdentityStub::DeactivateUser, req), UsersTable);
  });
}

}  // namespace

void AddUser(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* user = app.add_subcommand("user", "People and bots");
  user->require_subcommand(1);
  AddCreate(user, cli, action);
  AddListAndGet(user, cli, action);
  AddUpdate(user, cli, action);
  AddDeactivate(user, cli, action);
}

}  // namespace mops::cli

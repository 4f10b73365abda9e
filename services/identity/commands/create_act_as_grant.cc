#include "absl/strings/str_cat.h"
#include "services/common/events.h"
#include "services/common/time_util.h"
#include "services/common/validation.h"
#include "services/identity/commands/commands.h"
#include "services/identity/keys.h"
#include "services/identity/state.h"
#include "storage/status_macros.h"

namespace mops::services::identity::commands {

using storage::Cf;
using storage::Txn;
using namespace internal;  // NOLINT

absl::Status CreateActAsGrant::Validate(const Request& req) const {
  RETURN_IF_ERROR(ParseId("bot", req.bot(), "users/*").status());
  return ParseId("user", req.user(), "users/*", /*allow_wildcard=*/true)
      .status();
}

absl::Status CreateActAsGrant::Apply(Txn& txn, const Principal& p,
                                     const Request& req, Response* out) const {
  ASSIGN_OR_RETURN(std::string bot_id, ParseId("bot", req.bot(), "users/*"));
  ASSIGN_OR_RETURN(std::string user_id, ParseId("user", req.user(), "users/*",
                                                /*allow_wildcard=*/true));
  RETURN_IF_ERROR(RequireAdmin(p, "grant on-behalf-of access"));
  ASSIGN_OR_RETURN(auto bot, SharedUser(txn, bot_id));
  if (bot->kind() != v1::User::BOT) {
    return absl::FailedPreconditionError(
        absl::StrCat("bot: ", bot->name(), " is not a bot"));
  }
  if (user_id != "-") {
    ASSIGN_OR_RETURN(auto user, SharedUser(txn, user_id));
    if (user->kind() != v1::User::PERSON) {
      return absl::FailedPreconditionError(
          absl::StrCat("user: ", user->name(), " is not a person"));
    }
  }
  ASSIGN_OR_RETURN(auto existing,
                   txn.Get(Cf::kRecords, keys::ActAsGrant(bot_id, user_id)));
  if (existing) {
    return absl::AlreadyExistsError(absl::StrCat(
        bot->name(), " may already act on behalf of users/", user_id));
  }
  v1::ActAsGrant& grant = *out;
  grant.set_name(absl::StrCat(bot->name(), "/actAsGrants/", user_id));
  grant.set_bot(bot->name());
  grant.set_user(absl::StrCat("users/", user_id));
  *grant.mutable_create_time() = ToProtoTime(txn.Now());
  txn.PutProto(Cf::kRecords, keys::ActAsGrant(bot_id, user_id), grant);
  v1::Event e;
  *e.mutable_grant_created()->mutable_grant() = grant;
  Emit(txn, p, grant.name(), std::move(e));
  return absl::OkStatus();
}

}  // namespace mops::services::identity::commands

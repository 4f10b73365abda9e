// What creating and editing an agreement share. Internal to the commands.
#ifndef MOPS_SERVICES_AGREEMENTS_COMMANDS_DRAFT_H_
#define MOPS_SERVICES_AGREEMENTS_COMMANDS_DRAFT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mops/v1/agreements.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::agreements::commands {

// The agreement as a caller may write it: output-only fields cleared.
v1::Agreement Spec(const v1::Agreement& a);
// Writes version 1 of a new agreement `id` as a draft (with validate_only,
// only checks), and says so in agreement.created.
absl::Status CreateDraft(storage::Txn& txn, const Principal& p,
                         absl::string_view id, v1::Agreement a,
                         bool validate_only, v1::Agreement* out);

}  // namespace mops::services::agreements::commands

#endif  // MOPS_SERVICES_AGREEMENTS_COMMANDS_DRAFT_H_

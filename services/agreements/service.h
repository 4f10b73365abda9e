// AgreementService: operating-level agreements, their versions, clocks and
// reports; and what the server's wiring registers for them.
#ifndef MOPS_SERVICES_AGREEMENTS_SERVICE_H_
#define MOPS_SERVICES_AGREEMENTS_SERVICE_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/reactions.h"
#include "services/common/rpc.h"
#include "services/common/subjects.h"
#include "storage/engine.h"
#include "storage/key_spaces.h"

namespace mops::services::agreements {

// `subjects` checks the subject of the approvals SubmitAgreement asks for;
// it outlives the service.
absl::StatusOr<std::unique_ptr<grpc::Service>> BindAgreementService(
    const Authenticator& auth, storage::Engine& engine,
    const Subjects& subjects);

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

// Clocks move on the events their terms name; reviews end on their
// approvals; liaisons join the decisions that concern an agreement
// (reactions.cc).
void RegisterReactions(Reactions& reactions);
// agreement.clock (clock_timer.cc).
void RegisterTimers(storage::Engine& engine);

// The subject resolver of "agreements/" names: "agreements/{a}" and
// "agreements/{a}/versions/{n}" that exist.
absl::Status CheckSubject(const storage::Reader& reader,
                          absl::string_view field, absl::string_view name);

}  // namespace mops::services::agreements

#endif  // MOPS_SERVICES_AGREEMENTS_SERVICE_H_

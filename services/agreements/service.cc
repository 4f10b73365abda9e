#include "services/agreements/service.h"

#include "absl/strings/str_cat.h"
#include "mops/v1/agreements.grpc.pb.h"
#include "services/agreements/commands/commands.h"
#include "services/agreements/keys.h"
#include "services/agreements/queries.h"
#include "services/agreements/state.h"
#include "services/common/binder.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindAgreementService(
    const Authenticator& auth, storage::Engine& engine,
    const Subjects& subjects) {
  const storage::Clock* clock = engine.clock();
  return Binder("mops.v1.AgreementService", auth, engine)
      .Command<commands::CreateAgreement>("CreateAgreement")
      .Query<queries::GetAgreement>("GetAgreement")
      .Query<queries::ListAgreements>("ListAgreements")
      .Command<commands::UpdateAgreement>("UpdateAgreement")
      .Query<queries::ListAgreementVersions>("ListAgreementVersions")
      .Command("SubmitAgreement", commands::SubmitAgreement{&subjects})
      .Command<commands::RetireAgreement>("RetireAgreement")
      .Query("GetClock", queries::GetClock{clock})
      .Query("ListClocks", queries::ListClocks{clock})
      .Command<commands::RecalculateClocks>("RecalculateClocks")
      .Query("GetAgreementReport", queries::GetAgreementReport{clock})
      .Query("GetWaitLedger", queries::GetWaitLedger{clock})
      .Finish();
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

absl::Status CheckSubject(const storage::Reader& reader,
                          absl::string_view field, absl::string_view name) {
  ASSIGN_OR_RETURN(VersionRef ref, ParseAgreementName(field, name));
  absl::Status s = LoadVersion(reader, ref.id, ref.version).status();
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(field, ": ", s.message()));
}

}  // namespace mops::services::agreements

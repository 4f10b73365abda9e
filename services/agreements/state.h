// Load and save of agreements (their head and versions) and clocks with
// their index rows, and who may change an agreement. Internal to the
// agreements domain.
#ifndef MOPS_SERVICES_AGREEMENTS_STATE_H_
#define MOPS_SERVICES_AGREEMENTS_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/agreements.pb.h"
#include "services/common/principal.h"
#include "storage/engine.h"

namespace mops::services::agreements {

using mops::internal::v1::AgreementHead;
using mops::internal::v1::ClockRecord;

std::string AgreementName(absl::string_view id);
std::string VersionName(absl::string_view id, int64_t version);
std::string ClockName(absl::string_view agreement_id,
                      absl::string_view clock_id);

struct VersionRef {
  std::string id;
  int64_t version = 0;  // 0: the latest
};
// "agreements/{a}" or "agreements/{a}/versions/{n}"; INVALID_ARGUMENT
// naming `field` otherwise.
absl::StatusOr<VersionRef> ParseAgreementName(absl::string_view field,
                                              absl::string_view name);
struct ClockRef {
  std::string agreement;
  std::string clock;
};
absl::StatusOr<ClockRef> ParseClockName(absl::string_view field,
                                        absl::string_view name);

absl::StatusOr<std::optional<AgreementHead>> FindHead(
    const storage::Reader& reader, absl::string_view id);
void SaveHead(storage::Txn& txn, absl::string_view id, const AgreementHead& h);
// Version `version` (0: the latest) with active_version from the head;
// NOT_FOUND naming it when absent.
absl::StatusOr<v1::Agreement> LoadVersion(const storage::Reader& reader,
                                          absl::string_view id,
                                          int64_t version);
// The stored bytes of a version (for the compiled-agreement cache).
absl::StatusOr<std::optional<std::string>> VersionBytes(
    const storage::Reader& reader, absl::string_view id, int64_t version);
// Stamps etag and update_time and writes the version.
void SaveVersion(storage::Txn& txn, absl::string_view id, v1::Agreement* a);

// The active agreement's rows: listed as active, and under every event
// type its conditions (and those of the versions before it) name.
void IndexActive(storage::Txn& txn, absl::string_view id,
                 const std::vector<std::string>& types);
absl::Status UnindexActive(storage::Txn& txn, absl::string_view id);
// The ids of agreements with an active version, and of those whose
// conditions name `type`.
absl::StatusOr<std::vector<std::string>> ActiveAgreements(
    const storage::Reader& reader);
absl::StatusOr<std::vector<std::string>> ActiveFor(
    const storage::Reader& reader, absl::string_view type);

// The clock of `term` on `subject`, if any.
absl::StatusOr<std::optional<ClockRecord>> FindClock(
    const storage::Reader& reader, absl::string_view agreement_id,
    absl::string_view term, absl::string_view subject);
// The clocks of `term` on subjects under `parent` ("projects/p" holds
// "projects/p/tasks/t").
absl::StatusOr<std::vector<ClockRecord>> ClocksUnder(
    const storage::Reader& reader, absl::string_view agreement_id,
    absl::string_view term, absl::string_view parent);
absl::StatusOr<ClockRecord> LoadClock(const storage::Reader& reader,
                                      absl::string_view agreement_id,
                                      absl::string_view clock_id);
// Stamps update_time and writes the clock; a new one (no create_time yet)
// also gets its row by subject. INTERNAL for a clock name the server did
// not make.
absl::Status SaveClock(storage::Txn& txn, ClockRecord* r);

// PERMISSION_DENIED unless `p` is an admin, a lead of a party's team or a
// liaison of `a`; `action` completes "... may".
absl::Status RequireSteward(const storage::Reader& reader, const Principal& p,
                            const v1::Agreement& a, absl::string_view action);
// NOT_FOUND naming the field when a team, user, calendar or template the
// agreement names does not exist; FAILED_PRECONDITION for a deactivated
// liaison.
absl::Status CheckReferences(const storage::Reader& reader,
                             const v1::Agreement& a);

}  // namespace mops::services::agreements

#endif  // MOPS_SERVICES_AGREEMENTS_STATE_H_

// Agreements' key spaces. Registered with storage by RegisterKeySpaces;
// every agreement key is built here.
#ifndef MOPS_SERVICES_AGREEMENTS_KEYS_H_
#define MOPS_SERVICES_AGREEMENTS_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/key_spaces.h"
#include "storage/keys.h"

namespace mops::services::agreements::keys {

// agreement -> internal AgreementHead (latest and active version)
inline constexpr storage::KeySpace kHead{0x27, "agreement",
                                         storage::Cf::kRecords};
// agreement, ~version -> v1::Agreement (newest first)
inline constexpr storage::KeySpace kVersion{0x28, "agreement version",
                                            storage::Cf::kRecords,
                                            storage::HeadShape::kFirstString};
// agreement, clock -> internal ClockRecord
inline constexpr storage::KeySpace kClock{0x29, "agreement clock",
                                          storage::Cf::kRecords,
                                          storage::HeadShape::kFirstString};
// agreement, term, subject -> clock id (one clock per term and subject)
inline constexpr storage::KeySpace kClockBySubject{
    0x8A, "index of agreement clocks by subject", storage::Cf::kIndex,
    storage::HeadShape::kFirstString};
// event type, agreement -> "" (an active agreement whose active version,
// or a version before it with clocks that may be open, names the type)
inline constexpr storage::KeySpace kActiveByType{
    0x8B, "index of active agreements by event type", storage::Cf::kIndex,
    storage::HeadShape::kFirstString};
// agreement -> "" (agreements with an active version)
inline constexpr storage::KeySpace kActive{0x8C, "index of active agreements",
                                           storage::Cf::kIndex};

void RegisterKeySpaces(storage::KeySpaceRegistry& registry);

std::string Head(absl::string_view id);
std::string HeadPrefix();
std::string Version(absl::string_view id, int64_t version);
std::string VersionPrefix(absl::string_view id);
std::string Clock(absl::string_view agreement, absl::string_view clock);
std::string ClockPrefix(absl::string_view agreement);
std::string AllClocksPrefix();
std::string ClockBySubject(absl::string_view agreement, absl::string_view term,
                           absl::string_view subject);
// The rows of `term` whose subject starts with `subject_prefix`.
std::string ClocksBySubjectPrefix(absl::string_view agreement,
                                  absl::string_view term,
                                  absl::string_view subject_prefix);
std::string ActiveByType(absl::string_view type, absl::string_view agreement);
std::string ActiveByTypePrefix(absl::string_view type);
std::string Active(absl::string_view agreement);
std::string ActivePrefix();

}  // namespace mops::services::agreements::keys

#endif  // MOPS_SERVICES_AGREEMENTS_KEYS_H_

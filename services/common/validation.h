// Request validation shared by every service. Each error is INVALID_ARGUMENT
// and names the field.
#ifndef MOPS_SERVICES_COMMON_VALIDATION_H_
#define MOPS_SERVICES_COMMON_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mops::services {

inline constexpr size_t kMaxIdLength = 63;
inline constexpr size_t kMaxDisplayNameLength = 200;
// Descriptions, objectives, approval details, comments: every longer text.
inline constexpr size_t kMaxDescriptionLength = 10000;
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMaxRequestIdLength = 128;

// An id: 1 to 63 of [a-z0-9-], starting with a letter, not ending with '-'.
absl::Status ValidateId(absl::string_view field, absl::string_view id);
absl::Status ValidateLength(absl::string_view field, absl::string_view value,
                            size_t max);
absl::Status ValidateRequired(absl::string_view field, absl::string_view value);
absl::Status ValidateEmail(absl::string_view field, absl::string_view value);

// Parses a resource name against a pattern such as "teams/*/members/*" and
// returns the ids in order. `field` names the request field in errors.
// "-" is accepted as an id only when allow_wildcard.
absl::StatusOr<std::vector<std::string>> ParseName(absl::string_view field,
                                                   absl::string_view name,
                                                   absl::string_view pattern,
                                                   bool allow_wildcard = false);
// Shortcut for one-id patterns ("users/*").
absl::StatusOr<std::string> ParseId(absl::string_view field,
                                    absl::string_view name,
                                    absl::string_view pattern,
                                    bool allow_wildcard = false);

// The etag of a resource last written at `revision`.
std::string EtagOf(uint64_t revision);
// ABORTED when `given` is set and differs from `current`.
absl::Status CheckEtag(absl::string_view given, absl::string_view current,
                       absl::string_view resource);

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_VALIDATION_H_

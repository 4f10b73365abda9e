#include "services/common/validation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace mops::services {

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", id.size(), " characters; at most ",
                     kMaxIdLength, " are allowed"));
  }
  bool ok = id[0] >= 'a' && id[0] <= 'z' && id.back() != '-';
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      ok = false;
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", id,
        "\" is not a valid id: use a-z, 0-9 and '-', start with a letter and "
        "do not end with '-'"));
  }
  return absl::OkStatus();
}

absl::Status ValidateLength(absl::string_view field, absl::string_view value,
                            size_t max) {
  if (value.size() > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is ", value.size(), " bytes; at most ", max, " are allowed"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequired(absl::string_view field,
                              absl::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEmail(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  if (absl::Status s = ValidateLength(field, value, kMaxEmailLength); !s.ok()) {
    return s;
  }
  size_t at = value.find('@');
  if (at == absl::string_view::npos || at == 0 || at + 1 == value.size() ||
      value.find_first_of(" \t\r\n") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " \"", value, "\" is not an email address"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParseName(absl::string_view field,
                                                   absl::string_view name,
                                                   absl::string_view pattern,
                                                   bool allow_wildcard) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is required (expected \"", pattern, "\")"));
  }
  auto mismatch = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", name, "\" does not match \"", pattern, "\""));
  };
  // Segment by segment, without splitting into vectors: this runs several
  // times per request.
  if (std::count(name.begin(), name.end(), '/') !=
      std::count(pattern.begin(), pattern.end(), '/')) {
    return mismatch();
  }
  std::vector<std::string> ids;
  absl::string_view got_rest = name;
  absl::string_view want_rest = pattern;
  while (true) {
    const size_t got_end = got_rest.find('/');
    const size_t want_end = want_rest.find('/');
    const absl::string_view got = got_rest.substr(0, got_end);
    const absl::string_view want = want_rest.substr(0, want_end);
    if (want != "*") {
      if (got != want) return mismatch();
    } else if (allow_wildcard && got == "-") {
      ids.emplace_back("-");
    } else {
      absl::Status s = ValidateId(field, got);
      if (!s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, " \"", name, "\": ", s.message()));
      }
      ids.emplace_back(got);
    }
    if (want_end == absl::string_view::npos) break;  // and so is got_end
    got_rest.remove_prefix(got_end + 1);
    want_rest.remove_prefix(want_end + 1);
  }
  return ids;
}

absl::StatusOr<std::string> ParseId(absl::string_view field,
                                    absl::string_view name,
                                    absl::string_view pattern,
                                    bool allow_wildcard) {
  auto ids = ParseName(field, name, pattern, allow_wildcard);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

std::string EtagOf(uint64_t revision) { return absl::StrCat(revision); }

absl::Status CheckEtag(absl::string_view given, absl::string_view current,
                       absl::string_view resource) {
  if (given.empty() || given == current) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("etag \"", given, "\" is stale: ", resource,
                   " changed since it was read (current etag \"", current,
                   "\"); read it again and retry"));
}

}  // namespace mops::services

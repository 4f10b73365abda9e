#include "services/common/update_mask.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace mops::services {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool IsSet(const Message& m, const FieldDescriptor& f) {
  const google::protobuf::Reflection& r = *m.GetReflection();
  return f.is_repeated() ? r.FieldSize(m, &f) > 0 : r.HasField(m, &f);
}

absl::Status NotUpdatable(absl::string_view path,
                          absl::Span<const absl::string_view> updatable,
                          absl::string_view note) {
  return absl::InvalidArgumentError(absl::StrCat(
      "update_mask: path \"", path, "\" cannot be updated; allowed: ",
      absl::StrJoin(updatable, ", "), note.empty() ? "" : " ", note));
}

}  // namespace

absl::StatusOr<std::vector<std::string>> UpdatePaths(
    const google::protobuf::FieldMask& mask, const Message& resource,
    absl::Span<const absl::string_view> updatable, absl::string_view note) {
  const google::protobuf::Descriptor& type = *resource.GetDescriptor();
  std::vector<std::string> paths;
  for (absl::string_view name : updatable) {
    const FieldDescriptor* f = type.FindFieldByName(std::string(name));
    if (f == nullptr) {
      return absl::InternalError(
          absl::StrCat(type.full_name(), " has no field ", name, " to update"));
    }
    if (mask.paths().empty() && IsSet(resource, *f)) paths.emplace_back(name);
  }
  if (mask.paths().empty()) {
    if (paths.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask is empty and the ", absl::AsciiStrToLower(type.name()),
          " sets none of its updatable fields (",
          absl::StrJoin(updatable, ", "),
          "); name the fields to change in update_mask (a field becomes "
          "empty, zero or false only when named there)"));
    }
    return paths;
  }
  if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    return std::vector<std::string>(updatable.begin(), updatable.end());
  }
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      return absl::InvalidArgumentError(
          "update_mask: \"*\" (every field) must be the only path");
    }
    if (std::find(updatable.begin(), updatable.end(), path) ==
        updatable.end()) {
      return NotUpdatable(path, updatable, note);
    }
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) {
      paths.push_back(path);
    }
  }
  return paths;
}

}  // namespace mops::services

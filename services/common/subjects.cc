#include "services/common/subjects.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/log.h"

namespace mops::services {

void Subjects::Register(std::string prefix, Resolver resolver) {
  if (prefix.empty() || prefix.back() != '/' || resolver == nullptr ||
      resolvers_.count(prefix) > 0) {
    LogError("subjects: bad or repeated registration of prefix \"", prefix,
             "\"");
    std::abort();
  }
  resolvers_.emplace(std::move(prefix), std::move(resolver));
}

const Subjects::Resolver* Subjects::Find(absl::string_view name) const {
  const Resolver* found = nullptr;
  size_t longest = 0;
  for (const auto& [prefix, resolver] : resolvers_) {
    if (prefix.size() > longest && absl::StartsWith(name, prefix)) {
      found = &resolver;
      longest = prefix.size();
    }
  }
  return found;
}

bool Subjects::Knows(absl::string_view name) const {
  return Find(name) != nullptr;
}

std::vector<std::string> Subjects::Prefixes() const {
  std::vector<std::string> out;
  for (const auto& entry : resolvers_) out.push_back(entry.first);
  return out;
}

absl::Status Subjects::Check(const storage::Reader& reader,
                             absl::string_view field,
                             absl::string_view name) const {
  const Resolver* resolver = Find(name);
  if (resolver == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", name, "\" is not the name of a known kind of resource (",
        absl::StrJoin(Prefixes(), ", "), ")"));
  }
  return (*resolver)(reader, field, name);
}

}  // namespace mops::services

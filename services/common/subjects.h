// Subjects: what a resource name in another domain's request (an
// approval's subject, later an agreement's or a workflow stage's) may name.
// Each domain that owns names registers a resolver for its prefix; the
// server's wiring fills the registry before the engine starts, so a domain
// checks a name without including the domain that owns it.
#ifndef MOPS_SERVICES_COMMON_SUBJECTS_H_
#define MOPS_SERVICES_COMMON_SUBJECTS_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"

namespace mops::services {

class Subjects {
 public:
  // OK when `name` names an existing resource; NOT_FOUND naming it when it
  // does not exist; INVALID_ARGUMENT naming `field` when it has the prefix
  // but not the shape of a name. Runs on any thread and inside commands:
  // reads only through `reader`.
  using Resolver = std::function<absl::Status(const storage::Reader& reader,
                                              absl::string_view field,
                                              absl::string_view name)>;

  // Register before the engine starts. `prefix` ends with '/'
  // ("projects/"); registering one twice is a wiring bug and aborts.
  void Register(std::string prefix, Resolver resolver);

  // Whether some resolver's prefix starts `name`.
  bool Knows(absl::string_view name) const;
  // The registered prefixes, sorted.
  std::vector<std::string> Prefixes() const;

  // Runs the resolver of the longest prefix of `name`; INVALID_ARGUMENT
  // naming `field` and the known prefixes when none fits.
  absl::Status Check(const storage::Reader& reader, absl::string_view field,
                     absl::string_view name) const;

 private:
  const Resolver* Find(absl::string_view name) const;

  std::map<std::string, Resolver, std::less<>> resolvers_;
};

}  // namespace mops::services

#endif  // MOPS_SERVICES_COMMON_SUBJECTS_H_

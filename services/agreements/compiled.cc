#include "services/agreements/compiled.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/agreements/state.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

namespace {

// Bounded: a server holds few agreement versions; a flood of distinct ones
// (tests with many data folders in one process) just starts it over.
constexpr size_t kMaxCached = 256;

absl::Mutex cache_mu;
absl::flat_hash_map<std::string, std::shared_ptr<const CompiledAgreement>>*
Cache() ABSL_EXCLUSIVE_LOCKS_REQUIRED(cache_mu) {
  static auto* cache =
      new absl::flat_hash_map<std::string,
                              std::shared_ptr<const CompiledAgreement>>();
  return cache;
}

absl::Status CompileList(
    const google::protobuf::RepeatedPtrField<v1::ClockCondition>& list,
    std::vector<CompiledCondition>* out, std::vector<std::string>* types) {
  for (const v1::ClockCondition& c : list) {
    ASSIGN_OR_RETURN(EventCondition compiled,
                     EventCondition::Compile("event_type", c.event_type(),
                                             "filter", c.filter()));
    out->push_back({std::move(compiled), &c});
    types->push_back(c.event_type());
  }
  return absl::OkStatus();
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

absl::Status CompileTerm(const v1::AgreementTerm& t, CompiledTerm* out) {
  out->term = &t;
  RETURN_IF_ERROR(CompileList(t.start(), &out->start, &out->types));
  RETURN_IF_ERROR(CompileList(t.pause(), &out->pause, &out->types));
  RETURN_IF_ERROR(CompileList(t.resume(), &out->resume, &out->types));
  RETURN_IF_ERROR(CompileList(t.stop(), &out->stop, &out->closing_types));
  RETURN_IF_ERROR(CompileList(t.cancel(), &out->cancel, &out->closing_types));
  for (const v1::TermSegment& s : t.segments()) {
    std::vector<EventCondition> per_start;
    for (const v1::ClockCondition& start : t.start()) {
      ASSIGN_OR_RETURN(EventCondition c,
                       EventCondition::Compile("event_type", start.event_type(),
                                               "filter", s.filter()));
      per_start.push_back(std::move(c));
    }
    out->segments.push_back(std::move(per_start));
  }
  out->types.insert(out->types.end(), out->closing_types.begin(),
                    out->closing_types.end());
  SortUnique(&out->types);
  SortUnique(&out->closing_types);
  return absl::OkStatus();
}

}  // namespace

const CompiledTerm* CompiledAgreement::Term(absl::string_view id) const {
  for (const CompiledTerm& t : terms) {
    if (t.term->id() == id) return &t;
  }
  return nullptr;
}

absl::StatusOr<std::shared_ptr<const CompiledAgreement>> Compile(
    absl::string_view id, v1::Agreement a) {
  auto out = std::make_shared<CompiledAgreement>();
  out->id = std::string(id);
  out->agreement = std::move(a);
  // Terms point into out->agreement, which stays where it is from here.
  out->terms.resize(out->agreement.terms_size());
  for (int i = 0; i < out->agreement.terms_size(); ++i) {
    RETURN_IF_ERROR(CompileTerm(out->agreement.terms(i), &out->terms[i]));
    out->types.insert(out->types.end(), out->terms[i].types.begin(),
                      out->terms[i].types.end());
  }
  SortUnique(&out->types);
  return std::shared_ptr<const CompiledAgreement>(std::move(out));
}

absl::StatusOr<std::shared_ptr<const CompiledAgreement>> LoadCompiled(
    const storage::Reader& reader, absl::string_view id, int64_t version) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   VersionBytes(reader, id, version));
  if (!bytes) {
    return absl::NotFoundError(absl::StrCat(
        "agreement version \"", VersionName(id, version), "\" not found"));
  }
  // The id is part of the key: two agreements may hold equal bytes only if
  // their names are equal too, but the cache is per process, not per store.
  std::string key = absl::StrCat(id, "/", *bytes);
  {
    absl::MutexLock lock(&cache_mu);
    auto it = Cache()->find(key);
    if (it != Cache()->end()) return it->second;
  }
  v1::Agreement a;
  RETURN_IF_ERROR(storage::ParseStored(*bytes, &a));
  ASSIGN_OR_RETURN(std::shared_ptr<const CompiledAgreement> compiled,
                   Compile(id, std::move(a)));
  absl::MutexLock lock(&cache_mu);
  if (Cache()->size() >= kMaxCached) Cache()->clear();
  Cache()->emplace(std::move(key), compiled);
  return compiled;
}

}  // namespace mops::services::agreements

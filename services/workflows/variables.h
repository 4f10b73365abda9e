// A template's variables: their declarations, the values a run is started
// with (checked and normalized per type), {{placeholders}} in stage text,
// and conditions over them (AIP-160, services/common/filter.h). Pure: no
// reads, no clock.
#ifndef MOPS_SERVICES_WORKFLOWS_VARIABLES_H_
#define MOPS_SERVICES_WORKFLOWS_VARIABLES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/map.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "mops/v1/workflows.pb.h"
#include "services/common/filter.h"

namespace mops::services::workflows {

using Variables = google::protobuf::RepeatedPtrField<v1::WorkflowVariable>;
using Values = std::map<std::string, std::string>;

// "variables[budget]": how errors name a variable.
std::string VariableField(absl::string_view name);

// The declaration's own shape: name, type, currency (MONEY needs one),
// default (parses as the type). `field` names it in errors.
absl::Status ValidateDeclaration(absl::string_view field,
                                 const v1::WorkflowVariable& v);

// `text` as a value of `v`, normalized: money "60000 EUR" -> "60000.00
// EUR", users and teams as full names, numbers without a leading '+'.
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> NormalizeValue(absl::string_view field,
                                           const v1::WorkflowVariable& v,
                                           absl::string_view text);

// Every declared variable's value for a run: given (normalized), else the
// default, else an error for a required one; a given name that is not
// declared is an error too. Unset optional variables are absent.
absl::StatusOr<Values> ResolveValues(
    const Variables& declared,
    const google::protobuf::Map<std::string, std::string>& given);

// The names of the {{placeholders}} in `text`, in order; INVALID_ARGUMENT
// naming `field` for an unclosed "{{" or a name that is not an identifier.
absl::StatusOr<std::vector<std::string>> Placeholders(absl::string_view field,
                                                      absl::string_view text);
// `text` with each {{name}} replaced by its value (empty when unset).
std::string Render(absl::string_view text, const Values& values);

// The declared variable named `name`, or null.
const v1::WorkflowVariable* FindVariable(const Variables& declared,
                                         absl::string_view name);

// A condition over the variables. Money compares in minor units against
// "50000 EUR" or a bare amount in the variable's currency; dates, times and
// numbers compare in order; the rest with = != and : (contains).
class Condition {
 public:
  static absl::StatusOr<Condition> Parse(absl::string_view expression,
                                         const Variables& declared);
  bool Holds(const Values& values) const;
  // The variables the expression names, with their values, as a run's
  // history records them ("budget" -> "40000.00 EUR").
  Values Seen(const Values& values) const;

 private:
  filter::Filter filter_;
  std::map<std::string, v1::WorkflowVariable> vars_;
  std::vector<std::string> names_;
};

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_VARIABLES_H_

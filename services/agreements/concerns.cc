// Liaisons in the decisions that concern an agreement (review.h): an
// approval asked for on a project with a label or team an active agreement
// names, or by a stage of a workflow template it names, gets a group of the
// agreement's liaisons in the commit that asked for it.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/agreements/compiled.h"
#include "services/agreements/review.h"
#include "services/agreements/state.h"
#include "services/approvals/approvals.h"
#include "services/projects/projects.h"
#include "services/workflows/workflows.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

using storage::Txn;

namespace {

// What the concerns are matched against, read once per approval and only
// when some agreement asks.
class Facts {
 public:
  Facts(const storage::Reader& reader, const v1::Approval& a)
      : reader_(reader), a_(a) {}

  absl::StatusOr<const v1::Project*> Project() {
    if (!project_read_) {
      project_read_ = true;
      std::vector<absl::string_view> parts = absl::StrSplit(a_.subject(), '/');
      if (parts.size() >= 2 && parts[0] == "projects") {
        absl::StatusOr<v1::Project> p =
            projects::GetProject(reader_, absl::StrCat("projects/", parts[1]));
        if (p.ok()) {
          project_ = *std::move(p);
        } else if (!absl::IsNotFound(p.status())) {
          return p.status();
        }
      }
    }
    return project_ ? &*project_ : nullptr;
  }

  absl::StatusOr<std::string> Template() {
    if (!template_read_ && !a_.workflow().empty()) {
      template_read_ = true;
      absl::StatusOr<std::string> t =
          workflows::TemplateOfRun(reader_, a_.workflow());
      if (t.ok()) {
        template_ = *std::move(t);
      } else if (!absl::IsNotFound(t.status())) {
        return t.status();
      }
    }
    return template_;
  }

 private:
  const storage::Reader& reader_;
  const v1::Approval& a_;
  bool project_read_ = false;
  std::optional<v1::Project> project_;
  bool template_read_ = false;
  std::string template_;
};

template <typename List>
bool Contains(const List& list, absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

absl::StatusOr<bool> Concerns(const v1::ConcernedDecisions& c, Facts& facts) {
  if (!c.project_labels().empty() || !c.project_teams().empty()) {
    ASSIGN_OR_RETURN(const v1::Project* p, facts.Project());
    if (p != nullptr) {
      if (Contains(c.project_teams(), p->team())) return true;
      for (const std::string& label : p->labels()) {
        if (Contains(c.project_labels(), label)) return true;
      }
    }
  }
  if (!c.workflow_templates().empty()) {
    ASSIGN_OR_RETURN(std::string t, facts.Template());
    if (!t.empty() && Contains(c.workflow_templates(), t)) return true;
  }
  return false;
}

}  // namespace

absl::Status AddLiaisons(Txn& txn, const v1::Event& e) {
  const v1::Approval& a = e.approval_requested().approval();
  // A later round is the same decision; an agreement's own review has its
  // liaisons already.
  if (a.round() != 1 || absl::StartsWith(a.subject(), "agreements/")) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ActiveAgreements(txn));
  Facts facts(txn, a);
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<AgreementHead> head, FindHead(txn, id));
    if (!head || head->active_version() == 0) continue;
    ASSIGN_OR_RETURN(auto compiled,
                     LoadCompiled(txn, id, head->active_version()));
    ASSIGN_OR_RETURN(bool concerns,
                     Concerns(compiled->agreement.concerns(), facts));
    if (!concerns) continue;
    std::vector<std::string> liaisons;
    for (const v1::AgreementParty& p : compiled->agreement.parties()) {
      liaisons.insert(liaisons.end(), p.liaisons().begin(), p.liaisons().end());
    }
    RETURN_IF_ERROR(approvals::AddLiaisonGroup(txn, e, a.name(),
                                               AgreementName(id), liaisons));
  }
  return absl::OkStatus();
}

}  // namespace mops::services::agreements

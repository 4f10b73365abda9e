// A run being changed by a command, a reaction or a timer. Stages start,
// finish and are skipped here; the history is appended to and the run's
// events are emitted here, so every path that moves a run moves it the
// same way. Internal to the workflows domain.
#ifndef MOPS_SERVICES_WORKFLOWS_RUN_H_
#define MOPS_SERVICES_WORKFLOWS_RUN_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mops/v1/events.pb.h"
#include "mops/v1/workflows.pb.h"
#include "services/calendars/calendars.h"
#include "services/common/principal.h"
#include "services/workflows/graph.h"
#include "services/workflows/variables.h"
#include "storage/engine.h"

namespace mops::services::workflows {

inline constexpr char kStageDueTimer[] = "workflow.stage_due";
inline constexpr char kWaitTimer[] = "workflow.wait";

// Who moves the run: a caller (a command), the cause of a reaction (its
// actor), or the server (timers).
class Mover {
 public:
  static Mover Caller(const Principal& p) { return Mover(&p, nullptr); }
  static Mover Reacting(const v1::Event& cause) {
    return Mover(nullptr, &cause);
  }
  static Mover Server() { return Mover(nullptr, nullptr); }

  void Emit(storage::Txn& txn, absl::string_view subject, v1::Event e) const;
  // How the history names them: "users/{u}" or "system".
  std::string Actor() const;

 private:
  Mover(const Principal* p, const v1::Event* cause) : p_(p), cause_(cause) {}
  const Principal* p_;
  const v1::Event* cause_;
};

// Calendars by name, loaded once per command.
class Clocks {
 public:
  explicit Clocks(const storage::Reader& reader) : reader_(reader) {}
  absl::StatusOr<const calendars::BusinessClock*> Get(absl::string_view name);

 private:
  const storage::Reader& reader_;
  std::map<std::string, calendars::BusinessClock, std::less<>> clocks_;
};

class Run {
 public:
  using StageState = v1::WorkflowStageState;

  // Run `id` and the version it is pinned to.
  static absl::StatusOr<Run> Load(storage::Txn& txn, absl::string_view id,
                                  Mover mover);
  // A run about to start: `w` is filled but for its stages and history.
  static absl::StatusOr<Run> Begin(storage::Txn& txn, v1::Workflow w,
                                   v1::WorkflowTemplate spec, Mover mover);

  // A stored run with the version it is (being) pinned to: a migration.
  static absl::StatusOr<Run> Of(storage::Txn& txn, v1::Workflow w,
                                v1::WorkflowTemplate spec, Mover mover);

  v1::Workflow& workflow() { return w_; }
  const v1::WorkflowTemplate& spec() const { return spec_; }
  int Index(absl::string_view stage) const { return graph_.Index(stage); }
  StageState& stage(int i) { return *w_.mutable_stages(i); }
  bool running() const { return w_.state() == v1::Workflow::RUNNING; }
  bool open() const {
    return running() || w_.state() == v1::Workflow::SUSPENDED;
  }

  // Starts or skips every stage that is ready, until none is; completes
  // the run when no stage is left to run. Nothing while suspended.
  absl::Status Advance();
  // Ends an active stage: DONE (taking `branch`) or FAILED. A task stage
  // that was reworked opens its approval's next round instead.
  absl::Status Finish(int i, StageState::State state, std::string outcome,
                      std::string branch);
  // Changes were requested in approval stage `i`: its rework stage runs
  // again, then `i` opens its next round.
  absl::Status Rework(int i);
  // Ends the run: COMPLETED, FAILED or CANCELLED. Active stages are
  // cancelled (their open tasks and approvals with them, by reactions).
  void End(v1::Workflow::State state, std::string reason);
  // The stage's deadline passed (the timer's check done).
  void MarkOverdue(int i);
  // Moves the deadlines and wakes of active stages by the business time
  // the run was suspended, and sets their timers again.
  absl::Status ShiftClocks(absl::Time suspended, absl::Time resumed);
  // Sets the timers of active stage `i` again (after a migration).
  void ArmTimers(int i);
  // Stage `i`'s deadline counted again from now.
  absl::Status RestartDeadline(int i);

  void Record(v1::WorkflowHistoryEntry::Kind kind, const StageState* s,
              std::string outcome = "", const Values& values = {});
  // The run as events carry it: without its history.
  v1::Workflow Snapshot() const;
  void EmitRun(v1::Event e);
  // `e` has its payload case set (and what only the caller knows:
  // tasks, approval, from_stage); the run, stage, round and outcome are
  // filled here.
  void EmitStage(v1::Event e, int i);
  // Writes the run (and, when it is new, its index row).
  void Save();
  // The run as a command answers it: with its projection as of now.
  absl::Status Answer(v1::Workflow* out);

  // The calendar of stage `i`: its own, else the run's.
  absl::StatusOr<const calendars::BusinessClock*> ClockOf(int i);
  Values values() const;

 private:
  Run(storage::Txn& txn, v1::Workflow w, v1::WorkflowTemplate spec,
      StageGraph graph, Mover mover)
      : txn_(&txn),
        w_(std::move(w)),
        spec_(std::move(spec)),
        graph_(std::move(graph)),
        mover_(mover),
        clocks_(txn) {}

  absl::Status Enter(int i);
  // Finish without what follows: marks, records and emits.
  void Close(int i, StageState::State state, std::string outcome,
             std::string branch);
  absl::Status EnterCondition(int i);
  absl::Status EnterWait(int i);
  absl::Status EnterTasks(int i);
  absl::Status EnterApproval(int i);
  absl::Status SetDeadline(int i);
  // The history's stage_entered, naming who was left out.
  void RecordEntered(const StageState& s);
  void Skip(int i);
  std::string SkipReason(int i) const;
  // "project.team", "{{designer}}", "teams/legal" as a name ("" when a
  // variable is unset).
  absl::StatusOr<std::string> Resolve(absl::string_view ref,
                                      absl::string_view collection);
  // The same without checking that it exists.
  absl::StatusOr<std::string> ResolveName(absl::string_view ref,
                                          absl::string_view collection);

  storage::Txn* txn_;
  v1::Workflow w_;
  v1::WorkflowTemplate spec_;
  StageGraph graph_;
  Mover mover_;
  Clocks clocks_;
  bool created_ = false;
  std::optional<v1::Project> project_;
  // Ids drawn for tasks and approvals this command: they are made by
  // reactions after it, so the store cannot tell two draws apart.
  std::set<std::string> drawn_;
  // People and teams Resolve left out of the stage being entered.
  std::vector<std::string> left_out_;
};

// "workflows/{w}".
std::string RunName(absl::string_view id);

}  // namespace mops::services::workflows

#endif  // MOPS_SERVICES_WORKFLOWS_RUN_H_

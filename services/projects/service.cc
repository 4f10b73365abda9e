#include "services/projects/service.h"

#include "mops/v1/projects.grpc.pb.h"
#include "services/common/binder.h"
#include "services/projects/commands/commands.h"
#include "services/projects/keys.h"
#include "services/projects/projects.h"
#include "services/projects/queries.h"

namespace mops::services::projects {

absl::StatusOr<std::unique_ptr<grpc::Service>> BindProjectService(
    const Authenticator& auth, storage::Engine& engine) {
  return Binder("mops.v1.ProjectService", auth, engine)
      .Command<commands::CreateProject>("CreateProject")
      .Query<queries::GetProject>("GetProject")
      .Query<queries::ListProjects>("ListProjects")
      .Command<commands::UpdateProject>("UpdateProject")
      .Command<commands::DeleteProject>("DeleteProject")
      .Finish();
}

absl::StatusOr<std::unique_ptr<grpc::Service>> BindTaskService(
    const Authenticator& auth, storage::Engine& engine) {
  return Binder("mops.v1.TaskService", auth, engine)
      .Command<commands::CreateTask>("CreateTask")
      .Command<commands::BatchCreateTasks>("BatchCreateTasks")
      .Query<queries::GetTask>("GetTask")
      .Query<queries::ListTasks>("ListTasks")
      .Command<commands::UpdateTask>("UpdateTask")
      .Command<commands::DeleteTask>("DeleteTask")
      .Command<commands::StartTask>("StartTask")
      .Command<commands::CompleteTask>("CompleteTask")
      .Command<commands::BlockTask>("BlockTask")
      .Command<commands::ReopenTask>("ReopenTask")
      .Command<commands::CancelTask>("CancelTask")
      .Command<commands::CommentTask>("CommentTask")
      .Finish();
}

void RegisterTimers(storage::Engine& engine) {
  engine.RegisterTimerHandler(kTaskOverdueTimer, FireOverdue);
  engine.RegisterTimerHandler(kProjectPurgeTimer, FirePurge);
}

void RegisterTimerUpgrades(storage::EngineOptions& options) {
  options.timer_upgrades[kTaskOverdueTimer] = UpgradeOverdueTimer;
}

void RegisterKeySpaces(storage::KeySpaceRegistry& registry) {
  keys::RegisterKeySpaces(registry);
}

}  // namespace mops::services::projects

// The write RPCs of projects and tasks, one command each (the pattern is in
// services/common/binder.h); each is defined in its own file here.
#ifndef MOPS_SERVICES_PROJECTS_COMMANDS_COMMANDS_H_
#define MOPS_SERVICES_PROJECTS_COMMANDS_COMMANDS_H_

#include "mops/v1/projects.pb.h"
#include "services/common/command.h"

namespace mops::services::projects::commands {

MOPS_DECLARE_COMMAND(CreateProject, v1::CreateProjectRequest, v1::Project);
MOPS_DECLARE_COMMAND(UpdateProject, v1::UpdateProjectRequest, v1::Project);
MOPS_DECLARE_COMMAND(DeleteProject, v1::DeleteProjectRequest,
                     v1::DeleteProjectResponse);

MOPS_DECLARE_COMMAND(CreateTask, v1::CreateTaskRequest, v1::Task);
MOPS_DECLARE_COMMAND(BatchCreateTasks, v1::BatchCreateTasksRequest,
                     v1::BatchCreateTasksResponse);
MOPS_DECLARE_COMMAND(UpdateTask, v1::UpdateTaskRequest, v1::Task);
MOPS_DECLARE_COMMAND(DeleteTask, v1::DeleteTaskRequest, v1::DeleteTaskResponse);
MOPS_DECLARE_COMMAND(StartTask, v1::TaskActionRequest, v1::Task);
MOPS_DECLARE_COMMAND(CompleteTask, v1::TaskActionRequest, v1::Task);
MOPS_DECLARE_COMMAND(ReopenTask, v1::TaskActionRequest, v1::Task);
MOPS_DECLARE_COMMAND(CancelTask, v1::TaskActionRequest, v1::Task);
MOPS_DECLARE_COMMAND(BlockTask, v1::BlockTaskRequest, v1::Task);
MOPS_DECLARE_COMMAND(CommentTask, v1::CommentTaskRequest, v1::Task);

}  // namespace mops::services::projects::commands

#endif  // MOPS_SERVICES_PROJECTS_COMMANDS_COMMANDS_H_

// The read RPCs of projects and tasks (the pattern is in
// services/common/binder.h).
#ifndef MOPS_SERVICES_PROJECTS_QUERIES_H_
#define MOPS_SERVICES_PROJECTS_QUERIES_H_

#include "mops/v1/projects.pb.h"
#include "services/common/command.h"

namespace mops::services::projects::queries {

MOPS_DECLARE_QUERY(GetProject, v1::GetProjectRequest, v1::Project);
MOPS_DECLARE_QUERY(ListProjects, v1::ListProjectsRequest,
                   v1::ListProjectsResponse);
// Tasks go out as stored, without a parse.
MOPS_DECLARE_WIRE_QUERY(GetTask, v1::GetTaskRequest, v1::Task);
MOPS_DECLARE_WIRE_QUERY(ListTasks, v1::ListTasksRequest, v1::ListTasksResponse);

}  // namespace mops::services::projects::queries

#endif  // MOPS_SERVICES_PROJECTS_QUERIES_H_

// gRPC adapters of the project and task rules.
#ifndef MOPS_SERVICES_PROJECTS_PROJECTS_SERVICE_H_
#define MOPS_SERVICES_PROJECTS_PROJECTS_SERVICE_H_

#include "mops/v1/projects.grpc.pb.h"
#include "services/common/rpc.h"
#include "storage/engine.h"

namespace mops::services::projects {

class ProjectService final : public v1::ProjectService::CallbackService {
 public:
  ProjectService(storage::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}

  grpc::ServerUnaryReactor* CreateProject(grpc::CallbackServerContext* ctx,
                                          const v1::CreateProjectRequest* req,
                                          v1::Project* resp) override;
  grpc::ServerUnaryReactor* GetProject(grpc::CallbackServerContext* ctx,
                                       const v1::GetProjectRequest* req,
                                       v1::Project* resp) override;
  grpc::ServerUnaryReactor* ListProjects(
      grpc::CallbackServerContext* ctx, const v1::ListProjectsRequest* req,
      v1::ListProjectsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateProject(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateProjectRequest* req,
                                          v1::Project* resp) override;
  grpc::ServerUnaryReactor* DeleteProject(
      grpc::CallbackServerContext* ctx, const v1::DeleteProjectRequest* req,
      v1::DeleteProjectResponse* resp) override;

 private:
  storage::Engine* engine_;
  const Authenticator* auth_;
};

// GetTask and ListTasks are served in wire form (raw callback methods):
// their responses are stored task bytes, sent without a parse.
class TaskService final : public v1::TaskService::WithRawCallbackMethod_GetTask<
                              v1::TaskService::WithRawCallbackMethod_ListTasks<
                                  v1::TaskService::CallbackService>> {
 public:
  TaskService(storage::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}

  // Registers the task.overdue timer handler. Call before engine->Start().
  static void RegisterTimers(storage::Engine* engine);

  grpc::ServerUnaryReactor* CreateTask(grpc::CallbackServerContext* ctx,
                                       const v1::CreateTaskRequest* req,
                                       v1::Task* resp) override;
  grpc::ServerUnaryReactor* BatchCreateTasks(
      grpc::CallbackServerContext* ctx, const v1::BatchCreateTasksRequest* req,
      v1::BatchCreateTasksResponse* resp) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* ctx,
                                    const grpc::ByteBuffer* req,
                                    grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* ctx,
                                      const grpc::ByteBuffer* req,
                                      grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateTaskRequest* req,
                                       v1::Task* resp) override;
  grpc::ServerUnaryReactor* DeleteTask(grpc::CallbackServerContext* ctx,
                                       const v1::DeleteTaskRequest* req,
                                       v1::DeleteTaskResponse* resp) override;
  grpc::ServerUnaryReactor* StartTask(grpc::CallbackServerContext* ctx,
                                      const v1::TaskActionRequest* req,
                                      v1::Task* resp) override;
  grpc::ServerUnaryReactor* CompleteTask(grpc::CallbackServerContext* ctx,
                                         const v1::TaskActionRequest* req,
                                         v1::Task* resp) override;
  grpc::ServerUnaryReactor* BlockTask(grpc::CallbackServerContext* ctx,
                                      const v1::BlockTaskRequest* req,
                                      v1::Task* resp) override;
  grpc::ServerUnaryReactor* ReopenTask(grpc::CallbackServerContext* ctx,
                                       const v1::TaskActionRequest* req,
                                       v1::Task* resp) override;
  grpc::ServerUnaryReactor* CancelTask(grpc::CallbackServerContext* ctx,
                                       const v1::TaskActionRequest* req,
                                       v1::Task* resp) override;
  grpc::ServerUnaryReactor* CommentTask(grpc::CallbackServerContext* ctx,
                                        const v1::CommentTaskRequest* req,
                                        v1::Task* resp) override;

 private:
  grpc::ServerUnaryReactor* Action(grpc::CallbackServerContext* ctx,
                                   const char* action,
                                   const v1::TaskActionRequest* req,
                                   v1::Task* resp);

  storage::Engine* engine_;
  const Authenticator* auth_;
};

}  // namespace mops::services::projects

#endif  // MOPS_SERVICES_PROJECTS_PROJECTS_SERVICE_H_

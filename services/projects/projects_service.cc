#include "services/projects/projects_service.h"

#include "services/projects/projects.h"

namespace mops::services::projects {
grpc::ServerUnaryReactor* ProjectService::CreateProject(
    grpc::CallbackServerContext* ctx, const v1::CreateProjectRequest* req,
    v1::Project* resp) {
  return RunWrite(
      ctx, "CreateProject", *auth_, *engine_,
      [req, resp](storage::Txn& txn, const Principal& p) {
        return Assign(projects::CreateProject(txn, p, *req), resp);
      },
      [req] { return ValidateCreateProject(*req); });
}

grpc::ServerUnaryReactor* ProjectService::GetProject(
    grpc::CallbackServerContext* ctx, const v1::GetProjectRequest* req,
    v1::Project* resp) {
  return RunRead(ctx, "GetProject", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(projects::GetProject(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* ProjectService::ListProjects(
    grpc::CallbackServerContext* ctx, const v1::ListProjectsRequest* req,
    v1::ListProjectsResponse* resp) {
  return RunRead(ctx, "ListProjects", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(projects::ListProjects(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* ProjectService::UpdateProject(
    grpc::CallbackServerContext* ctx, const v1::UpdateProjectRequest* req,
    v1::Project* resp) {
  return RunWrite(ctx, "UpdateProject", *auth_, *engine_,
                  [req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(projects::UpdateProject(txn, p, *req), resp);
                  });
}

grpc::ServerUnaryReactor* ProjectService::DeleteProject(
    grpc::CallbackServerContext* ctx, const v1::DeleteProjectRequest* req,
    v1::DeleteProjectResponse* resp) {
  return RunWrite(ctx, "DeleteProject", *auth_, *engine_,
                  [req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(projects::DeleteProject(txn, p, *req), resp);
                  });
}

void TaskService::RegisterTimers(storage::Engine* engine) {
  engine->RegisterTimerHandler(kTaskOverdueTimer, FireOverdue);
}

grpc::ServerUnaryReactor* TaskService::CreateTask(
    grpc::CallbackServerContext* ctx, const v1::CreateTaskRequest* req,
    v1::Task* resp) {
  return RunWrite(
      ctx, "CreateTask", *auth_, *engine_,
      [req, resp](storage::Txn& txn, const Principal& p) {
        return Assign(projects::CreateTask(txn, p, *req), resp);
      },
      [req] { return ValidateCreateTask(*req); });
}

grpc::ServerUnaryReactor* TaskService::BatchCreateTasks(
    grpc::CallbackServerContext* ctx, const v1::BatchCreateTasksRequest* req,
    v1::BatchCreateTasksResponse* resp) {
  return RunWrite(
      ctx, "BatchCreateTasks", *auth_, *engine_,
      [req, resp](storage::Txn& txn, const Principal& p) {
        return Assign(projects::BatchCreateTasks(txn, p, *req), resp);
      },
      [req] { return ValidateBatchCreateTasks(*req); });
}

grpc::ServerUnaryReactor* TaskService::GetTask(grpc::CallbackServerContext* ctx,
                                               const grpc::ByteBuffer* req,
                                               grpc::ByteBuffer* resp) {
  return RunWireRead<v1::GetTaskRequest>(
      ctx, "GetTask", *auth_, *engine_, req, resp,
      [&](const Principal&, const storage::Reader& reader,
          const v1::GetTaskRequest& request) {
        return projects::GetTaskWire(reader, request);
      });
}

grpc::ServerUnaryReactor* TaskService::ListTasks(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
    grpc::ByteBuffer* resp) {
  return RunWireRead<v1::ListTasksRequest>(
      ctx, "ListTasks", *auth_, *engine_, req, resp,
      [&](const Principal& p, const storage::Reader& reader,
          const v1::ListTasksRequest& request) {
        return projects::ListTasksWire(reader, p, request);
      });
}

grpc::ServerUnaryReactor* TaskService::UpdateTask(
    grpc::CallbackServerContext* ctx, const v1::UpdateTaskRequest* req,
    v1::Task* resp) {
  return RunWrite(ctx, "UpdateTask", *auth_, *engine_,
                  [req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(projects::UpdateTask(txn, p, *req), resp);
                  });
}

grpc::ServerUnaryReactor* TaskService::DeleteTask(
    grpc::CallbackServerContext* ctx, const v1::DeleteTaskRequest* req,
    v1::DeleteTaskResponse*) {
  return RunWrite(ctx, "DeleteTask", *auth_, *engine_,
                  [req](storage::Txn& txn, const Principal& p) {
                    return projects::DeleteTask(txn, p, *req);
                  });
}

grpc::ServerUnaryReactor* TaskService::Action(grpc::CallbackServerContext* ctx,
                                              const char* action,
                                              const v1::TaskActionRequest* req,
                                              v1::Task* resp) {
  return RunWrite(ctx, action, *auth_, *engine_,
                  [action, req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(ChangeTaskState(txn, p, action, *req), resp);
                  });
}

grpc::ServerUnaryReactor* TaskService::StartTask(
    grpc::CallbackServerContext* ctx, const v1::TaskActionRequest* req,
    v1::Task* resp) {
  return Action(ctx, "StartTask", req, resp);
}

grpc::ServerUnaryReactor* TaskService::CompleteTask(
    grpc::CallbackServerContext* ctx, const v1::TaskActionRequest* req,
    v1::Task* resp) {
  return Action(ctx, "CompleteTask", req, resp);
}

grpc::ServerUnaryReactor* TaskService::ReopenTask(
    grpc::CallbackServerContext* ctx, const v1::TaskActionRequest* req,
    v1::Task* resp) {
  return Action(ctx, "ReopenTask", req, resp);
}

grpc::ServerUnaryReactor* TaskService::CancelTask(
    grpc::CallbackServerContext* ctx, const v1::TaskActionRequest* req,
    v1::Task* resp) {
  return Action(ctx, "CancelTask", req, resp);
}

grpc::ServerUnaryReactor* TaskService::BlockTask(
    grpc::CallbackServerContext* ctx, const v1::BlockTaskRequest* req,
    v1::Task* resp) {
  return RunWrite(ctx, "BlockTask", *auth_, *engine_,
                  [req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(projects::BlockTask(txn, p, *req), resp);
                  });
}

grpc::ServerUnaryReactor* TaskService::CommentTask(
    grpc::CallbackServerContext* ctx, const v1::CommentTaskRequest* req,
    v1::Task* resp) {
  return RunWrite(ctx, "CommentTask", *auth_, *engine_,
                  [req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(projects::CommentTask(txn, p, *req), resp);
                  });
}

}  // namespace mops::services::projects

#include "services/approvals/approvals_service.h"

#include "services/approvals/approvals.h"

namespace mops::services::approvals {
void ApprovalService::RegisterTimers(storage::Engine* engine) {
  engine->RegisterTimerHandler(kReminderTimer, FireReminder);
  engine->RegisterTimerHandler(kDeadlineTimer, FireDeadline);
}

#define MOPS_WRITE(Method, Req, Resp)                                         \
  grpc::ServerUnaryReactor* ApprovalService::Method(                          \
      grpc::CallbackServerContext* ctx, const v1::Req* req, v1::Resp* resp) { \
    return RunWrite(ctx, #Method, *auth_, *engine_,                           \
                    [req, resp](storage::Txn& txn, const Principal& p) {      \
                      return Assign(approvals::Method(txn, p, *req), resp);   \
                    });                                                       \
  }
// One line per write method: they differ only in names.
MOPS_WRITE(CreateApproval, CreateApprovalRequest, Approval)
MOPS_WRITE(DecideApproval, DecideApprovalRequest, Approval)
MOPS_WRITE(ResubmitApproval, ResubmitApprovalRequest, Approval)
MOPS_WRITE(CancelApproval, CancelApprovalRequest, Approval)
MOPS_WRITE(CreateDelegation, CreateDelegationRequest, Delegation)
#undef MOPS_WRITE

grpc::ServerUnaryReactor* ApprovalService::GetApproval(
    grpc::CallbackServerContext* ctx, const v1::GetApprovalRequest* req,
    v1::Approval* resp) {
  return RunRead(ctx, "GetApproval", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(approvals::GetApproval(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* ApprovalService::ListApprovals(
    grpc::CallbackServerContext* ctx, const v1::ListApprovalsRequest* req,
    v1::ListApprovalsResponse* resp) {
  return RunRead(ctx, "ListApprovals", *auth_, *engine_,
                 [&](const Principal& p, const storage::Reader& reader) {
                   return Assign(approvals::ListApprovals(
                                     reader, p, engine_->clock()->Now(), *req),
                                 resp);
                 });
}

grpc::ServerUnaryReactor* ApprovalService::ListDelegations(
    grpc::CallbackServerContext* ctx, const v1::ListDelegationsRequest* req,
    v1::ListDelegationsResponse* resp) {
  return RunRead(ctx, "ListDelegations", *auth_, *engine_,
                 [&](const Principal& p, const storage::Reader& reader) {
                   return Assign(approvals::ListDelegations(reader, p, *req),
                                 resp);
                 });
}

grpc::ServerUnaryReactor* ApprovalService::DeleteDelegation(
    grpc::CallbackServerContext* ctx, const v1::DeleteDelegationRequest* req,
    v1::DeleteDelegationResponse*) {
  return RunWrite(ctx, "DeleteDelegation", *auth_, *engine_,
                  [req](storage::Txn& txn, const Principal& p) {
                    return approvals::DeleteDelegation(txn, p, *req);
                  });
}

grpc::ServerUnaryReactor* CalendarService::GetCalendar(
    grpc::CallbackServerContext* ctx, const v1::GetCalendarRequest* req,
    v1::Calendar* resp) {
  return RunRead(ctx, "GetCalendar", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(approvals::GetCalendar(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* CalendarService::ListCalendars(
    grpc::CallbackServerContext* ctx, const v1::ListCalendarsRequest* req,
    v1::ListCalendarsResponse* resp) {
  return RunRead(ctx, "ListCalendars", *auth_, *engine_,
                 [&](const Principal&, const storage::Reader& reader) {
                   return Assign(approvals::ListCalendars(reader, *req), resp);
                 });
}

grpc::ServerUnaryReactor* CalendarService::CreateCalendar(
    grpc::CallbackServerContext* ctx, const v1::CreateCalendarRequest* req,
    v1::Calendar* resp) {
  return RunWrite(ctx, "CreateCalendar", *auth_, *engine_,
                  [req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(approvals::CreateCalendar(txn, p, *req),
                                  resp);
                  });
}

grpc::ServerUnaryReactor* CalendarService::UpdateCalendar(
    grpc::CallbackServerContext* ctx, const v1::UpdateCalendarRequest* req,
    v1::Calendar* resp) {
  return RunWrite(ctx, "UpdateCalendar", *auth_, *engine_,
                  [req, resp](storage::Txn& txn, const Principal& p) {
                    return Assign(approvals::UpdateCalendar(txn, p, *req),
                                  resp);
                  });
}

}  // namespace mops::services::approvals

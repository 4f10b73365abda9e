// gRPC adapters of the approval, delegation and calendar rules.
#ifndef MOPS_SERVICES_APPROVALS_APPROVALS_SERVICE_H_
#define MOPS_SERVICES_APPROVALS_APPROVALS_SERVICE_H_

#include "mops/v1/approvals.grpc.pb.h"
#include "services/common/rpc.h"
#include "storage/engine.h"

namespace mops::services::approvals {

class ApprovalService final : public v1::ApprovalService::CallbackService {
 public:
  ApprovalService(storage::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}

  // Registers the reminder and deadline timers. Call before engine->Start().
  static void RegisterTimers(storage::Engine* engine);

  grpc::ServerUnaryReactor* CreateApproval(grpc::CallbackServerContext* ctx,
                                           const v1::CreateApprovalRequest* req,
                                           v1::Approval* resp) override;
  grpc::ServerUnaryReactor* GetApproval(grpc::CallbackServerContext* ctx,
                                        const v1::GetApprovalRequest* req,
                                        v1::Approval* resp) override;
  grpc::ServerUnaryReactor* ListApprovals(
      grpc::CallbackServerContext* ctx, const v1::ListApprovalsRequest* req,
      v1::ListApprovalsResponse* resp) override;
  grpc::ServerUnaryReactor* DecideApproval(grpc::CallbackServerContext* ctx,
                                           const v1::DecideApprovalRequest* req,
                                           v1::Approval* resp) override;
  grpc::ServerUnaryReactor* ResubmitApproval(
      grpc::CallbackServerContext* ctx, const v1::ResubmitApprovalRequest* req,
      v1::Approval* resp) override;
  grpc::ServerUnaryReactor* CancelApproval(grpc::CallbackServerContext* ctx,
                                           const v1::CancelApprovalRequest* req,
                                           v1::Approval* resp) override;
  grpc::ServerUnaryReactor* CreateDelegation(
      grpc::CallbackServerContext* ctx, const v1::CreateDelegationRequest* req,
      v1::Delegation* resp) override;
  grpc::ServerUnaryReactor* ListDelegations(
      grpc::CallbackServerContext* ctx, const v1::ListDelegationsRequest* req,
      v1::ListDelegationsResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteDelegation(
      grpc::CallbackServerContext* ctx, const v1::DeleteDelegationRequest* req,
      v1::DeleteDelegationResponse* resp) override;

 private:
  storage::Engine* engine_;
  const Authenticator* auth_;
};

class CalendarService final : public v1::CalendarService::CallbackService {
 public:
  CalendarService(storage::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}

  grpc::ServerUnaryReactor* GetCalendar(grpc::CallbackServerContext* ctx,
                                        const v1::GetCalendarRequest* req,
                                        v1::Calendar* resp) override;
  grpc::ServerUnaryReactor* ListCalendars(
      grpc::CallbackServerContext* ctx, const v1::ListCalendarsRequest* req,
      v1::ListCalendarsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateCalendar(grpc::CallbackServerContext* ctx,
                                           const v1::CreateCalendarRequest* req,
                                           v1::Calendar* resp) override;
  grpc::ServerUnaryReactor* UpdateCalendar(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateCalendarRequest* req,
                                           v1::Calendar* resp) override;

 private:
  storage::Engine* engine_;
  const Authenticator* auth_;
};

}  // namespace mops::services::approvals

#endif  // MOPS_SERVICES_APPROVALS_APPROVALS_SERVICE_H_

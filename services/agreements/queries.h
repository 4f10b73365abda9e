// The read RPCs of agreements and clocks, and the reports (report.cc).
#ifndef MOPS_SERVICES_AGREEMENTS_QUERIES_H_
#define MOPS_SERVICES_AGREEMENTS_QUERIES_H_

#include "mops/v1/agreements.pb.h"
#include "services/common/command.h"
#include "storage/clock.h"

namespace mops::services::agreements::queries {

MOPS_DECLARE_QUERY(GetAgreement, v1::GetAgreementRequest, v1::Agreement);
MOPS_DECLARE_QUERY(ListAgreements, v1::ListAgreementsRequest,
                   v1::ListAgreementsResponse);
MOPS_DECLARE_QUERY(ListAgreementVersions, v1::ListAgreementVersionsRequest,
                   v1::ListAgreementVersionsResponse);

// Clocks read as of the server's clock: elapsed and due of running ones.
#define MOPS_DECLARE_TIMED_QUERY(Name, RequestType, ResponseType)       \
  struct Name {                                                         \
    using Request = RequestType;                                        \
    using Response = ResponseType;                                      \
    const storage::Clock* clock = nullptr;                              \
    absl::Status Run(const storage::Reader& reader, const Principal& p, \
                     const Request& req, Response* out) const;          \
  }
MOPS_DECLARE_TIMED_QUERY(GetClock, v1::GetClockRequest, v1::Clock);
MOPS_DECLARE_TIMED_QUERY(ListClocks, v1::ListClocksRequest,
                         v1::ListClocksResponse);
MOPS_DECLARE_TIMED_QUERY(GetAgreementReport, v1::GetAgreementReportRequest,
                         v1::AgreementReport);
MOPS_DECLARE_TIMED_QUERY(GetWaitLedger, v1::GetWaitLedgerRequest,
                         v1::WaitLedger);
#undef MOPS_DECLARE_TIMED_QUERY

}  // namespace mops::services::agreements::queries

#endif  // MOPS_SERVICES_AGREEMENTS_QUERIES_H_

// Declaring commands and queries (the pattern is in binder.h). A domain's
// commands/commands.h lists its write RPCs with MOPS_DECLARE_COMMAND; each
// is defined in its own file under commands/.
#ifndef MOPS_SERVICES_COMMON_COMMAND_H_
#define MOPS_SERVICES_COMMON_COMMAND_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/principal.h"
#include "storage/engine.h"

// A command: Validate is pure and runs on the gRPC thread (shapes, lengths,
// formats, ids; no reads); Apply runs on the apply thread against the Txn.
#define MOPS_DECLARE_COMMAND(Name, RequestType, ResponseType)    \
  struct Name {                                                  \
    using Request = RequestType;                                 \
    using Response = ResponseType;                               \
    absl::Status Validate(const Request& req) const;             \
    absl::Status Apply(::mops::storage::Txn& txn,                \
                       const ::mops::services::Principal& p,     \
                       const Request& req, Response* out) const; \
  }

// A query: Run reads committed state on the gRPC thread.
#define MOPS_DECLARE_QUERY(Name, RequestType, ResponseType)                    \
  struct Name {                                                                \
    using Request = RequestType;                                               \
    using Response = ResponseType;                                             \
    absl::Status Run(const ::mops::storage::Reader& reader,                    \
                     const ::mops::services::Principal& p, const Request& req, \
                     Response* out) const;                                     \
  }

// A query that sends bytes it built itself (stored records as they are).
#define MOPS_DECLARE_WIRE_QUERY(Name, RequestType, ResponseType)               \
  struct Name {                                                                \
    using Request = RequestType;                                               \
    using Response = ResponseType;                                             \
    absl::StatusOr<std::string> RunWire(const ::mops::storage::Reader& reader, \
                                        const ::mops::services::Principal& p,  \
                                        const Request& req) const;             \
  }

#endif  // MOPS_SERVICES_COMMON_COMMAND_H_

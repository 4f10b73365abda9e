// RETURN_IF_ERROR / ASSIGN_OR_RETURN: abseil 20220623 does not ship them.
#ifndef MOPS_STORAGE_STATUS_MACROS_H_
#define MOPS_STORAGE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define MOPS_CONCAT_INNER_(a, b) a##b
#define MOPS_CONCAT_(a, b) MOPS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    const ::absl::Status mops_status_ = (expr);  \
    if (!mops_status_.ok()) return mops_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(MOPS_CONCAT_(mops_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()

#endif  // MOPS_STORAGE_STATUS_MACROS_H_

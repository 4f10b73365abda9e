// Time comes from a Clock so that timers can be tested with a fake one.
#ifndef MOPS_STORAGE_CLOCK_H_
#define MOPS_STORAGE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace mops::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system clock; a process-wide instance.
class RealClock : public Clock {
 public:
  static Clock* Get();
  absl::Time Now() const override;
};

// A clock that moves only when told to.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mops::storage

#endif  // MOPS_STORAGE_CLOCK_H_

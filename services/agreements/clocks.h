// Clocks at work: what moves them (events matching a term's conditions,
// the milestone timer) and what they record. Internal to the agreements
// domain: clocks.cc (events), clock_timer.cc (the timer, reads).
#ifndef MOPS_SERVICES_AGREEMENTS_CLOCKS_H_
#define MOPS_SERVICES_AGREEMENTS_CLOCKS_H_

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mops/internal/v1/records.pb.h"
#include "mops/v1/events.pb.h"
#include "services/agreements/compiled.h"
#include "services/agreements/state.h"
#include "services/calendars/calendars.h"
#include "storage/engine.h"

namespace mops::services::agreements {

inline constexpr char kClockTimer[] = "agreement.clock";

// Business clocks by calendar and version, loaded once per command or read.
class CalendarCache {
 public:
  explicit CalendarCache(const storage::Reader& reader) : reader_(reader) {}
  // Version `version` (0: the current one) of "calendars/{c}".
  absl::StatusOr<const calendars::BusinessClock*> Get(absl::string_view name,
                                                      int64_t version);
  // The same with the version number it is (the current one's, for 0).
  struct Resolved {
    const calendars::BusinessClock* clock;
    int64_t version;
  };
  absl::StatusOr<Resolved> Resolve(absl::string_view name, int64_t version);
  // The calendar a term counts on: its own, else the provider team's.
  absl::StatusOr<std::string> CalendarOf(const v1::AgreementTerm& term);

 private:
  const storage::Reader& reader_;
  std::map<std::pair<std::string, int64_t>, calendars::BusinessClock> clocks_;
  std::map<std::string, int64_t> current_;  // name -> its current version
};

// The calendar version a cycle counts on: its own, else its clock's (a
// cycle recorded before cycles kept theirs).
struct CycleCalendar {
  std::string name;
  int64_t version;
};
CycleCalendar CycleCalendarOf(const v1::Clock& c, const v1::ClockCycle& cycle);

// The subject a clock measures for an event: a workflow stage event's
// "workflows/{w}/stages/{s}", otherwise the event's subject.
std::string ClockSubjectOf(const v1::Event& e);

// The ClockEvent of an agreement.clock_* event `e` holds (set first).
v1::ClockEvent* ClockPayloadOf(v1::Event* e);

// Moves the clocks of every active agreement whose terms the event
// matches: starts, pauses, resumes, stops, cancels. A reaction.
absl::Status DriveClocks(storage::Txn& txn, const v1::Event& e);

// The agreement.clock timer: records the milestones the cycle has reached
// (warnings, the breach, escalation steps) and sets the next.
absl::Status FireClockTimer(storage::Txn& txn,
                            const mops::internal::v1::TimerRecord& timer);

// Cancels the clock's pending timer, if any.
void CancelClockTimer(storage::Txn& txn, ClockRecord* r);
// Sets (or clears) the clock's timer for its next milestone.
absl::Status ArmClock(storage::Txn& txn, const v1::AgreementTerm& term,
                      const calendars::BusinessClock& clock, ClockRecord* r);

// The clock as a reader sees it at `now`: elapsed and due time of a
// running cycle as of now, at_risk.
absl::Status ForRead(CalendarCache& calendars, const v1::AgreementTerm* term,
                     absl::Time now, v1::Clock* c);

}  // namespace mops::services::agreements

#endif  // MOPS_SERVICES_AGREEMENTS_CLOCKS_H_

// KPI rules as pure functions (issue 19, first slice): phased targets and
// their value to date, measurements as known at a time (append-only, a
// correction is a later measurement of the same as_of), and the RAG status
// with its reason. Plain types: the API's messages map onto them.
#ifndef MOPS_SERVICES_KPIS_RULES_H_
#define MOPS_SERVICES_KPIS_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace mops::services::kpis {

// Values are doubles: a count, a percentage (20.0 is 20%), an amount in
// the currency's units, a duration in seconds.
struct Unit {
  enum Kind { kCount, kPercent, kMoney, kDuration };
  Kind kind = kCount;
  std::string currency;  // kMoney: ISO 4217
};

// Up is good (leads), down is good (cost per lead), or within a band
// (share of voice between two bounds).
enum class Direction { kUp, kDown, kBand };
enum class Interpolation { kLinear, kStep };

// A target point: the value wanted by `date`. For a band, `value` is the
// lower bound and `high` the upper.
struct TargetPoint {
  absl::CivilDay date;
  double value = 0;
  double high = 0;
};

// Green at or above `green_at` percent of the target to date, amber at or
// above `amber_at`, red below (defaults 100 and 90). For a band the
// percentage is how close the actual is to the nearer bound (100 inside).
struct Thresholds {
  int64_t version = 1;
  double green_at = 100;
  double amber_at = 90;
};

struct KpiSpec {
  Unit unit;
  Direction direction = Direction::kUp;
  Interpolation interpolation = Interpolation::kLinear;
  // Sorted by date, one per date.
  std::vector<TargetPoint> targets;
  Thresholds thresholds;
};

struct Measurement {
  absl::Time as_of;     // the time the value describes
  absl::Time recorded;  // when it was recorded
  double value = 0;
};

// INVALID_ARGUMENT naming the field ("targets[2].date") for targets out of
// order or repeated, a band whose high is below its low, thresholds out of
// order (amber_at <= green_at, both above 0).
absl::Status ValidateSpec(const KpiSpec& spec);

// The target on `day`: interpolated between the points around it (linear),
// or the last point's on or before it (step); the last point's after the
// last; none before the first. For a band, both bounds.
struct TargetToDate {
  double value = 0;
  double high = 0;
};
std::optional<TargetToDate> TargetOn(const KpiSpec& spec, absl::CivilDay day);

// The measurements as they were known at `known_at`: those recorded by
// then, the latest recording of each as_of (a correction replaces the
// value), sorted by as_of.
std::vector<Measurement> AsKnownAt(std::vector<Measurement> all,
                                   absl::Time known_at);

struct Status {
  enum Rag { kUnknown, kGreen, kAmber, kRed };
  Rag rag = kUnknown;
  // Actual as a percentage of the target to date (direction applied).
  double percent = 0;
  std::optional<Measurement> actual;
  std::optional<TargetToDate> target;
  int64_t rule_version = 0;
  // "20.0% vs 21.5% target to date = 93%: amber, rule v2".
  std::string reason;
};

// The status as known at `known_at`: the latest measurement (by as_of)
// against the target on its as_of date in `zone`. Unknown, with a reason,
// when there is no measurement or no target yet.
Status Evaluate(const KpiSpec& spec, std::vector<Measurement> measurements,
                absl::Time known_at, absl::TimeZone zone);

// A value in its unit: "1,234", "20.0%", "12,000.00 EUR", "3h30m".
std::string FormatValue(const Unit& unit, double value);
const char* RagName(Status::Rag rag);

}  // namespace mops::services::kpis

#endif  // MOPS_SERVICES_KPIS_RULES_H_

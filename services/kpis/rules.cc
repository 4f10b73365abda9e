#include "services/kpis/rules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace mops::services::kpis {

namespace {

absl::Status Invalid(const std::string& field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// "1234567.5" -> "1,234,567.50" with `decimals` places.
std::string Grouped(double value, int decimals) {
  std::string digits = absl::StrFormat("%.*f", decimals, std::fabs(value));
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  std::string out;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(whole[i]);
  }
  if (dot != std::string::npos) out += digits.substr(dot);
  return (value < 0 ? "-" : "") + out;
}

// The percentage of the target to date the actual stands at, direction
// applied: above 100 is better than the target.
double PercentOf(const KpiSpec& spec, double actual, const TargetToDate& t) {
  switch (spec.direction) {
    case Direction::kUp:
      if (t.value <= 0) return actual >= t.value ? 100 : 0;
      return 100 * actual / t.value;
    case Direction::kDown:
      if (actual <= 0) return actual <= t.value ? 100 : 0;
      return 100 * t.value / actual;
    case Direction::kBand:
      if (actual >= t.value && actual <= t.high) return 100;
      if (actual < t.value) return t.value <= 0 ? 0 : 100 * actual / t.value;
      return actual <= 0 ? 0 : 100 * t.high / actual;
  }
  return 0;
}

std::string TargetText(const KpiSpec& spec, const TargetToDate& t) {
  if (spec.direction == Direction::kBand) {
    return absl::StrCat(FormatValue(spec.unit, t.value), " to ",
                        FormatValue(spec.unit, t.high));
  }
  return FormatValue(spec.unit, t.value);
}

}  // namespace

absl::Status ValidateSpec(const KpiSpec& spec) {
  for (size_t i = 0; i < spec.targets.size(); ++i) {
    const TargetPoint& p = spec.targets[i];
    const std::string field = absl::StrCat("targets[", i, "]");
    if (i > 0 && p.date <= spec.targets[i - 1].date) {
      return Invalid(field + ".date",
                     "target dates are in increasing order, each once");
    }
    if (spec.direction == Direction::kBand && p.high < p.value) {
      return Invalid(field + ".high", "a band's high is not below its low");
    }
  }
  const Thresholds& t = spec.thresholds;
  if (!(t.amber_at > 0) || !(t.green_at > 0) || t.amber_at > t.green_at) {
    return Invalid("thresholds",
                   "amber_at and green_at are above 0, amber_at at most "
                   "green_at");
  }
  return absl::OkStatus();
}

std::optional<TargetToDate> TargetOn(const KpiSpec& spec, absl::CivilDay day) {
  const std::vector<TargetPoint>& points = spec.targets;
  if (points.empty() || day < points.front().date) return std::nullopt;
  // The last point on or before the day.
  auto after = std::upper_bound(
      points.begin(), points.end(), day,
      [](absl::CivilDay d, const TargetPoint& p) { return d < p.date; });
  const TargetPoint& a = *(after - 1);
  if (after == points.end() || spec.interpolation == Interpolation::kStep ||
      a.date == day) {
    return TargetToDate{a.value, a.high};
  }
  const TargetPoint& b = *after;
  const double f =
      static_cast<double>(day - a.date) / static_cast<double>(b.date - a.date);
  return TargetToDate{a.value + (b.value - a.value) * f,
                      a.high + (b.high - a.high) * f};
}

std::vector<Measurement> AsKnownAt(std::vector<Measurement> all,
                                   absl::Time known_at) {
  std::map<absl::Time, Measurement> latest;
  for (Measurement& m : all) {
    if (m.recorded > known_at) continue;
    auto it = latest.find(m.as_of);
    if (it == latest.end() || m.recorded >= it->second.recorded) {
      latest[m.as_of] = std::move(m);
    }
  }
  std::vector<Measurement> out;
  out.reserve(latest.size());
  for (auto& [as_of, m] : latest) out.push_back(std::move(m));
  return out;
}

Status Evaluate(const KpiSpec& spec, std::vector<Measurement> measurements,
                absl::Time known_at, absl::TimeZone zone) {
  Status s;
  s.rule_version = spec.thresholds.version;
  std::vector<Measurement> known = AsKnownAt(std::move(measurements), known_at);
  if (known.empty()) {
    s.reason = "no measurement yet";
    return s;
  }
  s.actual = known.back();
  const absl::CivilDay day = absl::ToCivilDay(s.actual->as_of, zone);
  s.target = TargetOn(spec, day);
  const std::string actual = FormatValue(spec.unit, s.actual->value);
  if (!s.target) {
    s.reason =
        absl::StrCat(actual, ": no target for ", absl::FormatCivilTime(day));
    return s;
  }
  s.percent = PercentOf(spec, s.actual->value, *s.target);
  const Thresholds& t = spec.thresholds;
  s.rag = s.percent >= t.green_at   ? Status::kGreen
          : s.percent >= t.amber_at ? Status::kAmber
                                    : Status::kRed;
  s.reason = absl::StrFormat("%s vs %s target to date = %.0f%%: %s, rule v%d",
                             actual, TargetText(spec, *s.target), s.percent,
                             RagName(s.rag), t.version);
  return s;
}

std::string FormatValue(const Unit& unit, double value) {
  switch (unit.kind) {
    case Unit::kCount:
      return Grouped(value,
                     std::fabs(value - std::round(value)) < 1e-9 ? 0 : 1);
    case Unit::kPercent:
      return absl::StrFormat("%.1f%%", value);
    case Unit::kMoney:
      return absl::StrCat(Grouped(value, 2), " ", unit.currency);
    case Unit::kDuration:
      return absl::FormatDuration(absl::Seconds(std::round(value)));
  }
  return "";
}

const char* RagName(Status::Rag rag) {
  switch (rag) {
    case Status::kGreen:
      return "green";
    case Status::kAmber:
      return "amber";
    case Status::kRed:
      return "red";
    case Status::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace mops::services::kpis

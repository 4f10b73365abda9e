// KPI rules: phased targets to date (linear and step), measurements as
// known at a time (corrections), the RAG status with its reason, by
// direction and band.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/kpis/rules.h"

namespace mops::services::kpis {
namespace {

absl::Time T(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// MQL-to-SQL conversion, a percentage: 10% in January rising to 30% by the
// end of the year (linear), thresholds 100/90, rule version 2.
KpiSpec Conversion() {
  KpiSpec spec;
  spec.unit.kind = Unit::kPercent;
  spec.targets = {{Day(2027, 1, 1), 10}, {Day(2027, 12, 31), 30}};
  spec.thresholds.version = 2;
  return spec;
}

Measurement M(const std::string& as_of, const std::string& recorded,
              double value) {
  return {T(as_of), T(recorded), value};
}

TEST(KpiTargetTest, LinearInterpolatesBetweenPoints) {
  const KpiSpec spec = Conversion();
  EXPECT_FALSE(TargetOn(spec, Day(2026, 12, 31))) << "before the first";
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2027, 1, 1))->value, 10);
  // 2027-07-02 is day 182 of 364 between the points: half way.
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2027, 7, 2))->value, 20);
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2027, 12, 31))->value, 30);
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2028, 3, 1))->value, 30)
      << "the last point's after it";
}

TEST(KpiTargetTest, StepHoldsEachPointUntilTheNext) {
  KpiSpec spec = Conversion();
  spec.interpolation = Interpolation::kStep;
  spec.targets = {
      {Day(2027, 1, 1), 100}, {Day(2027, 4, 1), 250}, {Day(2027, 7, 1), 400}};
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2027, 3, 31))->value, 100);
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2027, 4, 1))->value, 250);
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2027, 6, 30))->value, 250);
  EXPECT_DOUBLE_EQ(TargetOn(spec, Day(2027, 9, 1))->value, 400);
}

TEST(KpiTargetTest, ABandInterpolatesBothBounds) {
  KpiSpec spec;
  spec.direction = Direction::kBand;
  spec.targets = {{Day(2027, 1, 1), 40, 60}, {Day(2027, 1, 11), 50, 80}};
  const auto t = TargetOn(spec, Day(2027, 1, 6));
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->value, 45);
  EXPECT_DOUBLE_EQ(t->high, 70);
}

TEST(KpiMeasurementTest, ACorrectionReplacesTheValueFromWhenItWasRecorded) {
  const std::vector<Measurement> all = {
      M("2027-03-01T00:00:00Z", "2027-03-02T09:00:00Z", 12),
      M("2027-02-01T00:00:00Z", "2027-02-02T09:00:00Z", 11),
      // The March figure corrected a week later.
      M("2027-03-01T00:00:00Z", "2027-03-09T09:00:00Z", 13.5),
  };
  std::vector<Measurement> then = AsKnownAt(all, T("2027-03-05T00:00:00Z"));
  ASSERT_EQ(then.size(), 2u);
  EXPECT_EQ(then[0].value, 11) << "sorted by as_of";
  EXPECT_EQ(then[1].value, 12) << "what the dashboard showed then";
  std::vector<Measurement> now = AsKnownAt(all, T("2027-03-10T00:00:00Z"));
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[1].value, 13.5);
  EXPECT_TRUE(AsKnownAt(all, T("2027-01-01T00:00:00Z")).empty());
}

TEST(KpiStatusTest, TheReasonSaysActualTargetPercentRagAndRule) {
  KpiSpec spec = Conversion();
  spec.targets = {{Day(2027, 1, 1), 21.5}};
  const Status s =
      Evaluate(spec, {M("2027-05-01T00:00:00Z", "2027-05-02T00:00:00Z", 20)},
               T("2027-06-01T00:00:00Z"), absl::UTCTimeZone());
  EXPECT_EQ(s.rag, Status::kAmber);
  EXPECT_EQ(s.rule_version, 2);
  EXPECT_EQ(s.reason, "20.0% vs 21.5% target to date = 93%: amber, rule v2");
}

TEST(KpiStatusTest, UpIsGoodComparesWithTheTargetOnTheActualsDate) {
  const KpiSpec spec = Conversion();
  // On 2027-07-02 the target is 20%: 20% is green, 18.5% amber, 17% red.
  auto at = [&](double v) {
    return Evaluate(spec,
                    {M("2027-07-02T12:00:00Z", "2027-07-03T00:00:00Z", v)},
                    T("2027-08-01T00:00:00Z"), absl::UTCTimeZone())
        .rag;
  };
  EXPECT_EQ(at(20), Status::kGreen);
  EXPECT_EQ(at(18.5), Status::kAmber);
  EXPECT_EQ(at(17), Status::kRed);
}

TEST(KpiStatusTest, DownIsGoodTurnsTheRatioAround) {
  KpiSpec spec;
  spec.unit = {Unit::kMoney, "EUR"};
  spec.direction = Direction::kDown;
  spec.targets = {{Day(2027, 1, 1), 50}};  // cost per lead
  auto status = [&](double v) {
    return Evaluate(spec,
                    {M("2027-02-01T00:00:00Z", "2027-02-01T00:00:00Z", v)},
                    T("2027-02-02T00:00:00Z"), absl::UTCTimeZone());
  };
  EXPECT_EQ(status(45).rag, Status::kGreen);
  EXPECT_EQ(status(54).rag, Status::kAmber);  // 50/54 = 92.6%
  const Status red = status(60);
  EXPECT_EQ(red.rag, Status::kRed);
  EXPECT_EQ(red.reason,
            "60.00 EUR vs 50.00 EUR target to date = 83%: red, rule v1");
}

TEST(KpiStatusTest, ABandIsGreenInsideAndMeasuresTheNearerBoundOutside) {
  KpiSpec spec;
  spec.direction = Direction::kBand;
  spec.targets = {{Day(2027, 1, 1), 40, 60}};
  auto status = [&](double v) {
    return Evaluate(spec,
                    {M("2027-02-01T00:00:00Z", "2027-02-01T00:00:00Z", v)},
                    T("2027-02-02T00:00:00Z"), absl::UTCTimeZone());
  };
  EXPECT_EQ(status(50).rag, Status::kGreen);
  EXPECT_EQ(status(37).rag, Status::kAmber);  // 37/40 = 92.5%
  EXPECT_EQ(status(70).rag, Status::kRed);    // 60/70 = 85.7%
  EXPECT_EQ(status(50).reason,
            "50 vs 40 to 60 target to date = 100%: green, rule v1");
}

TEST(KpiStatusTest, TheActualsDateIsTakenInTheKpisZone) {
  KpiSpec spec;
  spec.interpolation = Interpolation::kStep;
  spec.targets = {{Day(2027, 1, 1), 100}, {Day(2027, 2, 1), 200}};
  // 2027-01-31T23:30Z is already February 1st in Berlin.
  const std::vector<Measurement> m = {
      M("2027-01-31T23:30:00Z", "2027-02-01T08:00:00Z", 150)};
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  EXPECT_EQ(
      Evaluate(spec, m, T("2027-02-02T00:00:00Z"), absl::UTCTimeZone()).rag,
      Status::kGreen);
  EXPECT_EQ(Evaluate(spec, m, T("2027-02-02T00:00:00Z"), berlin).rag,
            Status::kRed);
}

TEST(KpiStatusTest, UnknownWithoutAMeasurementOrATarget) {
  const KpiSpec spec = Conversion();
  Status s = Evaluate(spec, {}, T("2027-02-02T00:00:00Z"), absl::UTCTimeZone());
  EXPECT_EQ(s.rag, Status::kUnknown);
  EXPECT_EQ(s.reason, "no measurement yet");
  s = Evaluate(spec, {M("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", 5)},
               T("2027-02-02T00:00:00Z"), absl::UTCTimeZone());
  EXPECT_EQ(s.rag, Status::kUnknown);
  EXPECT_EQ(s.reason, "5.0%: no target for 2026-12-01");
  // Known at a time before it was recorded: nothing yet.
  s = Evaluate(spec, {M("2027-03-01T00:00:00Z", "2027-03-02T00:00:00Z", 15)},
               T("2027-03-01T12:00:00Z"), absl::UTCTimeZone());
  EXPECT_EQ(s.rag, Status::kUnknown);
}

TEST(KpiSpecTest, BadSpecsNameTheField) {
  KpiSpec spec = Conversion();
  EXPECT_TRUE(ValidateSpec(spec).ok());
  spec.targets.push_back({Day(2027, 6, 1), 20});
  absl::Status s = ValidateSpec(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().substr(0, 16), "targets[2].date:");
  spec = Conversion();
  spec.thresholds.amber_at = 110;
  EXPECT_EQ(ValidateSpec(spec).message().substr(0, 11), "thresholds:");
  spec = Conversion();
  spec.direction = Direction::kBand;
  spec.targets = {{Day(2027, 1, 1), 60, 40}};
  EXPECT_EQ(ValidateSpec(spec).message().substr(0, 16), "targets[0].high:");
}

TEST(KpiFormatTest, ValuesInTheirUnits) {
  EXPECT_EQ(FormatValue({Unit::kCount, ""}, 1234567), "1,234,567");
  EXPECT_EQ(FormatValue({Unit::kCount, ""}, 12.5), "12.5");
  EXPECT_EQ(FormatValue({Unit::kPercent, ""}, 20), "20.0%");
  EXPECT_EQ(FormatValue({Unit::kMoney, "EUR"}, 12000), "12,000.00 EUR");
  EXPECT_EQ(FormatValue({Unit::kMoney, "EUR"}, -5.5), "-5.50 EUR");
  EXPECT_EQ(FormatValue({Unit::kDuration, ""}, 12600), "3h30m");
}

}  // namespace
}  // namespace mops::services::kpis

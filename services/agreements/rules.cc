// The shape of an agreement and business spans (rules.h).
#include "services/agreements/rules.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "services/common/event_condition.h"
#include "services/common/validation.h"
#include "storage/status_macros.h"

namespace mops::services::agreements {

using calendars::BusinessClock;

namespace {

// Ten years of business minutes bounds every span.
constexpr int64_t kMaxSpanMinutes = int64_t{3653} * 24 * 60;

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// Exactly YYYY-MM-DD (ParseCivilTime alone takes "2027-9-30" and " 27-..."),
// so that dates also compare as text.
bool ParseDate(absl::string_view date, absl::CivilDay* day) {
  return date.size() == 10 && date[4] == '-' && date[7] == '-' &&
         std::all_of(
             date.begin(), date.end(),
             [](char c) { return c == '-' || absl::ascii_isdigit(c); }) &&
         absl::ParseCivilTime(date, day) && absl::FormatCivilTime(*day) == date;
}

absl::Status ValidateDate(absl::string_view field, absl::string_view date) {
  absl::CivilDay day;
  if (!date.empty() && !ParseDate(date, &day)) {
    return Invalid(field,
                   absl::StrCat("\"", date, "\" is not a YYYY-MM-DD date"));
  }
  return absl::OkStatus();
}

absl::Status ValidateParties(absl::string_view prefix, const v1::Agreement& a) {
  if (a.parties_size() < 2) {
    return Invalid(absl::StrCat(prefix, "parties"),
                   "an agreement has two or more parties");
  }
  std::set<std::string> teams;
  for (int i = 0; i < a.parties_size(); ++i) {
    const v1::AgreementParty& party = a.parties(i);
    const std::string field = absl::StrCat(prefix, "parties[", i, "]");
    RETURN_IF_ERROR(ParseId(field + ".team", party.team(), "teams/*").status());
    if (!teams.insert(party.team()).second) {
      return Invalid(field + ".team",
                     absl::StrCat(party.team(), " is a party twice"));
    }
    if (party.liaisons().empty()) {
      return Invalid(field + ".liaisons",
                     "every party names at least one liaison");
    }
    std::set<std::string> seen;
    for (int k = 0; k < party.liaisons_size(); ++k) {
      const std::string f = absl::StrCat(field, ".liaisons[", k, "]");
      RETURN_IF_ERROR(ParseId(f, party.liaisons(k), "users/*").status());
      if (!seen.insert(party.liaisons(k)).second) {
        return Invalid(f, absl::StrCat(party.liaisons(k), " is listed twice"));
      }
    }
  }
  return absl::OkStatus();
}

bool IsParty(const v1::Agreement& a, absl::string_view team) {
  return std::any_of(
      a.parties().begin(), a.parties().end(),
      [&](const v1::AgreementParty& p) { return p.team() == team; });
}

absl::Status ValidatePartyRef(const v1::Agreement& a, absl::string_view field,
                              absl::string_view team) {
  RETURN_IF_ERROR(ParseId(field, team, "teams/*").status());
  if (!IsParty(a, team)) {
    return Invalid(field,
                   absl::StrCat(team, " is not a party of the agreement"));
  }
  return absl::OkStatus();
}

absl::Status ValidateConditions(
    const v1::Agreement& a, const std::string& field,
    const google::protobuf::RepeatedPtrField<v1::ClockCondition>& conditions,
    bool pause) {
  for (int i = 0; i < conditions.size(); ++i) {
    const v1::ClockCondition& c = conditions[i];
    const std::string f = absl::StrCat(field, "[", i, "]");
    if (absl::StartsWith(c.event_type(), "agreement.")) {
      return Invalid(f + ".event_type",
                     "clocks do not move on agreements' own events");
    }
    RETURN_IF_ERROR(EventCondition::Compile(f + ".event_type", c.event_type(),
                                            f + ".filter", c.filter())
                        .status());
    if (!pause && (!c.reason().empty() || !c.charged_to().empty())) {
      return Invalid(f, "reason and charged_to belong to pause conditions");
    }
    if (pause && !c.charged_to().empty()) {
      RETURN_IF_ERROR(ValidatePartyRef(a, f + ".charged_to", c.charged_to()));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSegments(const v1::AgreementTerm& t,
                              const std::string& field) {
  std::set<std::string> names;
  for (int i = 0; i < t.segments_size(); ++i) {
    const v1::TermSegment& s = t.segments(i);
    const std::string f = absl::StrCat(field, ".segments[", i, "]");
    RETURN_IF_ERROR(ValidateRequired(f + ".name", s.name()));
    if (!names.insert(s.name()).second || s.name() == "default") {
      return Invalid(f + ".name", absl::StrCat("\"", s.name(), "\" is taken"));
    }
    RETURN_IF_ERROR(ParseSpan(f + ".target", s.target()).status());
    // A segment is chosen at the start: its filter reads start events.
    for (int k = 0; k < t.start_size(); ++k) {
      RETURN_IF_ERROR(EventCondition::Compile(
                          absl::StrCat(field, ".start[", k, "].event_type"),
                          t.start(k).event_type(), f + ".filter", s.filter())
                          .status());
    }
  }
  return absl::OkStatus();
}

int64_t Signed(const BusinessSpan& s) {
  return s.negative ? -s.count : s.count;
}

absl::Status ValidateLadder(const v1::AgreementTerm& t,
                            const std::string& field) {
  std::vector<int> warnings(t.warning_percents().begin(),
                            t.warning_percents().end());
  for (size_t i = 0; i < warnings.size(); ++i) {
    if (warnings[i] < 1 || warnings[i] > 99 ||
        (i > 0 && warnings[i] <= warnings[i - 1])) {
      return Invalid(absl::StrCat(field, ".warning_percents[", i, "]"),
                     "shares are 1 to 99, in increasing order");
    }
  }
  // Minutes and hours compare as minutes; days only with days (how long a
  // day is depends on the calendar): a ladder mixing them is kept in order
  // when the clock runs (TargetsOf), not refused here.
  std::optional<int64_t> last_minutes;
  std::optional<int64_t> last_days;
  for (int i = 0; i < t.escalations_size(); ++i) {
    const std::string f = absl::StrCat(field, ".escalations[", i, "]");
    ASSIGN_OR_RETURN(BusinessSpan span,
                     ParseSpan(f + ".offset", t.escalations(i).offset(),
                               /*allow_sign=*/true));
    const bool days = span.unit == BusinessSpan::kDays;
    const int64_t v =
        Signed(span) * (span.unit == BusinessSpan::kHours ? 60 : 1);
    std::optional<int64_t>& last = days ? last_days : last_minutes;
    if (last && v <= *last) {
      return Invalid(f + ".offset", "steps come in increasing order of offset");
    }
    last = v;
  }
  return absl::OkStatus();
}

absl::Status ValidateTerm(const v1::Agreement& a, int index,
                          const std::string& field) {
  const v1::AgreementTerm& t = a.terms(index);
  RETURN_IF_ERROR(ValidateId(field + ".id", t.id()));
  RETURN_IF_ERROR(ValidateRequired(field + ".title", t.title()));
  RETURN_IF_ERROR(ValidatePartyRef(a, field + ".provider", t.provider()));
  RETURN_IF_ERROR(ValidatePartyRef(a, field + ".customer", t.customer()));
  if (t.provider() == t.customer()) {
    return Invalid(field + ".customer", "the customer is another party");
  }
  if (t.metric() == v1::AgreementTerm::METRIC_UNSPECIFIED) {
    return Invalid(field + ".metric", "RESPONSE, RESOLUTION or CUSTOM");
  }
  if ((t.metric() == v1::AgreementTerm::CUSTOM) == t.custom_metric().empty()) {
    return Invalid(field + ".custom_metric",
                   "names the metric exactly when metric is CUSTOM");
  }
  if (t.start().empty()) {
    return Invalid(field + ".start", "a term needs a start condition");
  }
  if (t.stop().empty()) {
    return Invalid(field + ".stop", "a term needs a stop condition");
  }
  if (t.pause().empty() != t.resume().empty()) {
    return Invalid(field + (t.resume().empty() ? ".resume" : ".pause"),
                   "pause and resume conditions come together");
  }
  RETURN_IF_ERROR(ValidateConditions(a, field + ".start", t.start(), false));
  RETURN_IF_ERROR(ValidateConditions(a, field + ".pause", t.pause(), true));
  RETURN_IF_ERROR(ValidateConditions(a, field + ".resume", t.resume(), false));
  RETURN_IF_ERROR(ValidateConditions(a, field + ".stop", t.stop(), false));
  RETURN_IF_ERROR(ValidateConditions(a, field + ".cancel", t.cancel(), false));
  RETURN_IF_ERROR(ParseSpan(field + ".target", t.target()).status());
  RETURN_IF_ERROR(ValidateSegments(t, field));
  if (!t.calendar().empty()) {
    RETURN_IF_ERROR(
        ParseId(field + ".calendar", t.calendar(), "calendars/*").status());
  }
  return ValidateLadder(t, field);
}

absl::Status ValidateConcerns(absl::string_view prefix,
                              const v1::ConcernedDecisions& c) {
  const std::string field = absl::StrCat(prefix, "concerns");
  for (int i = 0; i < c.project_teams_size(); ++i) {
    RETURN_IF_ERROR(ParseId(absl::StrCat(field, ".project_teams[", i, "]"),
                            c.project_teams(i), "teams/*")
                        .status());
  }
  for (int i = 0; i < c.workflow_templates_size(); ++i) {
    RETURN_IF_ERROR(ParseId(absl::StrCat(field, ".workflow_templates[", i, "]"),
                            c.workflow_templates(i), "workflowTemplates/*")
                        .status());
  }
  for (int i = 0; i < c.project_labels_size(); ++i) {
    RETURN_IF_ERROR(ValidateRequired(
        absl::StrCat(field, ".project_labels[", i, "]"), c.project_labels(i)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BusinessSpan> ParseSpan(absl::string_view field,
                                       absl::string_view text,
                                       bool allow_sign) {
  auto bad = [&] {
    return Invalid(
        field,
        absl::StrCat("\"", text, "\" is not business time (",
                     allow_sign ? "-30bm, 2bh, +1bd" : "30bm, 2bh, 3bd", ")"));
  };
  BusinessSpan span;
  absl::string_view rest = text;
  if (allow_sign) {
    if (absl::ConsumePrefix(&rest, "-")) {
      span.negative = true;
    } else {
      absl::ConsumePrefix(&rest, "+");
    }
  }
  if (absl::ConsumeSuffix(&rest, "bm")) {
    span.unit = BusinessSpan::kMinutes;
  } else if (absl::ConsumeSuffix(&rest, "bh")) {
    span.unit = BusinessSpan::kHours;
  } else if (absl::ConsumeSuffix(&rest, "bd")) {
    span.unit = BusinessSpan::kDays;
  } else {
    return bad();
  }
  if (rest.empty() ||
      !std::all_of(rest.begin(), rest.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(rest, &span.count) ||
      span.count < (allow_sign ? 0 : 1)) {
    return bad();
  }
  const int64_t per = span.unit == BusinessSpan::kMinutes ? 1
                      : span.unit == BusinessSpan::kHours ? 60
                                                          : 24 * 60;
  if (span.count > kMaxSpanMinutes / per) return bad();
  return span;
}

absl::StatusOr<absl::Duration> SpanDuration(const BusinessSpan& span,
                                            const BusinessClock& clock,
                                            absl::Time start) {
  absl::Duration d;
  switch (span.unit) {
    case BusinessSpan::kMinutes:
      d = absl::Minutes(span.count);
      break;
    case BusinessSpan::kHours:
      d = absl::Hours(span.count);
      break;
    case BusinessSpan::kDays: {
      ASSIGN_OR_RETURN(absl::Time from, clock.NextWorkingMoment(start));
      ASSIGN_OR_RETURN(absl::Time to,
                       clock.AddDays(from, static_cast<int>(span.count)));
      ASSIGN_OR_RETURN(d, clock.Elapsed(from, to));
      break;
    }
  }
  return span.negative ? -d : d;
}

absl::Status ValidateAgreement(absl::string_view prefix,
                               const v1::Agreement& a) {
  RETURN_IF_ERROR(ValidateRequired(absl::StrCat(prefix, "title"), a.title()));
  RETURN_IF_ERROR(ValidateParties(prefix, a));
  RETURN_IF_ERROR(ValidateDate(absl::StrCat(prefix, "effective_start_date"),
                               a.effective_start_date()));
  RETURN_IF_ERROR(ValidateDate(absl::StrCat(prefix, "effective_end_date"),
                               a.effective_end_date()));
  if (!a.effective_start_date().empty() && !a.effective_end_date().empty() &&
      a.effective_end_date() < a.effective_start_date()) {
    return Invalid(absl::StrCat(prefix, "effective_end_date"),
                   "ends before effective_start_date");
  }
  std::set<std::string> ids;
  for (int i = 0; i < a.terms_size(); ++i) {
    const std::string field = absl::StrCat(prefix, "terms[", i, "]");
    RETURN_IF_ERROR(ValidateTerm(a, i, field));
    if (!ids.insert(a.terms(i).id()).second) {
      return Invalid(field + ".id",
                     absl::StrCat("\"", a.terms(i).id(), "\" is used twice"));
    }
  }
  return ValidateConcerns(prefix, a.concerns());
}

std::vector<int> WarningsOf(const v1::AgreementTerm& term) {
  if (term.warning_percents().empty()) {
    return std::vector<int>(std::begin(kDefaultWarnings),
                            std::end(kDefaultWarnings));
  }
  return {term.warning_percents().begin(), term.warning_percents().end()};
}

bool IsEffective(const v1::Agreement& a, absl::Time t, absl::TimeZone zone) {
  const absl::CivilDay day = absl::ToCivilDay(t, zone);
  absl::CivilDay bound;
  if (!a.effective_start_date().empty() &&
      absl::ParseCivilTime(a.effective_start_date(), &bound) && day < bound) {
    return false;
  }
  if (!a.effective_end_date().empty() &&
      absl::ParseCivilTime(a.effective_end_date(), &bound) && day > bound) {
    return false;
  }
  return true;
}

const v1::AgreementTerm* FindTerm(const v1::Agreement& a,
                                  absl::string_view id) {
  for (const v1::AgreementTerm& t : a.terms()) {
    if (t.id() == id) return &t;
  }
  return nullptr;
}

}  // namespace mops::services::agreements

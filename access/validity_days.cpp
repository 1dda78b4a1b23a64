#include "access/validity_days.h"

#include "access/time_format.h"

namespace portier {

std::variant<Validity, std::string> validity_from_days(const LocalClock& clock, const std::string& from,
                                                       const std::string& until) {
  Validity v;
  if (!from.empty()) {
    const auto day = parse_day(from);
    if (!day) return "valid from: '" + from.substr(0, 20) + "' is not a day YYYY-MM-DD";
    v.from = clock.start_of(*day);
  }
  if (!until.empty()) {
    const auto day = parse_day(until);
    if (!day) return "valid until: '" + until.substr(0, 20) + "' is not a day YYYY-MM-DD";
    // The last day is included: the window closes when the next one begins.
    v.until = clock.start_of(date::year_month_day(date::sys_days(*day) + date::days(1)));
  }
  if (v.from && v.until && *v.until <= *v.from) return "valid until " + until + " is before valid from " + from;
  return v;
}

namespace {

using Bound = std::optional<std::chrono::system_clock::time_point>;

// Past 2262 the clock cannot count: such a bound is never reached.
bool open(const Bound& t) { return !t || *t == std::chrono::system_clock::time_point::max(); }

// The bound's whole day, or empty when it is not at a day's start. A window
// that ends as a day begins ends with the day before, included.
std::string whole_day(const LocalClock& clock, const Bound& t, bool last_day) {
  if (open(t)) return {};
  const LocalTime local = clock.at(*t);
  if (local.minute != 0 || local.second != 0) return {};
  return format_day(last_day ? date::year_month_day(date::sys_days(local.day) - date::days(1)) : local.day);
}

}  // namespace

ValidityDays days_of_validity(const LocalClock& clock, const Validity& validity) {
  return {whole_day(clock, validity.from, false), whole_day(clock, validity.until, true)};
}

std::string describe_validity(const LocalClock& clock, const Validity& validity) {
  if (open(validity.from) && open(validity.until)) return "always";
  const auto days = days_of_validity(clock, validity);
  std::string out;
  if (!open(validity.from)) out = "from " + (days.from.empty() ? clock.format_minute(*validity.from) : days.from);
  if (!open(validity.until)) {
    out += out.empty() ? "" : " ";
    out += days.until.empty() ? "until " + clock.format_minute(*validity.until) : "through " + days.until;
  }
  return out;
}

}  // namespace portier

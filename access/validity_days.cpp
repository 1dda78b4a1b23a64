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
bool at_midnight(const LocalTime& t) { return t.minute == 0 && t.second == 0; }
}  // namespace

std::string describe_validity(const LocalClock& clock, const Validity& validity) {
  // Past 2262 the clock cannot count: such a bound is never reached.
  const auto open = [](const auto& t) { return !t || *t == std::chrono::system_clock::time_point::max(); };
  if (open(validity.from) && open(validity.until)) return "always";
  std::string out;
  if (!open(validity.from)) {
    const LocalTime t = clock.at(*validity.from);
    out = "from " + (at_midnight(t) ? format_day(t.day) : clock.format_minute(*validity.from));
  }
  if (!open(validity.until)) {
    // A window that ends as a day begins ends with the day before, included.
    const LocalTime t = clock.at(*validity.until);
    out += out.empty() ? "" : " ";
    out += at_midnight(t) ? "through " + format_day(date::year_month_day(date::sys_days(t.day) - date::days(1)))
                          : "until " + clock.format_minute(*validity.until);
  }
  return out;
}

}  // namespace portier

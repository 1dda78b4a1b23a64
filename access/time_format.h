#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <date/date.h>

namespace portier {

// "2026-11-21T13:59:02.123Z": RFC 3339, UTC, milliseconds.
std::string rfc3339_utc(std::chrono::system_clock::time_point t);
// "2026-11-21"
std::string format_day(date::year_month_day day);
// "2026-11-21" back to a day; nothing when it is not exactly YYYY-MM-DD or
// not a day of the calendar.
std::optional<date::year_month_day> parse_day(const std::string& text);

}  // namespace portier

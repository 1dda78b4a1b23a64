#pragma once

#include <chrono>
#include <string>

#include <date/date.h>

namespace portier {

// "2026-11-21T13:59:02.123Z": RFC 3339, UTC, milliseconds.
std::string rfc3339_utc(std::chrono::system_clock::time_point t);
// "2026-11-21"
std::string format_day(date::year_month_day day);

}  // namespace portier

#pragma once

#include <chrono>
#include <string>

namespace portier {

// "2026-11-21T13:59:02.123Z": RFC 3339, UTC, milliseconds.
std::string rfc3339_utc(std::chrono::system_clock::time_point t);

}  // namespace portier

#include "access/local_clock.h"

#include <stdexcept>

#include <date/tz.h>
#include <fmt/format.h>

#include "access/time_format.h"

namespace portier {

LocalClock::LocalClock(const std::string& zone) {
  try {
    zone_ = zone.empty() ? date::current_zone() : date::locate_zone(zone);
  } catch (const std::exception& e) {
    throw std::runtime_error(zone.empty() ? std::string("cannot tell the system's time zone: ") + e.what()
                                          : "unknown time zone '" + zone + "' (an IANA name such as Europe/London; see /usr/share/zoneinfo)");
  }
}

LocalTime LocalClock::at(std::chrono::system_clock::time_point t) const {
  // to_local keeps at least seconds (the zone's offset may carry them), so
  // the minute and second of the day are taken from the difference explicitly.
  const auto local = zone_->to_local(date::floor<std::chrono::seconds>(t));
  const auto day = date::floor<date::days>(local);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(local - day).count();
  return {date::year_month_day(day), static_cast<int>(seconds / 60), static_cast<int>(seconds % 60)};
}

std::chrono::system_clock::time_point LocalClock::start_of(date::year_month_day day) const {
  return zone_->to_sys(date::local_days(day), date::choose::earliest);
}

std::string LocalClock::format_minute(std::chrono::system_clock::time_point t) const {
  const LocalTime local = at(t);
  return fmt::format("{} {:02}:{:02}", format_day(local.day), local.minute / 60, local.minute % 60);
}

std::string LocalClock::zone_name() const { return std::string(zone_->name()); }

}  // namespace portier

// The door's civil time in its IANA time zone, DST included, from the
// system's zoneinfo (Howard Hinnant's date/tz, Debian's libdate-tz, built to
// read /usr/share/zoneinfo: the zone rules come with tzdata's updates, and
// unlike setting TZ for localtime_r it is safe from several threads).
#pragma once

#include <chrono>
#include <string>

#include "access/time_profile.h"

namespace date {
class time_zone;
}

namespace portier {

class LocalClock {
 public:
  // `zone`: an IANA name ("Europe/London"); empty: the system's own zone
  // (/etc/localtime). Throws std::runtime_error naming an unknown zone.
  explicit LocalClock(const std::string& zone);
  LocalTime at(std::chrono::system_clock::time_point t) const;
  LocalTime now() const { return at(std::chrono::system_clock::now()); }
  // The instant the civil day begins here (a midnight that a DST change
  // skips: the first instant of the day).
  std::chrono::system_clock::time_point start_of(date::year_month_day day) const;
  std::string zone_name() const;
  // "2026-12-24 18:00", here.
  std::string format_minute(std::chrono::system_clock::time_point t) const;

 private:
  const date::time_zone* zone_;
};

}  // namespace portier

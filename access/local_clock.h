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
  std::string zone_name() const;

 private:
  const date::time_zone* zone_;
};

}  // namespace portier

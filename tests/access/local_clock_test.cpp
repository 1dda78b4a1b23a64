#include "access/local_clock.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

// A UTC instant, as the system clock gives it.
std::chrono::system_clock::time_point utc(date::year_month_day day, std::chrono::minutes at) {
  return date::sys_days(day) + at;
}
int minute(int h, int m) { return h * 60 + m; }

TEST(LocalClock, LondonSpringAndAutumnDstDays) {
  const LocalClock london("Europe/London");
  // 29 March 2026: 01:00 GMT becomes 02:00 BST.
  EXPECT_EQ(london.at(utc(2026_y / 3 / 29, 0h + 59min)).minute, minute(0, 59));
  EXPECT_EQ(london.at(utc(2026_y / 3 / 29, 1h)).minute, minute(2, 0)) << "01:00-02:00 local never happens";
  EXPECT_EQ(london.at(utc(2026_y / 6 / 1, 6h)).minute, minute(7, 0)) << "summer: UTC+1";
  // 25 October 2026: 02:00 BST goes back to 01:00 GMT; 01:30 local happens twice.
  EXPECT_EQ(london.at(utc(2026_y / 10 / 25, 0h + 30min)).minute, minute(1, 30));
  EXPECT_EQ(london.at(utc(2026_y / 10 / 25, 1h + 30min)).minute, minute(1, 30));
  EXPECT_EQ(london.at(utc(2026_y / 12 / 1, 7h)).minute, minute(7, 0)) << "winter: UTC";
}

TEST(LocalClock, NewYorkDstDaysAndTheLocalDate) {
  const LocalClock ny("America/New_York");
  // 8 March 2026: 02:00 EST becomes 03:00 EDT (07:00 UTC).
  EXPECT_EQ(ny.at(utc(2026_y / 3 / 8, 6h + 59min)).minute, minute(1, 59));
  EXPECT_EQ(ny.at(utc(2026_y / 3 / 8, 7h)).minute, minute(3, 0));
  // 1 November 2026: 02:00 EDT goes back to 01:00 EST (06:00 UTC).
  EXPECT_EQ(ny.at(utc(2026_y / 11 / 1, 5h + 30min)).minute, minute(1, 30));
  EXPECT_EQ(ny.at(utc(2026_y / 11 / 1, 6h + 30min)).minute, minute(1, 30));
  // 03:00 UTC on a Tuesday is still Monday evening in New York.
  const auto t = ny.at(utc(2026_y / 12 / 1, 3h));
  EXPECT_EQ(t.day, 2026_y / 11 / 30);
  EXPECT_EQ(t.weekday(), date::Monday);
  EXPECT_EQ(t.minute, minute(22, 0));
}

TEST(LocalClock, AnOfficeProfileFollowsTheLocalClockAcrossDst) {
  TimeProfile office;
  TimeSegment s;
  ASSERT_FALSE(parse_segment("07:00-19:00", s));
  office.week[date::Sunday.c_encoding()] = {s};
  const LocalClock london("Europe/London");
  // The spring DST Sunday: 06:30 UTC is 07:30 BST, open; a day with a fixed
  // UTC offset would still say 06:30, closed.
  EXPECT_TRUE(office.allows(london.at(utc(2026_y / 3 / 29, 6h + 30min))));
  EXPECT_FALSE(office.allows(london.at(utc(2026_y / 3 / 29, 5h + 59min))));
}

TEST(LocalClock, AnUnknownZoneIsNamed) {
  try {
    LocalClock bad("Europe/Londn");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown time zone 'Europe/Londn'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace portier

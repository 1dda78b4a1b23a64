#include "access/validity_days.h"

#include <gtest/gtest.h>

#include "access/time_format.h"

namespace portier {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

TEST(ValidityDays, WholeDaysAtTheDoorBothIncluded) {
  const LocalClock berlin("Europe/Berlin");
  auto made = validity_from_days(berlin, "2026-12-01", "2026-12-24");
  ASSERT_TRUE(std::holds_alternative<Validity>(made)) << std::get<std::string>(made);
  const auto v = std::get<Validity>(made);
  // Berlin is UTC+1 in winter: its days begin at 23:00 UTC the day before.
  EXPECT_EQ(*v.from, date::sys_days(2026_y / 11 / 30) + 23h);
  EXPECT_EQ(*v.until, date::sys_days(2026_y / 12 / 24) + 23h) << "the 24th included, the 25th not";
  EXPECT_TRUE(v.contains(date::sys_days(2026_y / 12 / 24) + 22h + 59min));
  EXPECT_FALSE(v.contains(date::sys_days(2026_y / 12 / 24) + 23h));
  EXPECT_FALSE(v.contains(date::sys_days(2026_y / 11 / 30) + 22h + 59min));
  EXPECT_EQ(describe_validity(berlin, v), "from 2026-12-01 through 2026-12-24");
  const auto days = days_of_validity(berlin, v);
  EXPECT_EQ(days.from, "2026-12-01");
  EXPECT_EQ(days.until, "2026-12-24") << "the form shows the last day, as it was given";
}

TEST(ValidityDays, OpenEndsAndBoundsOffMidnight) {
  const LocalClock london("Europe/London");
  auto only_until = std::get<Validity>(validity_from_days(london, "", "2027-01-31"));
  EXPECT_FALSE(only_until.from);
  EXPECT_EQ(describe_validity(london, only_until), "through 2027-01-31");
  EXPECT_EQ(describe_validity(london, std::get<Validity>(validity_from_days(london, "", ""))), "always");
  // The backend may give a bound to the minute: shown as it is.
  Validity v;
  v.from = date::sys_days(2026_y / 7 / 1) + 8h + 30min;  // 09:30 BST
  EXPECT_EQ(describe_validity(london, v), "from 2026-07-01 09:30");
  EXPECT_EQ(days_of_validity(london, v).from, "") << "not a whole day: the form leaves it empty";
  v.from.reset();
  v.until = std::chrono::system_clock::time_point::max();
  EXPECT_EQ(describe_validity(london, v), "always") << "a bound past 2262 is never reached";
}

TEST(ValidityDays, EachBadFieldIsNamed) {
  const LocalClock utc("UTC");
  auto bad = validity_from_days(utc, "2026-02-30", "");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("valid from: '2026-02-30' is not a day"), std::string::npos);
  bad = validity_from_days(utc, "", "24.12.2026");
  EXPECT_NE(std::get<std::string>(bad).find("valid until: '24.12.2026'"), std::string::npos);
  bad = validity_from_days(utc, "2026-12-24", "2026-12-01");
  EXPECT_NE(std::get<std::string>(bad).find("before"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<Validity>(validity_from_days(utc, "2026-12-24", "2026-12-24"))) << "one day";
  EXPECT_FALSE(parse_day("2026-1-024"));
  EXPECT_FALSE(parse_day("2026-12-01x"));
  EXPECT_EQ(*parse_day("2028-02-29"), 2028_y / 2 / 29);
}

}  // namespace
}  // namespace portier

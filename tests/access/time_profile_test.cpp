#include "access/time_profile.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

using namespace date::literals;

TimeSegment seg(const std::string& text) {
  TimeSegment s;
  const auto problem = parse_segment(text, s);
  EXPECT_FALSE(problem) << *problem;
  return s;
}

std::string problem_of(const std::string& text) {
  TimeSegment s;
  return parse_segment(text, s).value_or("");
}

TEST(TimeSegment, ParsesAndRefusesWithTheReason) {
  EXPECT_EQ(seg("07:00-19:00"), (TimeSegment{420, 1140}));
  EXPECT_EQ(seg("00:00-24:00"), (TimeSegment{0, 1440}));
  EXPECT_EQ(to_string(seg("07:05-19:30")), "07:05-19:30");
  EXPECT_NE(problem_of("22:00-06:00").find("split it into 22:00-24:00 and 00:00-06:00"), std::string::npos)
      << problem_of("22:00-06:00");
  EXPECT_NE(problem_of("7:00-19:00").find("HH:MM-HH:MM"), std::string::npos);
  EXPECT_NE(problem_of("07:60-19:00").find("HH:MM-HH:MM"), std::string::npos);
  EXPECT_NE(problem_of("24:00-24:00").find("24:00"), std::string::npos);
  EXPECT_NE(problem_of("08:00-08:00").find("empty"), std::string::npos);
  EXPECT_NE(problem_of("08:00").find("HH:MM-HH:MM"), std::string::npos);
}

TimeProfile office() {
  TimeProfile p;
  p.name = "office";
  for (auto d : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday})
    p.week[d.c_encoding()] = {seg("07:00-12:00"), seg("13:00-19:00")};
  p.holidays.push_back({2026_y / 12 / 24, 2026_y / 12 / 26, {}});                 // closed
  p.holidays.push_back({2026_y / 12 / 31, 2026_y / 12 / 31, {seg("09:00-12:00")}});  // half day
  return p;
}

TEST(TimeProfile, SegmentBoundariesAreBeginInclusiveEndExclusive) {
  const auto p = office();
  const auto monday = 2026_y / 11 / 30;
  EXPECT_FALSE(p.allows({monday, 7 * 60 - 1}));
  EXPECT_TRUE(p.allows({monday, 7 * 60}));
  EXPECT_TRUE(p.allows({monday, 12 * 60 - 1}));
  EXPECT_FALSE(p.allows({monday, 12 * 60})) << "lunch";
  EXPECT_TRUE(p.allows({monday, 13 * 60}));
  EXPECT_FALSE(p.allows({monday, 19 * 60}));
  EXPECT_FALSE(p.allows({2026_y / 12 / 5, 10 * 60})) << "a Saturday";
}

TEST(TimeProfile, AHolidayOverridesTheWeekday) {
  const auto p = office();
  EXPECT_FALSE(p.allows({2026_y / 12 / 24, 10 * 60})) << "Thursday, but closed";
  EXPECT_FALSE(p.allows({2026_y / 12 / 25, 10 * 60}));
  EXPECT_TRUE(p.allows({2026_y / 12 / 31, 10 * 60})) << "the half day's morning";
  EXPECT_FALSE(p.allows({2026_y / 12 / 31, 14 * 60})) << "not its afternoon, though a Thursday";
  EXPECT_TRUE(p.allows({2027_y / 1 / 1, 10 * 60})) << "a Friday no holiday names: the week plan again";
  EXPECT_TRUE(p.allows({2026_y / 12 / 23, 14 * 60})) << "the day before the range";
}

TEST(TimeProfile, MidnightSplitAcrossTwoDays) {
  TimeProfile night;
  night.week[date::Friday.c_encoding()] = {seg("22:00-24:00")};
  night.week[date::Saturday.c_encoding()] = {seg("00:00-06:00")};
  EXPECT_TRUE(night.allows({2026_y / 12 / 4, 23 * 60 + 59}));
  EXPECT_TRUE(night.allows({2026_y / 12 / 5, 0}));
  EXPECT_TRUE(night.allows({2026_y / 12 / 5, 5 * 60 + 59}));
  EXPECT_FALSE(night.allows({2026_y / 12 / 5, 6 * 60}));
  EXPECT_FALSE(night.allows({2026_y / 12 / 4, 21 * 60 + 59}));
}

TEST(TimeProfile, HoldsForRunsToTheEndOfTouchingSegmentsAndPastMidnight) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  TimeProfile p;
  p.week[date::Friday.c_encoding()] = {seg("08:00-12:00"), seg("12:00-13:00"), seg("14:00-15:00"), seg("22:00-24:00")};
  p.week[date::Saturday.c_encoding()] = {seg("00:00-06:00")};
  const auto friday = 2026_y / 12 / 4;
  EXPECT_EQ(p.holds_for({friday, 8 * 60}), minutes(5 * 60)) << "12:00 joins 08:00-12:00 to 12:00-13:00";
  EXPECT_EQ(p.holds_for({friday, 12 * 60 + 59, 30}), seconds(30));
  EXPECT_EQ(p.holds_for({friday, 13 * 60}), seconds(0)) << "the end is exclusive";
  EXPECT_EQ(p.holds_for({friday, 7 * 60 + 59, 59}), seconds(0));
  EXPECT_EQ(p.holds_for({friday, 23 * 60}), minutes(60 + 6 * 60)) << "on into Saturday's 00:00-06:00";
  EXPECT_EQ(p.holds_for({2026_y / 12 / 5, 5 * 60 + 59, 1}), seconds(59));
}

}  // namespace
}  // namespace portier

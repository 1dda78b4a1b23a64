#include "access/scheduled_unlock.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace portier {
namespace {

using namespace date::literals;

// Office hours on weekdays 08:00-18:00; the door stays unlocked through
// them once the first member of staff is in. 2026-12-07 is a Monday.
std::shared_ptr<const AccessPolicy> first_in_policy(const char* unlocked) {
  return std::make_shared<const AccessPolicy>(parse_access_policy(nlohmann::json::parse(std::string(R"({
    "version": "t1",
    "profiles": {"office": {"week": {"mon": ["08:00-18:00"], "tue": ["08:00-18:00"]}}},
    "groups": {"staff": {"profile": "office"}},
    "door": {"mode": "face", "unlocked": )") + unlocked + "}}")));
}

LocalTime monday(int hour, int minute = 0) { return {2026_y / 12 / 7, hour * 60 + minute}; }
LocalTime tuesday(int hour, int minute = 0) { return {2026_y / 12 / 8, hour * 60 + minute}; }

TEST(ScheduledUnlock, AProfileRuleHoldsTheDoorOpenThroughItsWindow) {
  ScheduledUnlock schedule(first_in_policy(R"([{"profile": "office"}])"));
  EXPECT_TRUE(schedule.any_rules());
  EXPECT_FALSE(schedule.at(monday(7, 59)));
  const auto window = schedule.at(monday(9));
  ASSERT_TRUE(window);
  EXPECT_EQ(window->left, std::chrono::hours(9)) << "until 18:00";
  const auto notice = schedule.take_notice();
  ASSERT_TRUE(notice);
  EXPECT_NE(notice->find("office"), std::string::npos) << *notice;
  EXPECT_FALSE(schedule.take_notice()) << "once per change";
  EXPECT_FALSE(schedule.at(monday(18)));
  ASSERT_TRUE(schedule.take_notice()) << "locked again";
}

TEST(ScheduledUnlock, AFirstInWindowOpensOnlyForAMemberAndClosesWithItsDay) {
  ScheduledUnlock schedule(first_in_policy(R"([{"profile": "office", "first_in": "staff"}])"));
  EXPECT_FALSE(schedule.at(monday(9))) << "nobody is in yet";
  schedule.granted("visitor", {}, monday(9));
  EXPECT_FALSE(schedule.at(monday(9, 5))) << "a user outside the group opens nothing";
  schedule.granted("ann", {"staff"}, monday(9, 10));
  const auto window = schedule.at(monday(9, 10));
  ASSERT_TRUE(window);
  EXPECT_NE(window->why.find("ann"), std::string::npos) << window->why;
  EXPECT_FALSE(schedule.at(monday(19)));
  EXPECT_FALSE(schedule.at(tuesday(9))) << "the next day needs its own first person";
}

TEST(ScheduledUnlock, NoPolicyNoRules) {
  ScheduledUnlock schedule(nullptr);
  EXPECT_FALSE(schedule.any_rules());
  EXPECT_FALSE(schedule.at(monday(9)));
}

}  // namespace
}  // namespace portier

#include "access/user_groups.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(UserGroups, NamesAreShortAndPlain) {
  EXPECT_FALSE(group_name_problem("staff"));
  EXPECT_FALSE(group_name_problem("night-shift_2.b"));
  EXPECT_FALSE(group_name_problem(std::string(64, 'g')));
  EXPECT_TRUE(group_name_problem(""));
  EXPECT_TRUE(group_name_problem(std::string(65, 'g')));
  EXPECT_TRUE(group_name_problem("staff room"));
  EXPECT_TRUE(group_name_problem("staff/"));
}

TEST(UserGroups, EachUsersGroupsAndNoneForOthers) {
  UserGroups groups;
  groups.add(1, "staff");
  groups.add(1, "night");
  groups.add(2, "contractors");
  EXPECT_EQ(groups.of(1), (std::vector<std::string>{"staff", "night"}));
  EXPECT_EQ(groups.of(2), (std::vector<std::string>{"contractors"}));
  EXPECT_TRUE(groups.of(3).empty()) << "a user in no group, whom no schedule restricts";
}

}  // namespace
}  // namespace portier

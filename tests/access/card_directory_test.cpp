#include "access/card_directory.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(CardNumber, DigitsAndUpperCaseHexUpTo32AreCards) {
  EXPECT_FALSE(card_number_problem("0004567123"));
  EXPECT_FALSE(card_number_problem("00AB12CD"));
  EXPECT_FALSE(card_number_problem(std::string(32, '9')));
  EXPECT_TRUE(card_number_problem(""));
  EXPECT_TRUE(card_number_problem(std::string(33, '9')));
  EXPECT_TRUE(card_number_problem("00ab12cd")) << "lower case is not how a reader delivers it";
  EXPECT_TRUE(card_number_problem("12 34"));
}

TEST(CardNumber, EventsShowAtMostTheLastFourAndNeverMoreThanHalf) {
  EXPECT_EQ(mask_card_number("0004567123"), "******7123");
  EXPECT_EQ(mask_card_number("12"), "*2");
  EXPECT_EQ(mask_card_number("123456"), "***456");
  EXPECT_EQ(mask_card_number("7"), "*");
}

TEST(CardDirectory, FindsTheHolderAndKnowsWhoHoldsACard) {
  CardDirectory cards;
  cards.add("1001", {1, "ann", {}});
  cards.add("2002", {2, "bob", {}});
  ASSERT_NE(cards.find("1001"), nullptr);
  EXPECT_EQ(cards.find("1001")->name, "ann");
  EXPECT_EQ(cards.find("3003"), nullptr);
  EXPECT_EQ(cards.size(), 2u);
  EXPECT_TRUE(cards.holds_a_card(2));
  EXPECT_FALSE(cards.holds_a_card(3));
  cards.add("1001", {2, "bob", {}});
  EXPECT_EQ(cards.find("1001")->name, "bob") << "a card has one holder: the last one given";
}

}  // namespace
}  // namespace portier

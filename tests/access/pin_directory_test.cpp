#include "access/pin_directory.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(PinNumber, FourToTwelveDigits) {
  EXPECT_FALSE(pin_problem("1234"));
  EXPECT_FALSE(pin_problem("123456789012"));
  EXPECT_NE(pin_problem("123").value_or("").find("4 to 12 digits"), std::string::npos);
  EXPECT_TRUE(pin_problem("1234567890123"));
  EXPECT_NE(pin_problem("12a4").value_or("").find("only the digits"), std::string::npos);
  EXPECT_TRUE(pin_problem("12 34"));
}

TEST(PinHash, IsSaltedArgon2idAndMatchesOnlyItsPin) {
  const auto a = hash_pin("4711", minimal_pin_cost());
  const auto b = hash_pin("4711", minimal_pin_cost());
  EXPECT_EQ(a.rfind("$argon2id$", 0), 0u) << a;
  EXPECT_NE(a, b) << "salted: the same PIN hashes differently";
  EXPECT_EQ(a.find("4711"), std::string::npos);
  EXPECT_TRUE(pin_matches(a, "4711"));
  EXPECT_TRUE(pin_matches(b, "4711"));
  EXPECT_FALSE(pin_matches(a, "4712"));
  EXPECT_FALSE(pin_matches(a, "47110"));
  EXPECT_FALSE(pin_matches("not a hash", "4711"));
}

TEST(PinDirectory, TellsTheUsualPinFromTheDuressPin) {
  PinDirectory pins;
  pins.add(1, {hash_pin("1111", minimal_pin_cost()), hash_pin("9999", minimal_pin_cost())});
  pins.add(2, {hash_pin("2222", minimal_pin_cost()), ""});
  EXPECT_EQ(pins.check(1, "1111"), PinCheck::Right);
  EXPECT_EQ(pins.check(1, "9999"), PinCheck::Duress);
  EXPECT_EQ(pins.check(1, "2222"), PinCheck::Wrong) << "bob's PIN is not ann's";
  EXPECT_EQ(pins.check(2, "2222"), PinCheck::Right);
  EXPECT_EQ(pins.check(2, "9999"), PinCheck::Wrong);
  EXPECT_EQ(pins.check(3, "1111"), PinCheck::NotSet);
  EXPECT_TRUE(pins.has_pin(2));
  EXPECT_FALSE(pins.has_pin(3));
}

}  // namespace
}  // namespace portier

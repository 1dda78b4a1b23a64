#include "console/sessions.h"

#include <gtest/gtest.h>

#include <set>

namespace portier {
namespace {

using namespace std::chrono_literals;
const SteadyTime t0 = SteadyTime(1000s);

TEST(ConsoleTokens, AreRandomHexOf32BytesAndComparedWhole) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto t = random_token();
    EXPECT_EQ(t.size(), 64u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(seen.insert(t).second);
  }
  const auto t = random_token();
  EXPECT_TRUE(same_token(t, t));
  EXPECT_FALSE(same_token(t, t.substr(0, 63) + (t.back() == 'a' ? "b" : "a")));
  EXPECT_FALSE(same_token(t, t.substr(0, 32)));
  EXPECT_FALSE(same_token("", "")) << "an empty token is never a match";
}

TEST(ConsoleSessions, EndAfterTheIdleTimeoutOrTheAbsoluteOne) {
  ConsoleSessions sessions(15min, 8h);
  const auto s = sessions.open("ann", t0);
  EXPECT_NE(s.token, s.csrf);
  ASSERT_TRUE(sessions.find(s.token, t0 + 14min));
  ASSERT_TRUE(sessions.find(s.token, t0 + 28min)) << "each request restarts the idle clock";
  EXPECT_FALSE(sessions.find(s.token, t0 + 28min + 15min)) << "idle too long";
  EXPECT_FALSE(sessions.find(s.token, t0 + 29min)) << "a timed-out session is forgotten";

  const auto busy = sessions.open("ann", t0);
  for (auto t = t0; t < t0 + 8h - 10min; t += 10min) ASSERT_TRUE(sessions.find(busy.token, t));
  EXPECT_FALSE(sessions.find(busy.token, t0 + 8h)) << "however busy, 8 h ends it";
  EXPECT_FALSE(sessions.find("not-a-token", t0));
}

TEST(ConsoleSessions, LogoutAndAccountChangesEndThem) {
  ConsoleSessions sessions;
  const auto a = sessions.open("ann", t0), b = sessions.open("ann", t0), c = sessions.open("bob", t0);
  sessions.close(a.token);
  EXPECT_FALSE(sessions.find(a.token, t0));
  EXPECT_TRUE(sessions.find(b.token, t0));
  sessions.close_all_of("ann");
  EXPECT_FALSE(sessions.find(b.token, t0));
  EXPECT_TRUE(sessions.find(c.token, t0));
}

TEST(LoginLimiter, FiveFailuresInAMinuteBlockTheAccountAndTheAddressFor30s) {
  LoginLimiter limiter;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.failed("ann", "10.0.0.5", t0 + std::chrono::seconds(i)));
  EXPECT_FALSE(limiter.blocked("ann", "10.0.0.5", t0 + 4s));
  EXPECT_TRUE(limiter.failed("ann", "10.0.0.5", t0 + 5s)) << "the fifth starts a block (the alert)";
  EXPECT_TRUE(limiter.blocked("ann", "10.0.0.5", t0 + 6s));
  EXPECT_TRUE(limiter.blocked("ann", "10.9.9.9", t0 + 6s)) << "the account, from anywhere";
  EXPECT_TRUE(limiter.blocked("bob", "10.0.0.5", t0 + 6s)) << "the address, for any account";
  EXPECT_FALSE(limiter.blocked("bob", "10.9.9.9", t0 + 6s));
  EXPECT_FALSE(limiter.blocked("ann", "10.0.0.5", t0 + 35s)) << "30 s later";
}

TEST(LoginLimiter, FailuresSpreadWiderThanAMinuteOrASuccessDoNotBlock) {
  LoginLimiter limiter;
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.failed("ann", "a", t0 + std::chrono::seconds(i * 20)));
  EXPECT_FALSE(limiter.blocked("ann", "a", t0 + 200s));
  for (int i = 0; i < 4; ++i) limiter.failed("bob", "b", t0);
  limiter.succeeded("bob", "b");
  EXPECT_FALSE(limiter.failed("bob", "b", t0)) << "the count starts again after a success";
}

}  // namespace
}  // namespace portier

#include "access/lockout.h"

#include "access/access_event.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

using namespace std::chrono_literals;
const Clock::time_point t0 = Clock::time_point(1000s);

Decision denial(Verdict v) {
  Decision d;
  d.verdict = v;
  return d;
}

TEST(Lockout, FiveDeniedAttemptsWithinTheWindowLockTheDoorForItsDuration) {
  Lockout lockout({5, 50s, 30s, false});
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(lockout.record(denial(Verdict::DeniedCardUnknown), t0 + i * 10s));
  EXPECT_FALSE(lockout.locked(t0 + 40s));
  const auto alert = lockout.record(denial(Verdict::DeniedWrongFaceForCard), t0 + 49s);
  ASSERT_TRUE(alert);
  EXPECT_NE(alert->find("5 denied attempts within 50 s"), std::string::npos) << *alert;
  EXPECT_NE(alert->find("denied_wrong_face_for_card"), std::string::npos) << *alert;
  EXPECT_TRUE(lockout.locked(t0 + 49s));
  EXPECT_TRUE(lockout.locked(t0 + 78s));
  EXPECT_FALSE(lockout.locked(t0 + 79s)) << "30 s from the fifth denial";
}

TEST(Lockout, AttemptsSpreadWiderThanTheWindowDoNotLock) {
  Lockout lockout({5, 50s, 30s, false});
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(lockout.record(denial(Verdict::DeniedSpoof), t0 + i * 13s)) << i;
  EXPECT_FALSE(lockout.locked(t0 + 300s));
}

TEST(Lockout, DenialsWhileLockedDoNotProlongIt) {
  Lockout lockout({2, 50s, 30s, false});
  lockout.record(denial(Verdict::DeniedCardUnknown), t0);
  ASSERT_TRUE(lockout.record(denial(Verdict::DeniedCardUnknown), t0 + 1s));
  for (int i = 2; i < 30; ++i) EXPECT_FALSE(lockout.record(denial(Verdict::DeniedCardUnknown), t0 + i * 1s));
  EXPECT_FALSE(lockout.locked(t0 + 31s));
  EXPECT_FALSE(lockout.record(denial(Verdict::DeniedCardUnknown), t0 + 31s)) << "the count starts afresh";
}

TEST(Lockout, OnlyInvalidAttemptsCount) {
  Lockout lockout({1, 50s, 30s, false});
  for (auto v : {Verdict::Granted, Verdict::DeniedSecondFactorTimeout, Verdict::DeniedDisarmed, Verdict::DeniedOther,
                 Verdict::DeniedUnknown})
    EXPECT_FALSE(lockout.record(denial(v), t0)) << to_string(v);
  EXPECT_FALSE(lockout.locked(t0));
  Lockout strict({1, 50s, 30s, true});
  EXPECT_TRUE(strict.record(denial(Verdict::DeniedUnknown), t0)) << "unknown faces count when asked";
  Lockout off({0, 50s, 30s, true});
  EXPECT_FALSE(off.record(denial(Verdict::DeniedSpoof), t0));
  EXPECT_FALSE(off.locked(t0));
}

}  // namespace
}  // namespace portier

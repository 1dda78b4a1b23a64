#include "access/decision_policy.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

const DecisionOptions kOptions = [] {
  DecisionOptions o;
  o.threshold = 0.5f;
  o.grant_frames = 3;
  o.deny_frames = 4;
  o.max_frames = 10;
  return o;
}();

FaceObservation sample(std::uint64_t track) {
  FaceObservation s;
  s.track_id = track;
  return s;
}
std::optional<IdentityMatch> match(std::int64_t user, float distance) {
  return IdentityMatch{user, "user" + std::to_string(user), distance};
}

TEST(DecisionPolicy, GrantsAfterConsecutiveMatchesOfOneUser) {
  DecisionPolicy policy(kOptions);
  EXPECT_FALSE(policy.observe(sample(1), match(7, 0.3f), {}));
  EXPECT_FALSE(policy.observe(sample(1), match(7, 0.4f), {}));
  const auto d = policy.observe(sample(1), match(7, 0.35f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted);
  EXPECT_EQ(d->user_id, 7);
  EXPECT_EQ(d->user_name, "user7");
  EXPECT_EQ(d->frames_used, 3);
  EXPECT_NEAR(*d->distance, 0.35f, 1e-6);
}

TEST(DecisionPolicy, TheScoreRuleRefusesAFaceAsNearItsRunnerUpAsItsNearest) {
  DecisionPolicy policy(kOptions);
  AcceptanceRule rule;
  rule.threshold = 0.6;
  rule.score_threshold = 0.2;
  policy.set_rule(rule);
  // 0.35 with the runner-up at 0.45: score 0.25, not accepted; a stranger near
  // two users alike is denied, however near the first.
  std::optional<Decision> d;
  for (int i = 0; i < 4 && !d; ++i) d = policy.observe(sample(1), match(7, 0.35f), 0.45f, {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::DeniedUnknown);
  // 0.45 with the runner-up at 0.75: score 0.15, accepted though farther.
  for (int i = 0; i < 3 && !(d = policy.observe(sample(2), match(7, 0.45f), 0.75f, {})); ++i) {
  }
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted);
  // Beyond the distance ceiling nothing is accepted, whatever the lead.
  for (int i = 0; i < 4 && !(d = policy.observe(sample(3), match(7, 0.62f), 1.2f, {})); ++i) {
  }
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::DeniedUnknown);
  // With nobody else enrolled the distance alone decides.
  for (int i = 0; i < 3 && !(d = policy.observe(sample(4), match(7, 0.55f), std::nullopt, {})); ++i) {
  }
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted);
}

TEST(DecisionPolicy, NeverGrantsOnAlternatingIdentities) {
  DecisionPolicy policy(kOptions);
  std::optional<Decision> d;
  for (int i = 0; i < 9 && !d; ++i) d = policy.observe(sample(1), match(i % 2 ? 1 : 2, 0.3f), {});
  EXPECT_FALSE(d);
  d = policy.observe(sample(1), match(1, 0.3f), {});
  ASSERT_TRUE(d) << "max_frames reached";
  EXPECT_EQ(d->verdict, Verdict::DeniedOther);
  EXPECT_FALSE(d->user_id);
}

TEST(DecisionPolicy, MatchesOutsideTheThresholdDenyAsUnknown) {
  DecisionPolicy policy(kOptions);
  std::optional<Decision> d;
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(d);
    d = policy.observe(sample(1), match(7, 0.5f + 0.01f * static_cast<float>(i)), {});
  }
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::DeniedUnknown);
  EXPECT_FALSE(d->user_id) << "an unknown face is never attributed to a user";
  EXPECT_NEAR(*d->distance, 0.5f, 1e-6) << "the nearest distance seen";
}

TEST(DecisionPolicy, EmptyGalleryDeniesUnknown) {
  DecisionPolicy policy(kOptions);
  std::optional<Decision> d;
  for (int i = 0; i < 4; ++i) d = policy.observe(sample(1), std::nullopt, {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::DeniedUnknown);
  EXPECT_FALSE(d->distance);
}

TEST(DecisionPolicy, AGrantedTrackIsNotGrantedAgainUntilItLeaves) {
  DecisionPolicy policy(kOptions);
  for (int i = 0; i < 3; ++i) policy.observe(sample(1), match(7, 0.3f), {});
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(policy.observe(sample(1), match(7, 0.3f), {}));
  policy.forget(1);
  std::optional<Decision> d;
  for (int i = 0; i < 3; ++i) d = policy.observe(sample(1), match(7, 0.3f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted);
}

TEST(DecisionPolicy, ADeniedTrackCanStillBeGrantedButNotDeniedTwice) {
  DecisionPolicy policy(kOptions);
  for (int i = 0; i < 4; ++i) policy.observe(sample(1), match(7, 0.9f), {});
  for (int i = 0; i < 8; ++i) EXPECT_FALSE(policy.observe(sample(1), match(7, 0.9f), {}));
  std::optional<Decision> d;
  for (int i = 0; i < 3; ++i) d = policy.observe(sample(1), match(7, 0.3f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted);
}

TEST(DecisionPolicy, TracksAreIndependent) {
  DecisionPolicy policy(kOptions);
  policy.observe(sample(1), match(7, 0.3f), {});
  policy.observe(sample(2), match(8, 0.3f), {});
  policy.observe(sample(1), match(7, 0.3f), {});
  policy.observe(sample(2), match(8, 0.3f), {});
  const auto d1 = policy.observe(sample(1), match(7, 0.3f), {});
  const auto d2 = policy.observe(sample(2), match(8, 0.3f), {});
  ASSERT_TRUE(d1 && d2);
  EXPECT_EQ(d1->user_id, 7);
  EXPECT_EQ(d2->user_id, 8);
}

TEST(DecisionPolicy, ANonMatchBreaksTheStreak) {
  DecisionPolicy policy(kOptions);
  policy.observe(sample(1), match(7, 0.3f), {});
  policy.observe(sample(1), match(7, 0.3f), {});
  EXPECT_FALSE(policy.observe(sample(1), match(7, 0.8f), {}));
  EXPECT_FALSE(policy.observe(sample(1), match(7, 0.3f), {}));
  EXPECT_FALSE(policy.observe(sample(1), match(7, 0.3f), {}));
  EXPECT_TRUE(policy.observe(sample(1), match(7, 0.3f), {}));
}

// Liveness on: threshold 0.5 over the last 3 scored frames, at least 2.
const DecisionOptions kLiveOptions = [] {
  DecisionOptions o = kOptions;
  o.liveness_threshold = 0.5;
  o.liveness_frames = 3;
  o.liveness_min_frames = 2;
  return o;
}();

FaceObservation scored(std::uint64_t track, std::optional<double> liveness) {
  FaceObservation s = sample(track);
  s.liveness = liveness;
  s.evidence = cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(7));
  return s;
}

TEST(DecisionPolicyLiveness, GrantsAMatchedLiveFace) {
  DecisionPolicy policy(kLiveOptions);
  std::optional<Decision> d;
  for (int i = 0; i < 3 && !d; ++i) d = policy.observe(scored(1, 0.9), match(7, 0.3f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted);
  EXPECT_NEAR(*d->liveness, 0.9, 1e-9) << "the track's median, not one frame's";
}

TEST(DecisionPolicyLiveness, NeverGrantsWithoutALiveVerdict) {
  DecisionPolicy policy(kLiveOptions);
  std::optional<Decision> d;
  for (int i = 0; i < 9 && !d; ++i) d = policy.observe(scored(1, std::nullopt), match(7, 0.3f), {});
  EXPECT_FALSE(d) << "unscored frames give no verdict, and without one no grant";
  d = policy.observe(scored(1, std::nullopt), match(7, 0.3f), {});
  ASSERT_TRUE(d) << "max_frames";
  EXPECT_EQ(d->verdict, Verdict::DeniedOther);
  EXPECT_NE(d->reason.find("no liveness verdict"), std::string::npos) << d->reason;
}

TEST(DecisionPolicyLiveness, APhotoOfAnEnrolledUserIsDeniedAsASpoofWithEvidence) {
  DecisionPolicy policy(kLiveOptions);
  EXPECT_FALSE(policy.observe(scored(1, 0.1), match(7, 0.3f), {}));
  const auto d = policy.observe(scored(1, 0.2), match(7, 0.3f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::DeniedSpoof);
  EXPECT_EQ(d->user_name, "user7") << "whom the attack impersonates";
  EXPECT_NEAR(*d->liveness, 0.15, 1e-9);
  EXPECT_FALSE(d->evidence.empty());
  EXPECT_NE(d->reason.find("presentation attack"), std::string::npos);
}

TEST(DecisionPolicyLiveness, ASpoofTrackIsNeverGrantedHoweverThePhotoMoves) {
  DecisionPolicy policy(kLiveOptions);
  policy.observe(scored(1, 0.1), match(7, 0.3f), {});
  ASSERT_TRUE(policy.observe(scored(1, 0.1), match(7, 0.3f), {}));
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(policy.observe(scored(1, 0.99), match(7, 0.3f), {}));
  policy.forget(1);
  std::optional<Decision> d;
  for (int i = 0; i < 3 && !d; ++i) d = policy.observe(scored(1, 0.99), match(7, 0.3f), {});
  ASSERT_TRUE(d) << "after leaving the view, a new attempt is judged afresh";
  EXPECT_EQ(d->verdict, Verdict::Granted);
}

TEST(DecisionPolicyLiveness, OneBadFrameAmongLiveOnesDoesNotDeny) {
  DecisionPolicy policy(kLiveOptions);
  EXPECT_FALSE(policy.observe(scored(1, 0.9), match(7, 0.3f), {}));
  EXPECT_FALSE(policy.observe(scored(1, 0.3), match(7, 0.3f), {})) << "median 0.6: live, but only 2 matches";
  const auto d = policy.observe(scored(1, 0.8), match(7, 0.3f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted);
}

TEST(DecisionPolicyLiveness, OneBlackFrameCannotDenyAVisitorThatAMeanWouldDeny) {
  DecisionOptions o = kLiveOptions;
  o.liveness_min_frames = 3;
  DecisionPolicy policy(o);
  // The mean of 0.55, 0.0, 0.55 is 0.37, below the threshold 0.5; the median
  // stays 0.55.
  EXPECT_FALSE(policy.observe(scored(1, 0.55), match(7, 0.3f), {}));
  EXPECT_FALSE(policy.observe(scored(1, 0.0), match(7, 0.3f), {}));
  const auto d = policy.observe(scored(1, 0.55), match(7, 0.3f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Granted) << d->reason;
  EXPECT_NEAR(*d->liveness, 0.55, 1e-9);
}

TEST(DecisionPolicyLiveness, OneGlintOnAPhotoCannotOpenTheDoor) {
  DecisionOptions o = kLiveOptions;
  o.liveness_min_frames = 3;
  DecisionPolicy policy(o);
  // 0.2, 1.0, 0.4: a mean of 0.53 would pass 0.5; the median 0.4 does not.
  EXPECT_FALSE(policy.observe(scored(1, 0.2), match(7, 0.3f), {}));
  EXPECT_FALSE(policy.observe(scored(1, 1.0), match(7, 0.3f), {}));
  const auto d = policy.observe(scored(1, 0.4), match(7, 0.3f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::DeniedSpoof);
  EXPECT_NEAR(*d->liveness, 0.4, 1e-9);
}

TEST(DecisionPolicyLiveness, AnUnknownSpoofIsReportedAsASpoofNotAsUnknown) {
  DecisionPolicy policy(kLiveOptions);
  EXPECT_FALSE(policy.observe(scored(1, 0.05), match(7, 0.9f), {}));
  const auto d = policy.observe(scored(1, 0.05), match(7, 0.9f), {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::DeniedSpoof);
  EXPECT_FALSE(d->user_id);
}

}  // namespace
}  // namespace portier

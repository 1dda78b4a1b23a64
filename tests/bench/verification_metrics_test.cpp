#include "bench/verification_metrics.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

std::vector<PairScore> separable(int n) {
  std::vector<PairScore> pairs;
  for (int i = 0; i < n; ++i) pairs.push_back({i % 2 ? 0.3 + 0.001 * i : 0.8 + 0.001 * i, i % 2 == 1, true});
  return pairs;
}

TEST(Verification, PerfectlySeparablePairs) {
  const auto r = evaluate_verification(separable(200));
  EXPECT_EQ(r.pairs, 200u);
  EXPECT_DOUBLE_EQ(r.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r.accuracy_std, 0.0);
  EXPECT_DOUBLE_EQ(r.eer, 0.0);
  EXPECT_DOUBLE_EQ(r.tar_at_far_1e3, 1.0);
  EXPECT_GT(r.best_threshold, 0.5);
  EXPECT_LT(r.best_threshold, 0.81);
  EXPECT_EQ(r.fold_accuracy.size(), 10u);
}

TEST(Verification, AnUndetectedPairIsAnErrorEvenWhenImpostor) {
  auto pairs = separable(100);
  pairs[0].detected = false;  // an impostor pair
  pairs[1].detected = false;  // a genuine pair
  const auto r = evaluate_verification(pairs);
  EXPECT_NEAR(r.accuracy, 0.98, 1e-9);
  EXPECT_NEAR(r.fold_accuracy[0], 0.8, 1e-9) << "both errors fall in the first fold";
  EXPECT_NEAR(r.tar_at_far_1e3, 49.0 / 50.0, 1e-9);
}

TEST(Verification, OverlappingScoresGiveTheExpectedEer) {
  // Genuine at 0.1..1.0, impostor at 0.6..1.5: 5 of 10 of each side overlap.
  std::vector<PairScore> pairs;
  for (int i = 1; i <= 10; ++i) {
    pairs.push_back({0.1 * i, true, true});
    pairs.push_back({0.5 + 0.1 * i, false, true});
  }
  const auto r = evaluate_verification(pairs);
  EXPECT_NEAR(r.eer, 0.25, 0.051);
  EXPECT_DOUBLE_EQ(r.tar_at_far_1e3, 0.5) << "no false accept allowed: accept below the smallest impostor";
}

TEST(Verification, ThresholdIsChosenOnTheOtherFolds) {
  // The fold under test would prefer another threshold; it must not get it.
  std::vector<PairScore> pairs;
  for (int i = 0; i < 90; ++i) pairs.push_back({i % 2 ? 0.2 : 0.9, i % 2 == 1, true});
  for (int i = 0; i < 10; ++i) pairs.push_back({0.95, true, true});  // fold 10: genuine, far away
  const auto r = evaluate_verification(pairs);
  EXPECT_DOUBLE_EQ(r.fold_accuracy[9], 0.0);
  EXPECT_DOUBLE_EQ(r.fold_accuracy[0], 1.0);
}

}  // namespace
}  // namespace portier

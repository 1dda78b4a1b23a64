#include "bench/liveness_metrics.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(LivenessMetrics, CountsAttacksAcceptedAndLiveFacesRejected) {
  const std::vector<LivenessResult> r{
      {0.9, true, true}, {0.8, true, true}, {0.3, true, true}, {0.0, true, false},  // live: one low, one without a face
      {0.1, false, true}, {0.7, false, true}, {0.2, false, true}, {0.0, false, false}};
  const auto report = evaluate_liveness(r, 0.5);
  EXPECT_EQ(report.images, 8u);
  EXPECT_EQ(report.no_face, 2u);
  EXPECT_DOUBLE_EQ(report.apcer, 1.0 / 4) << "one attack of four got through; the faceless one was rejected";
  EXPECT_DOUBLE_EQ(report.bpcer, 2.0 / 4) << "the low live face and the live image without a face";
  EXPECT_DOUBLE_EQ(report.acer, (0.25 + 0.5) / 2);
}

TEST(LivenessMetrics, PerfectSeparationHasNoErrorAtAGoodThreshold) {
  std::vector<LivenessResult> r;
  for (int i = 0; i < 50; ++i) {
    r.push_back({0.6 + i * 0.001, true, true});
    r.push_back({0.4 - i * 0.001, false, true});
  }
  const auto report = evaluate_liveness(r, 0.5);
  EXPECT_EQ(report.apcer, 0.0);
  EXPECT_EQ(report.bpcer, 0.0);
  EXPECT_EQ(report.eer, 0.0);
  EXPECT_EQ(report.apcer_at_bpcer_1, 0.0);
  ASSERT_FALSE(report.roc.empty());
  for (size_t i = 1; i < report.roc.size(); ++i) {
    EXPECT_LE(report.roc[i].apcer, report.roc[i - 1].apcer) << "a higher threshold lets fewer attacks through";
    EXPECT_GE(report.roc[i].bpcer, report.roc[i - 1].bpcer);
  }
}

TEST(LivenessMetrics, OverlapGivesTheEqualErrorRate) {
  std::vector<LivenessResult> r;
  for (int i = 0; i < 100; ++i) {
    r.push_back({i / 100.0 + 0.1, true, true});  // 0.10 .. 1.09
    r.push_back({i / 100.0, false, true});       // 0.00 .. 0.99
  }
  const auto report = evaluate_liveness(r, 0.5);
  EXPECT_NEAR(report.eer, 0.45, 0.02);
}

TEST(LivenessMetrics, TheThresholdAtABpcerRejectsThatShareOfLiveScores) {
  std::vector<double> live;
  for (int i = 0; i < 100; ++i) live.push_back(i / 100.0);
  const double t = threshold_at_bpcer(live, 0.05);
  EXPECT_EQ(std::count_if(live.begin(), live.end(), [t](double s) { return s < t; }), 5);
}

}  // namespace
}  // namespace portier

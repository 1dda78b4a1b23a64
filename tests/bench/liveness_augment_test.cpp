#include "bench/liveness_augment.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

namespace portier {
namespace {

cv::Mat textured(int width, int height) {
  cv::Mat image(height, width, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  return image;
}

TEST(LivenessAugment, TheSameSeedGivesTheSameViewAndAnotherSeedAnother) {
  const cv::Mat frame = textured(320, 240);
  const cv::Rect box(120, 80, 80, 80);
  const auto a = augment_view(frame, box, false, 42);
  const auto b = augment_view(frame, box, false, 42);
  const auto c = augment_view(frame, box, false, 43);
  ASSERT_EQ(a.image.size(), b.image.size());
  EXPECT_EQ(cv::norm(a.image, b.image, cv::NORM_INF), 0.0);
  EXPECT_EQ(a.box, b.box);
  EXPECT_TRUE(a.image.size() != c.image.size() || cv::norm(a.image, c.image, cv::NORM_L1) > 0);
}

TEST(LivenessAugment, FramesShrinkAtMostToSixtyPercentAndTheBoxFollows) {
  const cv::Mat frame = textured(400, 300);
  const cv::Rect box(150, 100, 100, 100);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto v = augment_view(frame, box, false, seed);
    ASSERT_EQ(v.image.type(), CV_8UC3);
    EXPECT_GE(v.image.cols, 239);
    EXPECT_LE(v.image.cols, 400);
    const double scale = static_cast<double>(v.image.cols) / frame.cols;
    EXPECT_NEAR(v.box.x, box.x * scale, 2.0) << seed;
    EXPECT_NEAR(v.box.width, box.width * scale, 2.0) << seed;
  }
}

TEST(LivenessAugment, CropsTakeTheSizesOfAnotherCamerasCrops) {
  const cv::Mat crop = textured(420, 420);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto v = augment_view(crop, cv::Rect(0, 0, 420, 420), true, seed);
    EXPECT_GE(v.image.cols, 86) << seed;
    EXPECT_LE(v.image.cols, 185) << seed;
  }
}

}  // namespace
}  // namespace portier

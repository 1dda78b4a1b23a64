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

TEST(LivenessAugment, FramesShrinkToSixtyPercentOrToASmallFaceAndTheBoxFollows) {
  const cv::Mat frame = textured(800, 600);
  const cv::Rect box(300, 200, 200, 200);
  int small_faces = 0, large_frames = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto v = augment_view(frame, box, false, seed);
    ASSERT_EQ(v.image.type(), CV_8UC3);
    const double scale = static_cast<double>(v.image.cols) / frame.cols;
    EXPECT_NEAR(v.box.x, box.x * scale, 2.0) << seed;
    EXPECT_NEAR(v.box.width, box.width * scale, 2.0) << seed;
    // 60-100% of the frame (a 120-200 px face here), or a face 64-160 px wide.
    const bool share_of_frame = v.image.cols >= 479 && v.image.cols <= 800;
    const bool small_face = v.box.width >= 63 && v.box.width <= 161;
    EXPECT_TRUE(share_of_frame || small_face) << seed << ": " << v.image.cols << " px, face " << v.box.width;
    small_faces += v.box.width < 119;
    large_frames += v.box.width > 161;
  }
  EXPECT_GT(small_faces, 5) << "faces smaller than 60% of the frame's";
  EXPECT_GT(large_frames, 5) << "frames at 60-100%";
}

TEST(LivenessAugment, AFrameIsNeverEnlargedForASmallFace) {
  const cv::Mat frame = textured(200, 150);
  const cv::Rect box(80, 50, 40, 40);  // smaller than 64 px already
  for (std::uint64_t seed = 1; seed <= 20; ++seed) EXPECT_LE(augment_view(frame, box, false, seed).image.cols, 200) << seed;
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

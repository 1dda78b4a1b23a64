#include "models/image_distortion.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace portier {
namespace {

cv::Mat textured_face() {
  cv::Mat face(96, 96, CV_8UC3);
  cv::randu(face, cv::Scalar(60, 90, 150), cv::Scalar(120, 150, 220));  // skin-ish, with fine detail
  return face;
}

TEST(DistortionCues, BlurringAFaceRaisesTheBlurCueAndLowersTheLaplacian) {
  const cv::Mat sharp = textured_face();
  cv::Mat blurred;
  cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 2.0);
  const auto s = distortion_cues(sharp), b = distortion_cues(blurred);
  EXPECT_GT(b.blur, s.blur);
  EXPECT_LT(b.log_laplacian_variance, s.log_laplacian_variance - 1.0);
}

TEST(DistortionCues, AHighlightIsSpecularAndAMattePatchIsNot) {
  cv::Mat matte(96, 96, CV_8UC3, cv::Scalar(90, 120, 180));
  EXPECT_EQ(distortion_cues(matte).specular_fraction, 0.0);
  cv::Mat shiny = matte.clone();
  cv::circle(shiny, {48, 40}, 6, cv::Scalar(250, 250, 252), cv::FILLED);
  const auto cues = distortion_cues(shiny);
  EXPECT_GT(cues.specular_fraction, 0.005);
  EXPECT_GT(cues.specular_mean, 0.1);
}

TEST(DistortionCues, AWashedOutImageHasLessSaturation) {
  const cv::Mat vivid(96, 96, CV_8UC3, cv::Scalar(40, 80, 200));
  const cv::Mat washed(96, 96, CV_8UC3, cv::Scalar(150, 160, 190));
  EXPECT_GT(distortion_cues(vivid).saturation_mean, distortion_cues(washed).saturation_mean + 0.2);
  EXPECT_DOUBLE_EQ(distortion_cues(vivid).saturation_peak, 1.0) << "one colour fills one histogram bin";
}

TEST(DistortionCues, RefusesGreyAndTinyImages) {
  EXPECT_THROW(distortion_cues(cv::Mat(96, 96, CV_8UC1, cv::Scalar(0))), std::invalid_argument);
  EXPECT_THROW(distortion_cues(cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(0))), std::invalid_argument);
}

}  // namespace
}  // namespace portier

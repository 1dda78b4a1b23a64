#include "models/texture_stem.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace portier {
namespace {

// Weights whose every filter but one is zero; that one copies the red
// channel's pixel at its top-left tap (gamma 1, beta 0, no bias).
TextureStemWeights picking_red() {
  TextureStemWeights w;
  w.filters.assign(TextureStemWeights::kFilters * TextureStemWeights::kTaps, 0.0f);
  w.biases.assign(TextureStemWeights::kFilters, 0.0f);
  w.gamma.assign(TextureStemWeights::kFilters, 1.0f);
  w.beta.assign(TextureStemWeights::kFilters, 0.0f);
  w.filters[0] = 1.0f;  // filter 0, channel R, tap (0, 0)
  w.rgb_mean = {0.0f, 0.0f, 0.0f};
  return w;
}

TEST(TextureStem, ComputesConvolutionAffineReluAndMaxPoolAsTheNetworkDoes) {
  // 17x17: the convolution (7x7, stride 2) gives 6x6, the pool (3x3, stride 2) 2x2.
  cv::Mat image(17, 17, CV_8UC3, cv::Scalar(0, 0, 0));
  // Red 256 at (row 2, column 8) only: convolution output (1, 4) sees it at its top-left tap.
  image.at<cv::Vec3b>(2, 8) = {0, 0, 255};
  const TextureStem stem(picking_red());
  const auto d = stem.describe(image);
  // Pooled cell (py, px) covers outputs 2py..2py+2 x 2px..2px+2, so output
  // (1, 4) = 255/256 is in pooled (0, 1) only: one of the four pooled values.
  const double v = 255.0 / 256.0;
  EXPECT_NEAR(d[0], v / 4, 1e-6);
  EXPECT_NEAR(d[1], std::sqrt(v * v / 4 - (v / 4) * (v / 4)), 1e-6);
  for (size_t i = 2; i < d.size(); ++i) EXPECT_EQ(d[i], 0.0f) << i;
}

TEST(TextureStem, TheReluDropsNegativeResponses) {
  auto w = picking_red();
  w.gamma[0] = -1.0f;  // every response becomes <= 0
  cv::Mat image(32, 32, CV_8UC3, cv::Scalar(50, 100, 200));
  const auto d = TextureStem(w).describe(image);
  EXPECT_EQ(d[0], 0.0f);
  EXPECT_EQ(d[1], 0.0f);
}

TEST(TextureStem, RefusesWrongWeightsAndImages) {
  auto w = picking_red();
  w.biases.pop_back();
  EXPECT_THROW(TextureStem{w}, std::invalid_argument);
  const TextureStem stem(picking_red());
  EXPECT_THROW(stem.describe(cv::Mat(10, 10, CV_8UC3)), std::invalid_argument);
  EXPECT_THROW(stem.describe(cv::Mat(32, 32, CV_8UC1)), std::invalid_argument);
}

}  // namespace
}  // namespace portier

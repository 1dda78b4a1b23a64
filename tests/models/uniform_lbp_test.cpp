#include "models/uniform_lbp.h"

#include <gtest/gtest.h>

#include <numeric>

namespace portier {
namespace {

TEST(UniformLbp, HasOneBinPerUniformPatternAndOneForTheRest) {
  EXPECT_EQ(UniformLbp(8, 1.0).bins(), 59);
  EXPECT_EQ(UniformLbp(16, 2.0).bins(), 243);
}

TEST(UniformLbp, EachCellIsAHistogramSummingToOne) {
  cv::Mat noise(64, 64, CV_8UC1);
  cv::randu(noise, 0, 256);
  const UniformLbp lbp(8, 1.0);
  const auto h = lbp.histograms(noise, 3);
  ASSERT_EQ(h.size(), 9u * 59u);
  for (int cell = 0; cell < 9; ++cell)
    EXPECT_NEAR(std::accumulate(h.begin() + cell * 59, h.begin() + (cell + 1) * 59, 0.0), 1.0, 1e-5);
}

TEST(UniformLbp, AFlatImageIsOnePatternAndNoiseIsMany) {
  const UniformLbp lbp(8, 2.0);
  const auto flat = lbp.histograms(cv::Mat(32, 32, CV_8UC1, cv::Scalar(90)), 1);
  EXPECT_FLOAT_EQ(*std::max_element(flat.begin(), flat.end()), 1.0f) << "every neighbour equals its centre";
  cv::Mat noise(32, 32, CV_8UC1);
  cv::randu(noise, 0, 256);
  const auto busy = lbp.histograms(noise, 1);
  EXPECT_GT(std::count_if(busy.begin(), busy.end(), [](float v) { return v > 0; }), 20);
  EXPECT_GT(busy.back(), 0.1f) << "noise makes many non-uniform patterns";
}

TEST(UniformLbp, ABrightSpotAndADarkSpotCodeDifferently) {
  const UniformLbp lbp(8, 1.0);
  cv::Mat bright(16, 16, CV_8UC1, cv::Scalar(50)), dark(16, 16, CV_8UC1, cv::Scalar(200));
  bright.at<unsigned char>(8, 8) = 250;
  dark.at<unsigned char>(8, 8) = 0;
  EXPECT_NE(lbp.histograms(bright, 1), lbp.histograms(dark, 1));
}

TEST(UniformLbp, RefusesWhatItCannotCode) {
  const UniformLbp lbp(8, 2.0);
  EXPECT_THROW(lbp.histograms(cv::Mat(5, 5, CV_8UC1, cv::Scalar(0)), 1), std::invalid_argument);
  EXPECT_THROW(lbp.histograms(cv::Mat(32, 32, CV_8UC3, cv::Scalar::all(0)), 1), std::invalid_argument);
  EXPECT_THROW(UniformLbp(20, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace portier

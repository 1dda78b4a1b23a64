#include "models/image_distortion.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace portier {
namespace {

void specular(const cv::Mat& bgr, DistortionCues& out) {
  cv::Mat f;
  bgr.convertTo(f, CV_32FC3);
  std::vector<cv::Mat> ch;
  cv::split(f, ch);
  cv::Mat lowest = cv::min(cv::min(ch[0], ch[1]), ch[2]);
  cv::Mat highest = cv::max(cv::max(ch[0], ch[1]), ch[2]);
  cv::Mat component = cv::max(lowest - cv::mean(lowest)[0], 0.0);
  cv::Scalar mean, stddev;
  cv::meanStdDev(component, mean, stddev);
  // A highlight: a strong specular component on a bright pixel.
  cv::Mat mask = (component > mean[0] + 2.0 * stddev[0] + 1e-3) & (highest > 200.0f);
  const int n = cv::countNonZero(mask);
  out.specular_fraction = static_cast<double>(n) / static_cast<double>(mask.total());
  if (n > 0) {
    cv::Scalar m, s;
    cv::meanStdDev(component, m, s, mask);
    out.specular_mean = m[0] / 255.0;
    out.specular_spread = s[0] / 255.0;
  }
}

void blur(const cv::Mat& bgr, DistortionCues& out) {
  cv::Mat grey, g;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  grey.convertTo(g, CV_32F);
  double worst = 0.0;
  for (int axis = 0; axis < 2; ++axis) {
    const cv::Size k = axis == 0 ? cv::Size(1, 9) : cv::Size(9, 1);
    cv::Mat b;
    cv::blur(g, b, k, cv::Point(-1, -1), cv::BORDER_REFLECT_101);
    // Differences between neighbours along the axis, before and after the blur.
    const cv::Rect a = axis == 0 ? cv::Rect(0, 1, g.cols, g.rows - 1) : cv::Rect(1, 0, g.cols - 1, g.rows);
    const cv::Rect c = axis == 0 ? cv::Rect(0, 0, g.cols, g.rows - 1) : cv::Rect(0, 0, g.cols - 1, g.rows);
    cv::Mat d_image = cv::abs(g(a) - g(c));
    cv::Mat d_blurred = cv::abs(b(a) - b(c));
    const double total = cv::sum(d_image)[0];
    const double lost = cv::sum(cv::max(d_image - d_blurred, 0.0))[0];
    worst = std::max(worst, (total - lost) / std::max(total, 1e-6));
  }
  out.blur = worst;
  cv::Mat laplacian;
  cv::Laplacian(g, laplacian, CV_32F);
  cv::Scalar m, s;
  cv::meanStdDev(laplacian, m, s);
  out.log_laplacian_variance = std::log1p(s[0] * s[0]);
}

void saturation(const cv::Mat& bgr, DistortionCues& out) {
  cv::Mat hsv;
  cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);
  std::vector<cv::Mat> ch;
  cv::split(hsv, ch);
  const cv::Mat& s = ch[1];
  std::array<double, 32> histogram{};
  double sum = 0, sum2 = 0, sum3 = 0;
  const double n = static_cast<double>(s.total());
  for (int y = 0; y < s.rows; ++y)
    for (int x = 0; x < s.cols; ++x) {
      const double v = s.at<unsigned char>(y, x) / 256.0;
      sum += v;
      histogram[static_cast<size_t>(v * 32.0)] += 1.0;
    }
  const double mean = sum / n;
  for (int y = 0; y < s.rows; ++y)
    for (int x = 0; x < s.cols; ++x) {
      const double d = s.at<unsigned char>(y, x) / 256.0 - mean;
      sum2 += d * d;
      sum3 += d * d * d;
    }
  const double variance = sum2 / n;
  out.saturation_mean = mean;
  out.saturation_spread = std::sqrt(variance);
  out.saturation_skew = variance > 1e-12 ? (sum3 / n) / std::pow(variance, 1.5) : 0.0;
  out.saturation_peak = *std::max_element(histogram.begin(), histogram.end()) / n;
}

}  // namespace

std::array<float, DistortionCues::kCount> DistortionCues::values() const {
  return {static_cast<float>(specular_fraction), static_cast<float>(specular_mean),
          static_cast<float>(specular_spread),   static_cast<float>(blur),
          static_cast<float>(log_laplacian_variance), static_cast<float>(saturation_mean),
          static_cast<float>(saturation_spread), static_cast<float>(saturation_skew),
          static_cast<float>(saturation_peak)};
}

DistortionCues distortion_cues(const cv::Mat& face_bgr) {
  if (face_bgr.type() != CV_8UC3 || face_bgr.rows < 16 || face_bgr.cols < 16)
    throw std::invalid_argument("distortion_cues: needs an 8-bit BGR image of at least 16x16");
  DistortionCues cues;
  specular(face_bgr, cues);
  blur(face_bgr, cues);
  saturation(face_bgr, cues);
  return cues;
}

}  // namespace portier

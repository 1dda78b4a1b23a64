#include "models/uniform_lbp.h"

#include <cmath>
#include <stdexcept>

namespace portier {
namespace {

int transitions(unsigned pattern, int points) {
  int count = 0;
  for (int i = 0; i < points; ++i) count += ((pattern >> i) & 1u) != ((pattern >> ((i + 1) % points)) & 1u);
  return count;
}

}  // namespace

UniformLbp::UniformLbp(int points, double radius) : points_(points) {
  if (points < 4 || points > 16 || radius < 1.0) throw std::invalid_argument("UniformLbp: 4..16 points, radius >= 1");
  margin_ = static_cast<int>(std::ceil(radius)) + 1;
  for (int p = 0; p < points; ++p) {
    const double angle = 2.0 * CV_PI * p / points;
    // Rounded like scikit-image so that the axis neighbours fall exactly on pixels.
    const double y = std::round(-radius * std::sin(angle) * 1e5) / 1e5;
    const double x = std::round(radius * std::cos(angle) * 1e5) / 1e5;
    const double fy = std::floor(y), fx = std::floor(x);
    const float ty = static_cast<float>(y - fy), tx = static_cast<float>(x - fx);
    neighbours_.push_back({static_cast<int>(fy), static_cast<int>(fx), (1 - ty) * (1 - tx), (1 - ty) * tx,
                           ty * (1 - tx), ty * tx});
  }
  const unsigned patterns = 1u << points;
  bin_of_pattern_.resize(patterns);
  unsigned short next = 0;
  for (unsigned pattern = 0; pattern < patterns; ++pattern)
    if (transitions(pattern, points) <= 2) bin_of_pattern_[pattern] = next++;
  bins_ = next + 1;
  for (unsigned pattern = 0; pattern < patterns; ++pattern)
    if (transitions(pattern, points) > 2) bin_of_pattern_[pattern] = static_cast<unsigned short>(next);
}

std::vector<float> UniformLbp::histograms(const cv::Mat& grey, int grid) const {
  if (grey.type() != CV_8UC1) throw std::invalid_argument("UniformLbp: needs an 8-bit grey image");
  if (grey.rows < 2 * margin_ + grid || grey.cols < 2 * margin_ + grid)
    throw std::invalid_argument("UniformLbp: image too small for the radius and grid");
  cv::Mat image;
  grey.convertTo(image, CV_32F);
  std::vector<float> out(static_cast<size_t>(grid * grid * bins_), 0.0f);
  std::vector<float> counts(static_cast<size_t>(grid * grid), 0.0f);
  for (int y = margin_; y < image.rows - margin_; ++y) {
    const int cell_row = y * grid / image.rows;
    for (int x = margin_; x < image.cols - margin_; ++x) {
      const float centre = image.at<float>(y, x);
      unsigned pattern = 0;
      for (int p = 0; p < points_; ++p) {
        const auto& n = neighbours_[static_cast<size_t>(p)];
        const float* r0 = image.ptr<float>(y + n.dy) + x + n.dx;
        const float* r1 = image.ptr<float>(y + n.dy + 1) + x + n.dx;
        const float v = n.w00 * r0[0] + n.w01 * r0[1] + n.w10 * r1[0] + n.w11 * r1[1];
        // A small tolerance: interpolated equal neighbours must not flicker with rounding.
        pattern |= static_cast<unsigned>(v >= centre - 1e-3f) << p;
      }
      const int cell = cell_row * grid + x * grid / image.cols;
      out[static_cast<size_t>(cell * bins_ + bin_of_pattern_[pattern])] += 1.0f;
      counts[static_cast<size_t>(cell)] += 1.0f;
    }
  }
  for (int cell = 0; cell < grid * grid; ++cell)
    for (int b = 0; b < bins_; ++b) out[static_cast<size_t>(cell * bins_ + b)] /= counts[static_cast<size_t>(cell)];
  return out;
}

}  // namespace portier

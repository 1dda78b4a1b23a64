#include "bench/liveness_augment.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace portier {
namespace {

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform(0, 1) < p; }
  // Box-Muller, from two uniform draws.
  double normal() {
    const double u = std::max(uniform(0, 1), 1e-12), v = uniform(0, 1);
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

AugmentedView augment_view(const cv::Mat& bgr, const cv::Rect& face_box, bool crop, std::uint64_t seed) {
  Draw draw(seed);
  AugmentedView out{bgr.clone(), face_box};
  const double scale = crop ? std::min(1.0, draw.uniform(86, 185) / bgr.cols) : draw.uniform(0.6, 1.0);
  if (scale < 0.999) {
    cv::resize(bgr, out.image, cv::Size(std::max(8, static_cast<int>(bgr.cols * scale)), std::max(8, static_cast<int>(bgr.rows * scale))),
               0, 0, cv::INTER_AREA);
    out.box = cv::Rect(static_cast<int>(std::lround(face_box.x * scale)), static_cast<int>(std::lround(face_box.y * scale)),
                       std::max(1, static_cast<int>(std::lround(face_box.width * scale))),
                       std::max(1, static_cast<int>(std::lround(face_box.height * scale))));
  }
  const cv::Point2f centre(out.box.x + out.box.width / 2.0f, out.box.y + out.box.height / 2.0f);
  const cv::Mat turn = cv::getRotationMatrix2D(centre, draw.uniform(-8, 8), 1.0);
  cv::warpAffine(out.image, out.image, turn, out.image.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);

  cv::Mat f;
  out.image.convertTo(f, CV_32FC3);
  const double temperature = draw.uniform(-0.08, 0.08), gain = draw.uniform(0.8, 1.2), offset = draw.uniform(-10, 10);
  const double gamma = draw.uniform(0.8, 1.25);
  f = f.mul(cv::Scalar(gain * (1 + temperature), gain, gain * (1 - temperature))) + cv::Scalar::all(offset);  // B, G, R
  cv::min(cv::max(f, 0.0), 255.0, f);
  cv::pow(f / 255.0, gamma, f);
  f *= 255.0;
  if (draw.chance(0.3)) cv::GaussianBlur(f, f, cv::Size(0, 0), draw.uniform(0.3, 0.8));
  const double noise = draw.uniform(0, 3);
  if (noise > 0) {
    cv::Mat n(f.size(), CV_32FC3);
    for (int y = 0; y < n.rows; ++y) {
      auto* row = n.ptr<float>(y);
      for (int x = 0; x < 3 * n.cols; ++x) row[x] = static_cast<float>(noise * draw.normal());
    }
    f += n;
  }
  f.convertTo(out.image, CV_8UC3);  // saturating
  const int quality = static_cast<int>(draw.uniform(30, 95));
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", out.image, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality});
  out.image = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  return out;
}

}  // namespace portier

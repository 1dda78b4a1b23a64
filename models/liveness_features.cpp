#include "models/liveness_features.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "models/image_distortion.h"
#include "models/uniform_lbp.h"

namespace portier {
namespace {

// Area averaging when shrinking, so the features depend little on the camera's resolution.
cv::Mat to_crop_size(const cv::Mat& region) {
  cv::Mat out;
  cv::resize(region, out, cv::Size(kLivenessCropSize, kLivenessCropSize), 0, 0,
             region.cols > kLivenessCropSize ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

cv::Mat square_crop(const cv::Mat& bgr, const cv::Rect& box, double scale) {
  const double side = std::max(box.width, box.height) * scale;
  const cv::Point2d centre(box.x + box.width / 2.0, box.y + box.height / 2.0);
  const cv::Rect want(static_cast<int>(std::lround(centre.x - side / 2)), static_cast<int>(std::lround(centre.y - side / 2)),
                      std::max(1, static_cast<int>(std::lround(side))), std::max(1, static_cast<int>(std::lround(side))));
  const cv::Rect inside = want & cv::Rect(0, 0, bgr.cols, bgr.rows);
  cv::Mat region;
  if (inside.area() == 0) {
    region = cv::Mat(want.size(), CV_8UC3, cv::Scalar::all(0));
  } else if (inside == want) {
    region = bgr(want);
  } else {
    cv::copyMakeBorder(bgr(inside), region, inside.y - want.y, want.br().y - inside.br().y, inside.x - want.x,
                       want.br().x - inside.br().x, cv::BORDER_REFLECT_101);
  }
  return to_crop_size(region);
}

// Micro-texture at three scales (Maatta et al. 2011): fine patterns per
// cell of a 3x3 grid, so where a photo's border or a finger sits counts, and
// a coarser global histogram.
struct ContextTexture {
  UniformLbp fine{8, 1.0};
  UniformLbp medium{8, 2.0};
  UniformLbp coarse{16, 2.0};
  int count() const { return 9 * fine.bins() + 9 * medium.bins() + coarse.bins(); }
};

const ContextTexture& context_texture() {
  static const ContextTexture texture;  // immutable after construction: safe to share between threads
  return texture;
}

}  // namespace

int scene_feature_count() { return kFaceFeatureCount + context_texture().count(); }

LivenessCrops cut_liveness_crops(const cv::Mat& bgr, const cv::Rect& face_box) {
  return {square_crop(bgr, face_box, kLivenessFaceScale), square_crop(bgr, face_box, kLivenessContextScale)};
}

LivenessCrops liveness_crops_of_face_image(const cv::Mat& bgr) {
  return {to_crop_size(bgr), cv::Mat()};
}

LivenessFeatures liveness_features(const LivenessCrops& crops) {
  LivenessFeatures f;
  const auto cues = distortion_cues(crops.face).values();
  f.face.assign(cues.begin(), cues.end());
  if (crops.context.empty()) return f;

  cv::Mat grey;
  cv::cvtColor(crops.context, grey, cv::COLOR_BGR2GRAY);
  const auto& texture = context_texture();
  f.scene = f.face;
  f.scene.reserve(static_cast<size_t>(scene_feature_count()));
  for (const auto& histogram : {texture.fine.histograms(grey, 3), texture.medium.histograms(grey, 3),
                                texture.coarse.histograms(grey, 1)})
    // Square roots (the Hellinger map) let a linear model weigh rare and
    // common patterns alike.
    for (float v : histogram) f.scene.push_back(std::sqrt(v));
  return f;
}

}  // namespace portier

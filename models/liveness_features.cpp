#include "models/liveness_features.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "models/image_distortion.h"
#include "models/uniform_lbp.h"

namespace portier {
namespace {

cv::Mat square_crop(const cv::Mat& bgr, const cv::Rect& box, double scale, int size) {
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
  cv::Mat out;
  cv::resize(region, out, cv::Size(size, size), 0, 0, region.cols > size ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

// Colour texture (Boulkenafet, Komulainen & Hadid 2016): a recaptured face's
// chroma carries the print's or screen's gamut and dithering, which grey
// LBP cannot see.
struct ColourTexture {
  UniformLbp fine{8, 1.0};
  UniformLbp coarse{8, 2.0};
  static constexpr int kChannels = 3;  // of one colour space
  int count() const { return kChannels * (fine.bins() + coarse.bins()); }
};

const ColourTexture& colour_texture() {
  static const ColourTexture texture;  // immutable after construction: safe to share between threads
  return texture;
}

void append_colour_lbp(const cv::Mat& small, int conversion, std::vector<float>& out) {
  const auto& texture = colour_texture();
  cv::Mat converted;
  cv::cvtColor(small, converted, conversion);
  cv::Mat channels[3];
  cv::split(converted, channels);
  for (const auto& channel : channels)
    for (const auto* lbp : {&texture.fine, &texture.coarse})
      // Square roots (the Hellinger map) let a linear model weigh rare and
      // common patterns alike.
      for (float v : lbp->histograms(channel, 1)) out.push_back(std::sqrt(v));
}

}  // namespace

int face_feature_count() {
  return colour_texture().count() + TextureStem::kFeatureCount + DistortionCues::kCount;
}
int scene_feature_count() { return face_feature_count() + colour_texture().count() + TextureStem::kFeatureCount; }

LivenessCrops cut_liveness_crops(const cv::Mat& bgr, const cv::Rect& face_box) {
  return {square_crop(bgr, face_box, kLivenessFaceScale, kLivenessFaceSize),
          square_crop(bgr, face_box, kLivenessContextScale, kLivenessContextSize)};
}

LivenessCrops cut_face_only_crops(const cv::Mat& bgr, const cv::Rect& face_box) {
  return {square_crop(bgr, face_box, kLivenessFaceScale, kLivenessFaceSize), cv::Mat()};
}

LivenessFeatures liveness_features(const LivenessCrops& crops, const TextureStem& stem) {
  LivenessFeatures f;
  f.face.reserve(static_cast<size_t>(scene_feature_count()));
  cv::Mat small;
  cv::resize(crops.face, small, cv::Size(kLivenessTextureSize, kLivenessTextureSize), 0, 0, cv::INTER_AREA);
  append_colour_lbp(small, cv::COLOR_BGR2YCrCb, f.face);
  const auto face_stem = stem.describe(crops.face);
  f.face.insert(f.face.end(), face_stem.begin(), face_stem.end());
  const auto cues = distortion_cues(crops.face).values();
  f.face.insert(f.face.end(), cues.begin(), cues.end());
  if (crops.context.empty()) return f;
  f.scene = f.face;
  // HSV texture serves the scene head only: in the face head it learnt one
  // phone's look (leaving the face crops' source out, the face head's EER was
  // 46% with it and 21% without, before augmentation; docs/liveness.md).
  append_colour_lbp(small, cv::COLOR_BGR2HSV, f.scene);
  const auto context_stem = stem.describe(crops.context);
  f.scene.insert(f.scene.end(), context_stem.begin(), context_stem.end());
  return f;
}

}  // namespace portier

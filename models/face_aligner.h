#pragma once

#include <filesystem>
#include <memory>

#include "models/face_types.h"

namespace portier {

// 5-point landmarks and the 150x150 chip the ResNet was trained on.
// align() is const and the predictor is read-only, so one instance may be shared.
class FaceAligner {
 public:
  virtual ~FaceAligner() = default;
  virtual AlignedFace align(const cv::Mat& bgr, const cv::Rect& face) const = 0;
};

std::unique_ptr<FaceAligner> make_dlib_aligner(const std::filesystem::path& shape_predictor_file);

}  // namespace portier

// Plain value types shared by the face models and the pipeline. No dlib here:
// the pipeline, the tests and the ThreadSanitizer build see only OpenCV types.
#pragma once

#include <array>
#include <opencv2/core.hpp>

namespace portier {

inline constexpr int kEmbeddingSize = 128;
using Embedding = std::array<float, kEmbeddingSize>;

struct FaceBox {
  cv::Rect rect;       // image coordinates; may reach past the border for cut-off faces
  double score = 0.0;  // detector confidence, comparable only within one detector kind
};

inline constexpr int kChipSize = 150;
inline constexpr double kChipPadding = 0.25;

struct AlignedFace {
  std::array<cv::Point2f, 5> landmarks{};  // dlib 5-point order: eye corners, nose base
  cv::Mat chip;                            // kChipSize x kChipSize, CV_8UC3, RGB order
};

}  // namespace portier

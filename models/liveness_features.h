// What the liveness model looks at, cut from a frame and turned into numbers.
// Pure computation; the model (liveness_model.h) scores these features.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace portier {

inline constexpr int kLivenessCropSize = 96;
// The face region: the detector's box and a margin, so the jaw line and the
// hair edge (where a cut-out print shows) are inside.
inline constexpr double kLivenessFaceScale = 1.3;
// The surroundings: large enough to hold the edge of a held-up photo or
// phone and the fingers holding it. Measured on NUAA, leaving one capture
// session out: 1.0x gave 13% EER, 1.8x 4%, 2.6x 2%.
inline constexpr double kLivenessContextScale = 2.6;

struct LivenessCrops {
  cv::Mat face;     // kLivenessCropSize square, 8-bit BGR
  cv::Mat context;  // same size, 2.6x the face box; empty when only a face crop exists
};

// Square crops centred on the face box, scaled down with area averaging (so
// the features depend little on the camera's resolution). Parts outside the
// frame are mirrored in.
LivenessCrops cut_liveness_crops(const cv::Mat& bgr, const cv::Rect& face_box);
// For images that are already face crops: the whole image is the face
// region and there is no context.
LivenessCrops liveness_crops_of_face_image(const cv::Mat& bgr);

struct LivenessFeatures {
  std::vector<float> face;   // distortion cues of the face region
  std::vector<float> scene;  // face cues + micro-texture of the context; empty without context
};

LivenessFeatures liveness_features(const LivenessCrops& crops);

inline constexpr int kFaceFeatureCount = 9;
int scene_feature_count();

}  // namespace portier

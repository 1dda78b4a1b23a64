// What the liveness model looks at, cut from a frame and turned into numbers.
// Pure computation; the model (liveness_model.h) scores these features.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "models/texture_stem.h"

namespace portier {

// Every crop is scaled to a fixed size before any cue is computed, so that a
// camera's resolution cannot tell live faces from attacks: in the
// development data the live face crops were 420 px wide and the replays
// 150 px, and a model that saw them at their own sizes learnt "small means
// spoof" (it then refused half of another person's live faces).
inline constexpr int kLivenessFaceSize = 112;     // the face region, for the filter bank and the distortion cues
inline constexpr int kLivenessTextureSize = 64;   // the face region again, for the colour LBP
inline constexpr int kLivenessContextSize = 112;  // the surroundings, for the filter bank
// The face region: the detector's box and a margin, so the jaw line and the
// hair edge (where a cut-out print shows) are inside.
inline constexpr double kLivenessFaceScale = 1.3;
// The surroundings: large enough to hold the edge of a held-up photo or
// phone and the fingers holding it.
inline constexpr double kLivenessContextScale = 2.6;

struct LivenessCrops {
  cv::Mat face;     // kLivenessFaceSize square, 8-bit BGR
  cv::Mat context;  // kLivenessContextSize square; empty when only a face crop exists
};

// Square crops centred on the face box, scaled with area averaging. Parts
// outside the image are mirrored in.
LivenessCrops cut_liveness_crops(const cv::Mat& bgr, const cv::Rect& face_box);
// For images that are already face crops (`eval liveness --crops`): the face
// region around the box found in it (or the whole image as the box), and no
// surroundings.
LivenessCrops cut_face_only_crops(const cv::Mat& bgr, const cv::Rect& face_box);

struct LivenessFeatures {
  std::vector<float> face;   // cues of the face region alone
  std::vector<float> scene;  // the face's cues and those of its surroundings; empty without context
};

// Face: colour LBP of YCrCb (uniform LBP(8,1) and LBP(8,2) of each channel,
// square-rooted), the texture stem's responses and the distortion cues
// (specular reflection, blur, saturation). Scene: those, then the same
// colour LBP of HSV and the texture stem's responses over the surroundings.
LivenessFeatures liveness_features(const LivenessCrops& crops, const TextureStem& stem);

int face_feature_count();
int scene_feature_count();

}  // namespace portier

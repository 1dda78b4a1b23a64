#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/face_detector.h"
#include "models/liveness_features.h"

namespace portier {

struct LivenessImage {
  std::string path;  // relative to the root
  bool live = false;
  bool crop = false;  // already a face crop: no detection, no context
};

struct LivenessSample {
  bool face_found = false;
  LivenessFeatures features;
  double feature_ms = 0;  // crops + features of the face, not detection
};

// Features of every image, in input order, computed on `threads` threads
// (each with its own clone of the detector). Full frames use the face
// nearest the image centre. Throws std::invalid_argument naming an image
// that cannot be read.
std::vector<LivenessSample> extract_liveness_samples(const std::filesystem::path& root,
                                                     const std::vector<LivenessImage>& images,
                                                     const FaceDetector& detector, int threads,
                                                     const std::string& progress_label);

}  // namespace portier

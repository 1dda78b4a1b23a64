#pragma once

#include <filesystem>
#include <functional>
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

struct LabelledSamples {
  std::vector<LivenessImage> images;
  std::vector<LivenessSample> samples;  // one per image, same order
};

// Told of each image as work on it begins; the commands draw a progress bar
// with it. Called under a lock, one image at a time.
using OnImage = std::function<void(size_t total, const std::string& path)>;

// Reads a labels file (bench/liveness_labels.h) and computes the features of
// every image it lists; `is_crop` says which paths are face crops. Throws
// std::invalid_argument naming the bad line or the unreadable image.
LabelledSamples labelled_samples(const std::filesystem::path& root, const std::filesystem::path& labels,
                                 const std::function<bool(const std::string& path)>& is_crop,
                                 const FaceDetector& detector, const OnImage& on_image);

// Features of every image, in input order, computed on `threads` threads
// (each with its own clone of the detector). Full frames use the face
// nearest the image centre. Throws std::invalid_argument naming an image
// that cannot be read.
std::vector<LivenessSample> extract_liveness_samples(const std::filesystem::path& root,
                                                     const std::vector<LivenessImage>& images,
                                                     const FaceDetector& detector, int threads,
                                                     const OnImage& on_image);

}  // namespace portier

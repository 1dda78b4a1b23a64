#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "models/face_detector.h"
#include "models/liveness_features.h"
#include "models/texture_stem.h"

namespace portier {

struct LivenessImage {
  std::string path;  // relative to the root
  bool live = false;
  bool crop = false;   // already a face crop: no surroundings
  std::string source;  // the capture source cross-validation holds out (bench/liveness_labels.h)
  std::string attack{};  // print, replay, ... (the labels' attack_type); empty when not given
};

struct LivenessSample {
  bool face_found = false;
  LivenessFeatures features;
  double feature_ms = 0;  // crops + features of the face, not detection
  // Features of seeded, augmented views of the image (bench/liveness_augment.h), for training only.
  std::vector<LivenessFeatures> augmented;
};

struct LabelledSamples {
  std::vector<LivenessImage> images;
  std::vector<LivenessSample> samples;  // one per image, same order
};

// Told of each image as work on it begins; the commands draw a progress bar
// with it. Called under a lock, one image at a time.
using OnImage = std::function<void(size_t total, const std::string& path)>;

struct SampleOptions {
  int threads = 2;
  int augmented_views = 0;  // per image
  std::uint64_t seed = 1;   // of the augmentation; image i uses seed, i and its view number
};

// Features of every image, in input order, computed on several threads (each
// with its own clone of the detector, which must give the same answer
// whatever it saw before: the still-image detector). A full frame is
// described by the face nearest its centre. In a face crop the face is
// looked for too (the crop's framing is the other detector's), and the whole
// image is its box when none is found. Throws std::invalid_argument naming an
// image that cannot be read.
std::vector<LivenessSample> extract_liveness_samples(const std::filesystem::path& root,
                                                     const std::vector<LivenessImage>& images,
                                                     const FaceDetector& detector, const TextureStem& stem,
                                                     const SampleOptions& options, const OnImage& on_image);

// Reads a labels file (bench/liveness_labels.h) and computes the features of
// every image it lists; `is_crop` says which paths are face crops. Throws
// std::invalid_argument naming the bad line or the unreadable image.
LabelledSamples labelled_samples(const std::filesystem::path& root, const std::filesystem::path& labels,
                                 const std::function<bool(const std::string& path)>& is_crop,
                                 const FaceDetector& detector, const TextureStem& stem, const SampleOptions& options,
                                 const OnImage& on_image);

}  // namespace portier

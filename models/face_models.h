#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/face_aligner.h"
#include "models/face_detector.h"
#include "models/face_embedder.h"

namespace portier {

enum class DetectorKind { Hog, Mmod };

struct ModelOptions {
  std::filesystem::path dir;
  DetectorKind detector = DetectorKind::Hog;
  int upsample = 0;
  double hog_threshold = 0.0;
  // Live frames: one empty detection in N is retried with the image doubled
  // (0: never). Stills (enrolment, evaluation) retry every miss, doubled and
  // then with the CNN detector, when still_fallback is on.
  int live_fallback_every = 6;
  bool still_fallback = true;
  // Stills: the descriptor is the mean of the face's and its mirror image's.
  bool still_mirror = true;
};

// The three models every command uses, loaded once. Ownership is explicit:
// the pipeline moves each model into the stage that runs it.
struct FaceModels {
  std::unique_ptr<FaceDetector> detector;
  std::unique_ptr<FaceAligner> aligner;
  std::unique_ptr<FaceEmbedder> embedder;
  // The ResNet's first layer, read with it: liveness's texture filters
  // (models/texture_stem.h), so that the file is read once.
  TextureStemWeights stem;
};

// What the models will look at: frames of a camera, or photos looked at once
// (enrolment, evaluation), which may take the costlier, surer path.
enum class ImageKind { LiveFrames, Stills };

// Files are expected to be verified already (config validation checks sha256).
FaceModels load_face_models(const ModelOptions& options, ImageKind kind = ImageKind::LiveFrames);
// The detector of live frames (the pipeline, liveness): the configured one,
// with its upsampled retry on one empty frame in live_fallback_every.
std::unique_ptr<FaceDetector> make_face_detector(const ModelOptions& options);
// The detector of stills (enrolment photos, `eval pairs|identify`): a miss is
// retried with the image doubled, then with the CNN detector. A photo is
// looked at once, so its few misses may cost what a live frame may not.
std::unique_ptr<FaceDetector> make_still_detector(const ModelOptions& options);

struct DescribedFace {
  FaceBox box;
  AlignedFace aligned;
  Embedding embedding{};
};

// Detect, align and embed every face of a still image in one batch: the path
// enrolment, evaluation and the sequential benchmark share with the service.
std::vector<DescribedFace> describe_faces(FaceDetector& detector, const FaceAligner& aligner,
                                          FaceEmbedder& embedder, const cv::Mat& bgr);

// The descriptor of the face nearest the image centre (a portrait's, an
// evaluation image's subject), or std::nullopt when no face is found.
std::optional<Embedding> describe_central_face(FaceModels& models, const cv::Mat& bgr);

// Index of the face whose centre is nearest the image centre (benchmark photos
// centre their subject), or -1 for none.
int face_nearest_centre(const std::vector<FaceBox>& faces, const cv::Size& image);

}  // namespace portier

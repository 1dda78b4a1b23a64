#pragma once

#include <filesystem>
#include <memory>
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
};

// The three models every command uses, loaded once. Ownership is explicit:
// the pipeline moves each model into the stage that runs it.
struct FaceModels {
  std::unique_ptr<FaceDetector> detector;
  std::unique_ptr<FaceAligner> aligner;
  std::unique_ptr<FaceEmbedder> embedder;
};

// Files are expected to be verified already (config validation checks sha256).
FaceModels load_face_models(const ModelOptions& options);
// The configured detector alone, for commands that need no embeddings.
std::unique_ptr<FaceDetector> make_face_detector(const ModelOptions& options);

struct DescribedFace {
  FaceBox box;
  AlignedFace aligned;
  Embedding embedding{};
};

// Detect, align and embed every face of a still image in one batch: the path
// enrolment, evaluation and the sequential benchmark share with the service.
std::vector<DescribedFace> describe_faces(FaceDetector& detector, const FaceAligner& aligner,
                                          FaceEmbedder& embedder, const cv::Mat& bgr);

// Index of the face whose centre is nearest the image centre (benchmark photos
// centre their subject), or -1 for none.
int face_nearest_centre(const std::vector<FaceBox>& faces, const cv::Size& image);

}  // namespace portier

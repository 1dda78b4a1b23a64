#include "models/face_models.h"

#include <limits>

#include "models/model_files.h"

namespace portier {

std::unique_ptr<FaceDetector> make_face_detector(const ModelOptions& options) {
  return options.detector == DetectorKind::Mmod ? make_mmod_detector(options.dir / kMmodModel.name, options.upsample)
                                                : make_hog_detector(options.upsample, options.hog_threshold);
}

FaceModels load_face_models(const ModelOptions& options) {
  FaceModels models;
  models.detector = make_face_detector(options);
  models.aligner = make_dlib_aligner(options.dir / kShapePredictorModel.name);
  models.embedder = make_resnet_embedder(options.dir / kResnetModel.name);
  return models;
}

std::vector<DescribedFace> describe_faces(FaceDetector& detector, const FaceAligner& aligner,
                                          FaceEmbedder& embedder, const cv::Mat& bgr) {
  std::vector<DescribedFace> faces;
  std::vector<cv::Mat> chips;
  for (const auto& box : detector.detect(bgr)) {
    faces.push_back({box, aligner.align(bgr, box.rect), {}});
    chips.push_back(faces.back().aligned.chip);
  }
  const auto embeddings = embedder.embed(chips);
  for (size_t i = 0; i < faces.size(); ++i) faces[i].embedding = embeddings[i];
  return faces;
}

int face_nearest_centre(const std::vector<FaceBox>& faces, const cv::Size& image) {
  const cv::Point2d centre(image.width / 2.0, image.height / 2.0);
  int best = -1;
  double best_distance = std::numeric_limits<double>::max();
  for (size_t i = 0; i < faces.size(); ++i) {
    const auto& r = faces[i].rect;
    const cv::Point2d c(r.x + r.width / 2.0, r.y + r.height / 2.0);
    const double d = (c.x - centre.x) * (c.x - centre.x) + (c.y - centre.y) * (c.y - centre.y);
    if (d < best_distance) {
      best_distance = d;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace portier

#include "models/face_models.h"

#include <limits>

#include "models/model_files.h"

namespace portier {

namespace {

std::unique_ptr<FaceDetector> configured(const ModelOptions& o, int extra_upsample) {
  return o.detector == DetectorKind::Mmod ? make_mmod_detector(o.dir / kMmodModel.name, o.upsample + extra_upsample)
                                          : make_hog_detector(o.upsample + extra_upsample, o.hog_threshold);
}

}  // namespace

std::unique_ptr<FaceDetector> make_face_detector(const ModelOptions& options) {
  std::vector<std::unique_ptr<FaceDetector>> chain;
  chain.push_back(configured(options, 0));
  if (options.live_fallback_every > 0 && options.detector == DetectorKind::Hog) chain.push_back(configured(options, 1));
  return make_fallback_detector(std::move(chain), options.live_fallback_every);
}

std::unique_ptr<FaceDetector> make_still_detector(const ModelOptions& options) {
  std::vector<std::unique_ptr<FaceDetector>> chain;
  chain.push_back(configured(options, 0));
  if (options.still_fallback) {
    chain.push_back(configured(options, 1));
    if (options.detector == DetectorKind::Hog) chain.push_back(make_mmod_detector(options.dir / kMmodModel.name, 1));
  }
  return make_fallback_detector(std::move(chain), 1);
}

FaceModels load_face_models(const ModelOptions& options, ImageKind kind) {
  FaceModels models;
  models.detector = kind == ImageKind::Stills ? make_still_detector(options) : make_face_detector(options);
  models.aligner = make_dlib_aligner(options.dir / kShapePredictorModel.name);
  auto resnet = load_resnet(options.dir / kResnetModel.name, kind == ImageKind::Stills && options.still_mirror);
  models.embedder = std::move(resnet.embedder);
  models.stem = std::move(resnet.stem);
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

std::optional<Embedding> describe_central_face(FaceModels& models, const cv::Mat& bgr) {
  const auto faces = models.detector->detect(bgr);
  const int chosen = face_nearest_centre(faces, bgr.size());
  if (chosen < 0) return std::nullopt;
  return models.embedder->embed({models.aligner->align(bgr, faces[static_cast<size_t>(chosen)].rect).chip}).front();
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

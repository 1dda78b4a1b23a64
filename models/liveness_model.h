// The liveness classifier: two logistic heads over the features of
// liveness_features.h. Pure computation; loading checks the file's sha256 so
// a corrupt or swapped model is refused, never half-used.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "models/liveness_features.h"
#include "models/texture_stem.h"

namespace portier {

// Features are standardised ((x - mean) / scale) before a head.
struct Standardiser {
  std::vector<float> mean, scale;
  void apply(const std::vector<float>& x, std::vector<float>& z) const;
};

// Logistic regression on standardised features: the margin w.z + bias, and
// Platt's mapping of that margin to a probability of "live", fitted on
// held-out margins.
struct LogisticHead {
  Standardiser standardiser;
  std::vector<float> weights;
  double bias = 0;
  double platt_a = 1, platt_b = 0;
  double margin(const std::vector<float>& features) const;
  double probability(const std::vector<float>& features) const;
};

// A head fitted at one door (`portier liveness adapt`): an RBF-kernel SVM
// over the scene features of that camera's own captures. What fails across
// cameras works within one: the camera, its lens and the light are fixed, so
// a kernel machine can draw the boundary this room needs, where a linear
// head trained on other rooms cannot.
struct KernelHead {
  Standardiser standardiser;
  std::vector<std::vector<float>> support;  // standardised support vectors
  std::vector<float> alpha;                 // one per support vector; the sum leans towards live
  double bias = 0;                          // margin = sum_i alpha_i exp(-gamma |z - s_i|^2) + bias
  double gamma = 0;
  double platt_a = 1, platt_b = 0;
  double margin(const std::vector<float>& features) const;
  double probability(const std::vector<float>& features) const;
};

struct LivenessModel {
  // Face head: the face region alone; for images that are face crops.
  LogisticHead face;
  // Scene head: the face region and its surroundings (a held-up photo's
  // edge, a phone's frame, the hand); for camera frames, which is what the
  // door sees.
  LogisticHead scene;
  // The print head: an RBF-kernel SVM of live faces against printed photos,
  // over the scene features. A frame's score is the lower of the scene
  // head's and this one's: a print must pass both (docs/liveness.md).
  std::optional<KernelHead> print;
  // A site model's own head (docs/liveness.md, "Site adaptation"): when
  // present it scores camera frames instead of the scene and print heads.
  std::optional<KernelHead> site;
  double threshold = 0.5;          // live when score >= threshold (chosen at training, on held-out scores)
  double calibration_floor = 0.0;  // per-camera calibration never goes below this
  nlohmann::json training;         // how it was made: command, data, figures

  // How live, 0..1: for a camera frame (with surroundings) the site head,
  // or else the lower of the scene and print heads; for a face crop the face head.
  double score(const LivenessFeatures& features) const;
};

// What the pipeline asks of liveness: how live the face in this box of this
// frame looks, 0..1. Const and without scratch state, so one instance may
// serve any thread.
class LivenessScorer {
 public:
  virtual ~LivenessScorer() = default;
  virtual double score(const cv::Mat& frame_bgr, const cv::Rect& face) const = 0;
};

// How live the face in `face` of a camera frame looks, 0..1: its crops, their
// features, the scene head. What the pipeline's scorer and the commands call.
double score_face_in_frame(const LivenessModel& model, const TextureStem& stem, const cv::Mat& frame_bgr,
                           const cv::Rect& face);

// The stem is shared: it is read once from the ResNet model file.
std::unique_ptr<LivenessScorer> make_liveness_scorer(LivenessModel model, std::shared_ptr<const TextureStem> stem);

// Platt's mapping of a margin to a probability: 1 / (1 + exp(-(a m + b))).
double platt_probability(double a, double b, double margin);

inline constexpr std::string_view kLivenessModelFormat = "portier-liveness/2";

// Reads a model file and checks it: the sha256 when one is expected (empty:
// not checked), the format, and that every size agrees with the features
// this build computes. Returns the model or one line saying what is wrong.
std::variant<LivenessModel, std::string> load_liveness_model(const std::filesystem::path& file,
                                                             std::string_view expected_sha256);

// The model as the text of its file (JSON): what load_liveness_model reads.
// Writing it is the caller's (atomically: access/atomic_file.h).
std::string liveness_model_text(const LivenessModel& model);

}  // namespace portier

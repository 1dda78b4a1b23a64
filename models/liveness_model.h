// The liveness classifier: two heads over the features of liveness_features.h,
// each of which must find the face live. Pure computation; loading checks the
// file's sha256 so a corrupt or swapped model is refused, never half-used.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "models/liveness_features.h"

namespace portier {

// Features are standardised ((x - mean) / scale) before either head.
struct Standardiser {
  std::vector<float> mean, scale;
  void apply(const std::vector<float>& x, std::vector<float>& z) const;
};

// Linear SVM: w.z + bias.
struct LinearHead {
  Standardiser standardiser;
  std::vector<float> weights;
  double bias = 0;
  double raw(const std::vector<float>& features) const;
};

// RBF SVM: sum_i c_i exp(-gamma |z - s_i|^2) + bias.
struct RbfHead {
  Standardiser standardiser;
  double gamma = 0;
  cv::Mat support;  // n x d, CV_32F
  std::vector<float> coefficients;
  double bias = 0;
  double raw(const std::vector<float>& features) const;
};

struct LivenessModel {
  // Face head: distortion cues of the face region, trained on prints and
  // screen replays; the only head for images that are face crops.
  RbfHead face;
  // Scene head: the same cues plus the texture of the surroundings, where a
  // held-up photo's edge shows; trained on the full frames.
  LinearHead scene;
  // Platt scaling of the combined margin into [0, 1], fitted on held-out
  // (cross-validation) margins: a score reads as "how live", 0.5 even odds.
  double platt_a = 1, platt_b = 0;
  double threshold = 0.5;          // live when score >= threshold (chosen at training)
  double calibration_floor = 0.0;  // per-camera calibration never goes below this
  nlohmann::json training;         // how it was made: command, data, figures

  // The smaller of the two heads' margins (the face head alone without context).
  double margin(const LivenessFeatures& features) const;
  double score(const LivenessFeatures& features) const;
  double score_of_margin(double margin) const;
};

// What the pipeline asks of liveness: how live the face in this box of this
// frame looks, 0..1. Const and without scratch state, so one instance may
// serve any thread.
class LivenessScorer {
 public:
  virtual ~LivenessScorer() = default;
  virtual double score(const cv::Mat& frame_bgr, const cv::Rect& face) const = 0;
};

std::unique_ptr<LivenessScorer> make_liveness_scorer(LivenessModel model);

// Platt's mapping of an SVM margin to a probability: 1 / (1 + exp(-(a m + b))).
double platt_probability(double a, double b, double margin);

inline constexpr std::string_view kLivenessModelFormat = "portier-liveness/1";

// Reads a model file and checks it: the sha256 when one is expected (empty:
// not checked), the format, and that every size agrees with the features
// this build computes. Returns the model or one line saying what is wrong.
std::variant<LivenessModel, std::string> load_liveness_model(const std::filesystem::path& file,
                                                             std::string_view expected_sha256);

// The model as the text of its file (JSON): what load_liveness_model reads.
// Writing it is the caller's (atomically: access/atomic_file.h).
std::string liveness_model_text(const LivenessModel& model);

}  // namespace portier

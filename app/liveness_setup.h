// Which liveness model the service uses and at which threshold. The model:
// this door's site model (`portier liveness adapt`) when there is one, else
// the configured (shipped) model. The threshold comes from, in order: an
// explicit liveness.threshold in the config; the site model's own; the
// per-camera calibration (`portier liveness calibrate`) made for the shipped
// model; the model's own threshold chosen at training.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/config.h"
#include "models/liveness_model.h"
#include "models/texture_stem.h"

namespace portier {

struct LivenessCalibration {
  double threshold = 0.5;
  std::string model_sha256;  // the model it was made for
  std::string source;        // the camera
  std::string time;          // RFC 3339
  int faces = 0;             // live face captures it saw
  double target_bpcer = 0;   // share of those live captures it lets fall below
  double live_p50 = 0;       // median live score, for comparison later
};

// std::nullopt when the file does not exist; throws ConfigError naming the
// file when it exists but is malformed.
std::optional<LivenessCalibration> read_liveness_calibration(const std::filesystem::path& file);
// Atomic: written to a temporary file and renamed into place.
void write_liveness_calibration(const std::filesystem::path& file, const LivenessCalibration& calibration);

// The calibration live faces of one camera give (the threshold that lets
// `target_bpcer` of them fall below it), or why none may be made: fewer
// than `min_faces`, or live faces scoring under the model's floor, where a
// photo would pass too.
std::variant<LivenessCalibration, std::string> calibration_from_scores(std::vector<double> scores,
                                                                       const LivenessModel& model,
                                                                       const std::string& model_sha256,
                                                                       const std::string& source, double target_bpcer,
                                                                       int min_faces);

// Why a calibration would change nothing, or null: an explicit
// liveness.threshold overrides it, and a site model has its own threshold.
std::optional<std::string> calibration_overridden(const Config& config);

struct LivenessSetup {
  std::unique_ptr<LivenessModel> model;  // null when liveness is disabled
  // The texture filters the model's features need: the first layer of the
  // ResNet, read from the models directory (models/texture_stem.h).
  std::shared_ptr<const TextureStem> stem;
  double threshold = 0.5;
  std::string threshold_source;  // "config", "calibration <file>" or "model"

  // How live the face in `box` looks, 0..1 (the model must be loaded).
  double score(const cv::Mat& frame_bgr, const cv::Rect& box) const;
  // The scorer the pipeline runs; it takes the model over. Null when liveness is off.
  std::unique_ptr<LivenessScorer> take_scorer();
};

// Loads the configured model (its checksum verified) and resolves the
// threshold. Throws ConfigError when the model or calibration is unusable.
// With liveness.enabled = false the model is null, unless `even_if_disabled`
// (the measuring commands evaluate the model whatever the service does).
// `stem`: the ResNet's first layer when the caller has read the network
// already (FaceModels::stem); otherwise it is read from the models directory.
LivenessSetup load_liveness(const Config& config, bool even_if_disabled = false,
                            const TextureStemWeights* stem = nullptr);

// A model file as it is (`eval liveness --model`): no checksum, its own
// threshold, no calibration. ConfigError naming the file when unusable.
LivenessSetup load_liveness_file(const Config& config, const std::filesystem::path& file,
                                 const TextureStemWeights* stem = nullptr);

}  // namespace portier

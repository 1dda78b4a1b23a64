#include "app/liveness_setup.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "access/atomic_file.h"
#include "access/time_format.h"
#include "bench/liveness_metrics.h"
#include "models/model_files.h"

namespace portier {

std::optional<LivenessCalibration> read_liveness_calibration(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::ifstream in(file);
  if (!in) throw ConfigError("liveness calibration " + file.string() + " cannot be read");
  try {
    const auto j = nlohmann::json::parse(in);
    LivenessCalibration c;
    c.threshold = j.at("threshold").get<double>();
    c.model_sha256 = j.at("model_sha256").get<std::string>();
    c.source = j.value("source", "");
    c.time = j.value("time", "");
    c.faces = j.value("faces", 0);
    c.target_bpcer = j.value("target_bpcer", 0.0);
    c.live_p50 = j.value("live_p50", 0.0);
    if (!(c.threshold > 0.0 && c.threshold < 1.0))
      throw ConfigError("liveness calibration " + file.string() + ": threshold must be between 0 and 1");
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError("liveness calibration " + file.string() + " is malformed: " + e.what() +
                      " (run 'portier liveness calibrate' again or delete it)");
  }
}

void write_liveness_calibration(const std::filesystem::path& file, const LivenessCalibration& c) {
  const nlohmann::json j{{"threshold", c.threshold}, {"model_sha256", c.model_sha256}, {"source", c.source},
                         {"time", c.time},           {"faces", c.faces},               {"target_bpcer", c.target_bpcer},
                         {"live_p50", c.live_p50}};
  if (auto why = write_file_atomically(file, j.dump(2) + '\n')) throw std::runtime_error(*why);
}

std::variant<LivenessCalibration, std::string> calibration_from_scores(std::vector<double> scores,
                                                                       const LivenessModel& model,
                                                                       const std::string& model_sha256,
                                                                       const std::string& source, double target_bpcer,
                                                                       int min_faces) {
  if (static_cast<int>(scores.size()) < min_faces)
    return fmt::format("only {} frames with one face from {}: need at least {} to calibrate (is someone in front of "
                       "the camera, and is it lit?)",
                       scores.size(), source, min_faces);
  std::sort(scores.begin(), scores.end());
  const double wanted = threshold_at_bpcer(scores, target_bpcer);
  if (wanted < model.calibration_floor)
    return fmt::format("live faces on this camera score too low (a threshold of {:.3f} would be needed, the floor is "
                       "{:.3f}): liveness would not be safe here. Check focus, lighting and that no photo or screen "
                       "was shown; nothing was changed",
                       wanted, model.calibration_floor);
  LivenessCalibration c;
  c.threshold = wanted;
  c.model_sha256 = model_sha256;
  c.source = source;
  c.time = rfc3339_utc(std::chrono::system_clock::now());
  c.faces = static_cast<int>(scores.size());
  c.target_bpcer = target_bpcer;
  c.live_p50 = scores[scores.size() / 2];
  return c;
}

double LivenessSetup::score(const cv::Mat& frame_bgr, const cv::Rect& box) const {
  return score_face_in_frame(*model, *stem, frame_bgr, box);
}

std::unique_ptr<LivenessScorer> LivenessSetup::take_scorer() {
  if (!model) return nullptr;
  auto scorer = make_liveness_scorer(std::move(*model), stem);
  model.reset();
  return scorer;
}

LivenessSetup load_liveness(const Config& config, bool even_if_disabled, const TextureStemWeights* stem) {
  LivenessSetup setup;
  if (!config.liveness.enabled && !even_if_disabled) return setup;
  auto loaded = load_liveness_model(config.liveness.model, config.liveness.model_sha256);
  if (auto* why = std::get_if<std::string>(&loaded)) throw ConfigError("config " + config.file.string() + ": key 'liveness.model': " + *why);
  setup.model = std::make_unique<LivenessModel>(std::move(std::get<LivenessModel>(loaded)));
  const auto resnet = config.models.dir / kResnetModel.name;
  try {
    setup.stem = std::make_shared<const TextureStem>(stem ? *stem : resnet_stem_weights(resnet));
  } catch (const std::exception& e) {
    throw ConfigError("config " + config.file.string() + ": liveness needs the ResNet model's first layer: " + e.what());
  }
  setup.threshold = setup.model->threshold;
  setup.threshold_source = "model";
  if (config.liveness.threshold) {
    setup.threshold = *config.liveness.threshold;
    setup.threshold_source = "config";
  } else if (auto calibration = read_liveness_calibration(config.liveness.calibration_file)) {
    if (calibration->model_sha256 == config.liveness.model_sha256) {
      setup.threshold = calibration->threshold;
      setup.threshold_source = "calibration " + config.liveness.calibration_file.string();
    } else {
      // Scores of another model mean nothing on this one's scale.
      spdlog::warn("liveness calibration {} was made for another model; using the model's threshold {:.3f} "
                   "(run 'portier liveness calibrate' again)",
                   config.liveness.calibration_file.string(), setup.threshold);
    }
  }
  return setup;
}

}  // namespace portier

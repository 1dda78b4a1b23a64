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

std::optional<std::string> calibration_overridden(const Config& config) {
  if (config.liveness.threshold)
    return fmt::format("liveness.threshold = {:.3f} in {} overrides any calibration: remove it first",
                       *config.liveness.threshold, config.file.string());
  std::error_code ec;
  if (std::filesystem::exists(config.liveness.site_model_file, ec))
    return "the site model " + config.liveness.site_model_file.string() +
           " is in force with its own threshold: calibration is for the shipped model (make the site model again "
           "with 'portier liveness adapt', or remove it)";
  return std::nullopt;
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

namespace {

void read_stem(LivenessSetup& setup, const Config& config, const TextureStemWeights* stem) {
  const auto resnet = config.models.dir / kResnetModel.name;
  try {
    setup.stem = std::make_shared<const TextureStem>(stem ? *stem : resnet_stem_weights(resnet));
  } catch (const std::exception& e) {
    throw ConfigError("config " + config.file.string() + ": liveness needs the ResNet model's first layer: " + e.what());
  }
}

// This door's own model, when there is one: ConfigError for a pinned one
// that is missing or another, or any that is malformed or has no site head.
std::optional<LivenessModel> site_model(const Config& config) {
  const auto& file = config.liveness.site_model_file;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec) && config.liveness.site_model_sha256.empty()) return std::nullopt;
  auto loaded = load_liveness_model(file, config.liveness.site_model_sha256);
  if (auto* why = std::get_if<std::string>(&loaded))
    throw ConfigError("config " + config.file.string() + ": key 'liveness.site_model': " + *why +
                      " (make it again with 'portier liveness adapt', or remove it to use the shipped model)");
  auto model = std::move(std::get<LivenessModel>(loaded));
  if (!model.site)
    throw ConfigError("config " + config.file.string() + ": key 'liveness.site_model': " + file.string() +
                      " has no site head: it is not a model 'portier liveness adapt' made");
  return model;
}

// The per-camera calibration, when it was made for this very model.
void apply_calibration(LivenessSetup& setup, const Config& config) {
  const auto calibration = read_liveness_calibration(config.liveness.calibration_file);
  if (!calibration) return;
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

}  // namespace

LivenessSetup load_liveness_file(const Config& config, const std::filesystem::path& file, const TextureStemWeights* stem) {
  LivenessSetup setup;
  auto loaded = load_liveness_model(file, "");
  if (auto* why = std::get_if<std::string>(&loaded)) throw ConfigError(*why);
  setup.model = std::make_unique<LivenessModel>(std::move(std::get<LivenessModel>(loaded)));
  read_stem(setup, config, stem);
  setup.threshold = setup.model->threshold;
  setup.threshold_source = std::string(setup.model->site ? "site model " : "model ") + file.string();
  return setup;
}

LivenessSetup load_liveness(const Config& config, bool even_if_disabled, const TextureStemWeights* stem) {
  LivenessSetup setup;
  if (!config.liveness.enabled && !even_if_disabled) return setup;
  auto loaded = load_liveness_model(config.liveness.model, config.liveness.model_sha256);
  if (auto* why = std::get_if<std::string>(&loaded)) throw ConfigError("config " + config.file.string() + ": key 'liveness.model': " + *why);
  setup.model = std::make_unique<LivenessModel>(std::move(std::get<LivenessModel>(loaded)));
  read_stem(setup, config, stem);
  setup.threshold = setup.model->threshold;
  setup.threshold_source = "model";
  auto site = site_model(config);
  if (site) {
    // Made at this door, with its own threshold: the calibration, which is
    // the shipped model's, does not apply to it.
    *setup.model = std::move(*site);
    setup.threshold = setup.model->threshold;
    setup.threshold_source = "site model " + config.liveness.site_model_file.string();
  }
  if (config.liveness.threshold) {
    setup.threshold = *config.liveness.threshold;
    setup.threshold_source = "config";
  } else if (!site) {
    apply_calibration(setup, config);
  }
  return setup;
}

}  // namespace portier

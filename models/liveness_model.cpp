#include "models/liveness_model.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "models/model_files.h"

namespace portier {
namespace {

using json = nlohmann::json;

struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<float> floats_of(const json& array, const std::string& what, size_t expected) {
  if (!array.is_array()) throw FormatError("'" + what + "' is not a list of numbers");
  std::vector<float> v;
  v.reserve(array.size());
  for (const auto& x : array) {
    if (!x.is_number()) throw FormatError("'" + what + "' holds something that is not a number");
    v.push_back(x.get<float>());
    if (!std::isfinite(v.back())) throw FormatError("'" + what + "' holds a value that is not a finite number");
  }
  if (v.size() != expected)
    throw FormatError("'" + what + "' has " + std::to_string(v.size()) + " values, expected " + std::to_string(expected));
  return v;
}

std::vector<float> floats(const json& j, const char* key, size_t expected) {
  if (!j.contains(key)) throw FormatError(std::string("'") + key + "' is missing");
  return floats_of(j[key], key, expected);
}

double number(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) throw FormatError(std::string("'") + key + "' is missing");
  const double v = j[key].get<double>();
  if (!std::isfinite(v)) throw FormatError(std::string("'") + key + "' is not a finite number");
  return v;
}

Standardiser read_standardiser(const json& j, size_t dims) {
  Standardiser s{floats(j, "mean", dims), floats(j, "scale", dims)};
  for (float& v : s.scale)
    if (!(v > 0)) throw FormatError("'scale' must be positive");
  return s;
}

// Each float as the shortest decimal that reads back as the same float: a
// float written as a double takes 17 digits, and the print head's support
// vectors are 200,000 of them (4 MB as doubles, a third of it this way).
json floats_json(const std::vector<float>& values) {
  json out = json::array();
  char text[32];
  for (const float v : values) {
    const auto written = std::to_chars(text, text + sizeof text, v);
    out.push_back(std::strtod(std::string(text, written.ptr).c_str(), nullptr));
  }
  return out;
}

json write_standardiser(const Standardiser& s) { return {{"mean", floats_json(s.mean)}, {"scale", floats_json(s.scale)}}; }

}  // namespace

void Standardiser::apply(const std::vector<float>& x, std::vector<float>& z) const {
  if (x.size() != mean.size()) throw std::invalid_argument("liveness: feature count does not match the model");
  z.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) z[i] = (x[i] - mean[i]) / scale[i];
}

double LogisticHead::margin(const std::vector<float>& features) const {
  thread_local std::vector<float> z;
  standardiser.apply(features, z);
  double sum = bias;
  for (size_t i = 0; i < z.size(); ++i) sum += static_cast<double>(weights[i]) * z[i];
  return sum;
}

double LogisticHead::probability(const std::vector<float>& features) const {
  return platt_probability(platt_a, platt_b, margin(features));
}

double KernelHead::margin(const std::vector<float>& features) const {
  thread_local std::vector<float> z;
  standardiser.apply(features, z);
  double sum = bias;
  for (size_t k = 0; k < support.size(); ++k) {
    const auto& s = support[k];
    double d2 = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      const double d = static_cast<double>(z[i]) - s[i];
      d2 += d * d;
    }
    sum += alpha[k] * std::exp(-gamma * d2);
  }
  return sum;
}

double KernelHead::probability(const std::vector<float>& features) const {
  return platt_probability(platt_a, platt_b, margin(features));
}

double platt_probability(double a, double b, double margin) { return 1.0 / (1.0 + std::exp(-(a * margin + b))); }

double LivenessModel::score(const LivenessFeatures& features) const {
  if (features.scene.empty()) return face.probability(features.face);
  if (site) return site->probability(features.scene);
  const double s = scene.probability(features.scene);
  return print ? std::min(s, print->probability(features.scene)) : s;
}

double score_face_in_frame(const LivenessModel& model, const TextureStem& stem, const cv::Mat& frame_bgr,
                           const cv::Rect& face) {
  return model.score(liveness_features(cut_liveness_crops(frame_bgr, face), stem));
}

namespace {

class ModelScorer final : public LivenessScorer {
 public:
  ModelScorer(LivenessModel model, std::shared_ptr<const TextureStem> stem) : model_(std::move(model)), stem_(std::move(stem)) {}
  double score(const cv::Mat& frame_bgr, const cv::Rect& face) const override {
    return score_face_in_frame(model_, *stem_, frame_bgr, face);
  }

 private:
  LivenessModel model_;
  std::shared_ptr<const TextureStem> stem_;
};

// What every head has: the standardiser, the bias and Platt's mapping.
template <class Head>
void read_common(const json& j, size_t dims, Head& h) {
  h.standardiser = read_standardiser(j, dims);
  h.bias = number(j, "bias");
  h.platt_a = number(j, "platt_a");
  h.platt_b = number(j, "platt_b");
  if (!(h.platt_a > 0)) throw FormatError("'platt_a' must be positive (a higher margin is more live)");
}

template <class Head>
json write_common(const Head& h) {
  json j = write_standardiser(h.standardiser);
  j["bias"] = h.bias;
  j["platt_a"] = h.platt_a;
  j["platt_b"] = h.platt_b;
  return j;
}

LogisticHead read_head(const json& j, size_t dims) {
  LogisticHead h;
  read_common(j, dims, h);
  h.weights = floats(j, "weights", dims);
  return h;
}

json write_head(const LogisticHead& h) {
  json j = write_common(h);
  j["weights"] = floats_json(h.weights);
  return j;
}

KernelHead read_kernel_head(const json& j, size_t dims) {
  KernelHead h;
  read_common(j, dims, h);
  if (!j.contains("support") || !j["support"].is_array() || j["support"].empty())
    throw FormatError("'support' is missing or empty");
  for (const auto& row : j["support"]) h.support.push_back(floats_of(row, "support", dims));
  h.alpha = floats(j, "alpha", h.support.size());
  h.gamma = number(j, "gamma");
  if (!(h.gamma > 0)) throw FormatError("'gamma' must be positive");
  return h;
}

json write_kernel_head(const KernelHead& h) {
  json j = write_common(h);
  j["support"] = json::array();
  for (const auto& row : h.support) j["support"].push_back(floats_json(row));
  j["alpha"] = floats_json(h.alpha);
  j["gamma"] = h.gamma;
  return j;
}

}  // namespace

std::unique_ptr<LivenessScorer> make_liveness_scorer(LivenessModel model, std::shared_ptr<const TextureStem> stem) {
  if (!stem) throw std::invalid_argument("liveness scorer: no texture stem");
  return std::make_unique<ModelScorer>(std::move(model), std::move(stem));
}

std::variant<LivenessModel, std::string> load_liveness_model(const std::filesystem::path& file,
                                                             std::string_view expected_sha256) {
  const std::string name = "liveness model " + file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return name + " is missing";
  if (!expected_sha256.empty()) {
    const auto digest = sha256_of_file(file);
    if (!digest) return name + " cannot be read";
    if (*digest != expected_sha256)
      return name + " is corrupt or not the expected one: sha256 " + *digest + ", expected " + std::string(expected_sha256);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return name + " cannot be read";
  try {
    const json j = json::parse(in);
    if (j.value("format", "") != kLivenessModelFormat)
      return name + " is not a " + std::string(kLivenessModelFormat) + " file";
    LivenessModel m;
    m.face = read_head(j.at("face_head"), static_cast<size_t>(face_feature_count()));
    m.scene = read_head(j.at("scene_head"), static_cast<size_t>(scene_feature_count()));
    if (j.contains("print_head")) m.print = read_kernel_head(j["print_head"], static_cast<size_t>(scene_feature_count()));
    if (j.contains("site_head")) m.site = read_kernel_head(j["site_head"], static_cast<size_t>(scene_feature_count()));
    m.threshold = number(j, "threshold");
    m.calibration_floor = number(j, "calibration_floor");
    if (!(m.threshold > 0 && m.threshold < 1)) throw FormatError("'threshold' must be between 0 and 1");
    m.training = j.value("training", json::object());
    return m;
  } catch (const FormatError& e) {
    return name + " is malformed: " + e.what();
  } catch (const json::exception& e) {
    return name + " is malformed: " + e.what();
  }
}

std::string liveness_model_text(const LivenessModel& m) {
  json j{{"format", kLivenessModelFormat},
               {"features", {{"face_size", kLivenessFaceSize},
                             {"texture_size", kLivenessTextureSize},
                             {"context_size", kLivenessContextSize},
                             {"face_scale", kLivenessFaceScale},
                             {"context_scale", kLivenessContextScale},
                             {"face_features", face_feature_count()},
                             {"scene_features", scene_feature_count()}}},
               {"face_head", write_head(m.face)},
               {"scene_head", write_head(m.scene)},
               {"threshold", m.threshold},
               {"calibration_floor", m.calibration_floor},
               {"training", m.training}};
  if (m.print) j["print_head"] = write_kernel_head(*m.print);
  if (m.site) j["site_head"] = write_kernel_head(*m.site);
  // One line: the numbers are not for reading (the training record is, with jq).
  return j.dump() + '\n';
}

}  // namespace portier

#include "models/liveness_model.h"

#include <algorithm>
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

json write_standardiser(const Standardiser& s) { return {{"mean", s.mean}, {"scale", s.scale}}; }

}  // namespace

void Standardiser::apply(const std::vector<float>& x, std::vector<float>& z) const {
  if (x.size() != mean.size()) throw std::invalid_argument("liveness: feature count does not match the model");
  z.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) z[i] = (x[i] - mean[i]) / scale[i];
}

double LinearHead::raw(const std::vector<float>& features) const {
  thread_local std::vector<float> z;
  standardiser.apply(features, z);
  double sum = bias;
  for (size_t i = 0; i < z.size(); ++i) sum += static_cast<double>(weights[i]) * z[i];
  return sum;
}

double RbfHead::raw(const std::vector<float>& features) const {
  thread_local std::vector<float> z;
  standardiser.apply(features, z);
  double sum = bias;
  for (int r = 0; r < support.rows; ++r) {
    const float* s = support.ptr<float>(r);
    double d2 = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      const double d = z[i] - s[i];
      d2 += d * d;
    }
    sum += coefficients[static_cast<size_t>(r)] * std::exp(-gamma * d2);
  }
  return sum;
}

double LivenessModel::margin(const LivenessFeatures& features) const {
  const double face_margin = face.raw(features.face);
  if (features.scene.empty()) return face_margin;
  return std::min(face_margin, scene.raw(features.scene));
}

double platt_probability(double a, double b, double margin) { return 1.0 / (1.0 + std::exp(-(a * margin + b))); }

double LivenessModel::score_of_margin(double m) const { return platt_probability(platt_a, platt_b, m); }

double LivenessModel::score(const LivenessFeatures& features) const { return score_of_margin(margin(features)); }

namespace {

class ModelScorer final : public LivenessScorer {
 public:
  explicit ModelScorer(LivenessModel model) : model_(std::move(model)) {}
  double score(const cv::Mat& frame_bgr, const cv::Rect& face) const override {
    return model_.score(liveness_features(cut_liveness_crops(frame_bgr, face)));
  }

 private:
  LivenessModel model_;
};

}  // namespace

std::unique_ptr<LivenessScorer> make_liveness_scorer(LivenessModel model) {
  return std::make_unique<ModelScorer>(std::move(model));
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
    const json& face = j.at("face_head");
    m.face.standardiser = read_standardiser(face, kFaceFeatureCount);
    m.face.gamma = number(face, "gamma");
    m.face.bias = number(face, "bias");
    if (!face.contains("support_vectors") || !face["support_vectors"].is_array() || face["support_vectors"].empty())
      throw FormatError("'support_vectors' is missing");
    const auto& sv = face["support_vectors"];
    m.face.coefficients = floats(face, "coefficients", sv.size());
    m.face.support = cv::Mat(static_cast<int>(sv.size()), kFaceFeatureCount, CV_32F);
    for (size_t r = 0; r < sv.size(); ++r) {
      const auto row = floats_of(sv[r], "support_vectors", kFaceFeatureCount);
      std::copy(row.begin(), row.end(), m.face.support.ptr<float>(static_cast<int>(r)));
    }
    const json& scene = j.at("scene_head");
    const auto dims = static_cast<size_t>(scene_feature_count());
    m.scene.standardiser = read_standardiser(scene, dims);
    m.scene.weights = floats(scene, "weights", dims);
    m.scene.bias = number(scene, "bias");
    m.platt_a = number(j.at("platt"), "a");
    m.platt_b = number(j.at("platt"), "b");
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
  json face = write_standardiser(m.face.standardiser);
  face["gamma"] = m.face.gamma;
  face["bias"] = m.face.bias;
  face["coefficients"] = m.face.coefficients;
  json rows = json::array();
  for (int r = 0; r < m.face.support.rows; ++r) {
    const float* p = m.face.support.ptr<float>(r);
    rows.push_back(std::vector<float>(p, p + m.face.support.cols));
  }
  face["support_vectors"] = std::move(rows);
  json scene = write_standardiser(m.scene.standardiser);
  scene["weights"] = m.scene.weights;
  scene["bias"] = m.scene.bias;
  const json j{{"format", kLivenessModelFormat},
               {"features", {{"crop_size", kLivenessCropSize},
                             {"face_scale", kLivenessFaceScale},
                             {"context_scale", kLivenessContextScale},
                             {"face_features", kFaceFeatureCount},
                             {"scene_features", scene_feature_count()}}},
               {"face_head", std::move(face)},
               {"scene_head", std::move(scene)},
               {"platt", {{"a", m.platt_a}, {"b", m.platt_b}}},
               {"threshold", m.threshold},
               {"calibration_floor", m.calibration_floor},
               {"training", m.training}};
  return j.dump(1) + '\n';
}

}  // namespace portier

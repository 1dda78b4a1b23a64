#include "access/acceptance_rule.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/model_files.h"

namespace portier {
namespace {

constexpr const char* kFormat = "portier-impostor-curve-1";

std::optional<std::string> read_curve(const nlohmann::json& j, const char* key, DistanceCurve& out) {
  if (!j.contains(key) || !j[key].is_array() || j[key].size() < 2) return std::string("'") + key + "' must hold at least two points";
  for (const auto& p : j[key]) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
      return std::string("'") + key + "' points must be [rate, distance]";
    const double rate = p[0].get<double>(), distance = p[1].get<double>();
    if (!(rate > 0.0 && rate < 1.0) || !(distance >= 0.0 && distance < 4.0))
      return std::string("'") + key + "' has a point out of range";
    if (!out.points.empty() && (rate <= out.points.back().first || distance < out.points.back().second))
      return std::string("'") + key + "' points must rise";
    out.points.emplace_back(rate, distance);
  }
  return std::nullopt;
}

}  // namespace

double DistanceCurve::distance_at(double rate) const {
  if (rate <= points.front().first) return points.front().second;
  if (rate >= points.back().first) return points.back().second;
  const auto hi = std::upper_bound(points.begin(), points.end(), rate,
                                   [](double r, const auto& p) { return r < p.first; });
  const auto lo = hi - 1;
  const double t = (std::log(rate) - std::log(lo->first)) / (std::log(hi->first) - std::log(lo->first));
  return lo->second + t * (hi->second - lo->second);
}

double DistanceCurve::rate_at(double distance) const {
  if (distance <= points.front().second) return points.front().first;
  if (distance >= points.back().second) return points.back().first;
  const auto hi = std::upper_bound(points.begin(), points.end(), distance,
                                   [](double d, const auto& p) { return d < p.second; });
  const auto lo = hi - 1;
  if (hi->second == lo->second) return lo->first;
  const double t = (distance - lo->second) / (hi->second - lo->second);
  return std::exp(std::log(lo->first) + t * (std::log(hi->first) - std::log(lo->first)));
}

std::variant<RecognitionCurves, std::string> read_recognition_curves(const std::filesystem::path& file,
                                                                     std::string_view expected_sha256) {
  const std::string name = "recognition curves " + file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return name + " cannot be read";
  std::stringstream text;
  text << in.rdbuf();
  if (!expected_sha256.empty() && sha256_of_file(file) != std::string(expected_sha256))
    return name + " has the wrong sha256 (expected " + std::string(expected_sha256) +
           "): not the file this build was measured with";
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) return name + " is not JSON";
  if (j.value("format", "") != kFormat) return name + ": format must be \"" + kFormat + "\"";
  RecognitionCurves curves;
  if (auto why = read_curve(j, "impostor", curves.impostor)) return name + ": " + *why;
  if (auto why = read_curve(j, "genuine", curves.genuine)) return name + ": " + *why;
  if (!j.contains("impostor_trials") || !j["impostor_trials"].is_number_unsigned())
    return name + ": 'impostor_trials' must be a count";
  curves.impostor_trials = j["impostor_trials"].get<std::size_t>();
  return curves;
}

namespace {

// With one enrolled embedding a stranger's FPIR is the FMR itself.
double correlation_margin(std::size_t n) { return n > 1 ? kFpirCorrelationMargin : 1.0; }

double fpir_of(double fmr, std::size_t n) { return 1.0 - std::pow(1.0 - fmr, static_cast<double>(std::max<std::size_t>(n, 1))); }

}  // namespace

AcceptanceRule fixed_acceptance_rule(const RecognitionCurves& curves, double threshold, std::size_t embeddings) {
  AcceptanceRule r;
  r.threshold = threshold;
  r.expected_fpir = std::min(1.0, correlation_margin(embeddings) * fpir_of(curves.impostor.rate_at(threshold), embeddings));
  r.expected_fnmr = 1.0 - curves.genuine.rate_at(threshold);
  return r;
}

AcceptanceRule derive_acceptance_rule(const RecognitionCurves& curves, double max_fpir, std::size_t embeddings,
                                      double ceiling) {
  // Per comparison: 1 - (1 - fmr)^N = target  =>  fmr = 1 - (1 - target)^(1/N).
  const double target = max_fpir / correlation_margin(embeddings);
  const double n = static_cast<double>(std::max<std::size_t>(embeddings, 1));
  const double fmr = -std::expm1(std::log1p(-target) / n);
  AcceptanceRule r = fixed_acceptance_rule(curves, std::min(ceiling, curves.impostor.distance_at(fmr)), embeddings);
  r.derived = true;
  return r;
}

}  // namespace portier

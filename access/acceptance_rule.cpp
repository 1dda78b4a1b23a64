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

// One user's nearest distance to a stranger, tabulated: the share of users
// closer than d, for users with `per_user` embeddings each. The impostor
// curve ends short of 1 (the farthest pairs were not kept): its mass beyond
// the last point is put at that point, which is near every user's distance
// in practice (0.9 and more) and irrelevant to who comes first.
class UserDistance {
 public:
  static constexpr int kSteps = 1300;
  static constexpr double kStep = 0.001;
  UserDistance(const DistanceCurve& impostor, double per_user) : cdf_(kSteps + 1) {
    const double last = impostor.points.back().second;
    for (int i = 0; i <= kSteps; ++i) {
      const double d = i * kStep;
      cdf_[i] = d >= last ? 1.0 : -std::expm1(per_user * std::log1p(-std::min(impostor.rate_at(d), 1.0 - 1e-15)));
    }
  }
  double at(double d) const {
    if (d <= 0) return 0.0;
    const double x = d / kStep;
    const int i = static_cast<int>(x);
    if (i >= kSteps) return 1.0;
    return cdf_[i] + (x - i) * (cdf_[i + 1] - cdf_[i]);
  }
  // Sum over the grid of f(d, share of users closer than d, that share's step).
  template <typename F>
  double integrate(F&& f) const {
    double sum = 0.0;
    for (int i = 0; i < kSteps; ++i) {
      const double step = cdf_[i + 1] - cdf_[i];
      if (step > 0) sum += f((i + 0.5) * kStep, 0.5 * (cdf_[i] + cdf_[i + 1]), step);
    }
    return sum;
  }

 private:
  std::vector<double> cdf_;
};

// The highest score a stranger may reach and be accepted:
// nearest < min(ceiling, runner_up, (t + runner_up) / 2).
double accepted_nearest(double t, double runner_up, double ceiling) {
  return std::min({ceiling, runner_up, 0.5 * (t + runner_up)});
}

// P(a stranger is accepted): over the runner-up's distance y (the second
// smallest of U users' distances, density U(U-1) g(y) (1-G(y))^(U-2) G(x) for
// the nearest at x < y), the nearest below accepted_nearest(t, y).
double stranger_accepted(const UserDistance& user, double users, double t, double ceiling) {
  return user.integrate([&](double y, double g, double dg) {
    return users * (users - 1) * dg * std::pow(1.0 - g, users - 2) * user.at(accepted_nearest(t, y, ceiling));
  });
}

// P(an enrolled user is accepted as himself): his genuine distance below
// accepted_nearest(t, y) with y the nearest of the other U - 1 users.
double user_accepted(const DistanceCurve& genuine, const UserDistance& user, double users, double t, double ceiling) {
  return user.integrate([&](double y, double g, double dg) {
    return (users - 1) * dg * std::pow(1.0 - g, users - 2) * genuine.rate_at(accepted_nearest(t, y, ceiling));
  });
}

}  // namespace

double normalised_score(double nearest, double runner_up) { return nearest - (runner_up - nearest); }

std::string describe_rule(const AcceptanceRule& rule) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(3);
  out << "accepting the nearest user closer than " << rule.threshold;
  if (rule.score_threshold)
    out << " whose score (nearest - (runner-up - nearest)) is below " << *rule.score_threshold;
  if (rule.min_lead > 0) out << ", leading the runner-up by " << rule.min_lead;
  if (!rule.user_threshold.empty())
    out << "; " << rule.user_threshold.size() << (rule.user_threshold.size() == 1 ? " user" : " users")
        << " with a look-alike within a narrower radius";
  return out.str();
}

AcceptanceRule fixed_acceptance_rule(const RecognitionCurves& curves, double threshold, std::size_t embeddings) {
  AcceptanceRule r;
  r.threshold = threshold;
  r.expected_fpir = std::min(1.0, correlation_margin(embeddings) * fpir_of(curves.impostor.rate_at(threshold), embeddings));
  r.expected_fnmr = 1.0 - curves.genuine.rate_at(threshold);
  return r;
}

AcceptanceRule derive_distance_rule(const RecognitionCurves& curves, double max_fpir, std::size_t embeddings,
                                    double ceiling) {
  // Per comparison: 1 - (1 - fmr)^N = target  =>  fmr = 1 - (1 - target)^(1/N).
  const double target = max_fpir / correlation_margin(embeddings);
  const double n = static_cast<double>(std::max<std::size_t>(embeddings, 1));
  const double fmr = -std::expm1(std::log1p(-target) / n);
  AcceptanceRule r = fixed_acceptance_rule(curves, std::min(ceiling, curves.impostor.distance_at(fmr)), embeddings);
  r.derived = true;
  return r;
}

AcceptanceRule derive_acceptance_rule(const RecognitionCurves& curves, double max_fpir, GallerySize gallery,
                                      double ceiling, std::size_t score_from) {
  if (gallery.users < std::max<std::size_t>(2, score_from)) return derive_distance_rule(curves, max_fpir, gallery.embeddings, ceiling);
  const double users = static_cast<double>(gallery.users);
  const UserDistance user(curves.impostor, std::max(1.0, static_cast<double>(gallery.embeddings) / users));
  const double distance =
      derive_distance_rule(curves, std::min(0.5, kScoreDistanceLeeway * max_fpir), gallery.embeddings, ceiling).threshold;
  // The stranger rate rises with the score threshold: bisect for the largest
  // within the target. Scores below -distance cannot occur.
  const double target = max_fpir / kScoreCorrelationMargin;
  double lo = -distance, hi = distance;
  for (int i = 0; i < 40; ++i) {
    const double mid = 0.5 * (lo + hi);
    (stranger_accepted(user, users, mid, distance) <= target ? lo : hi) = mid;
  }
  AcceptanceRule r;
  r.threshold = distance;
  r.score_threshold = lo;
  r.expected_fpir = std::min(1.0, kScoreCorrelationMargin * stranger_accepted(user, users, lo, distance));
  r.expected_fnmr = std::clamp(1.0 - user_accepted(curves.genuine, user, users, lo, distance), 0.0, 1.0);
  r.derived = true;
  return r;
}

}  // namespace portier

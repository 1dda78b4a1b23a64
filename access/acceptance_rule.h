// How close the nearest enrolled user must be for the door to take the face
// as that user. A fixed distance is wrong for both a family and an office: a
// stranger's chance of falling near somebody grows with every user enrolled.
// So the installer states the rate (decision.max_fpir: strangers taken for
// an enrolled user, per attempt) and the distance is derived for the gallery
// the door has, from a measured 1:1 impostor curve (`portier eval impostors`,
// models/data/portier-impostors.json).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace portier {

// [rate, distance] points, both ascending: a share `rate` of the trials are
// closer than `distance`.
struct DistanceCurve {
  std::vector<std::pair<double, double>> points;
  // The distance below which a share `rate` falls (log-linear between points;
  // clamped to the measured range).
  double distance_at(double rate) const;
  // The share below `distance` (clamped likewise).
  double rate_at(double distance) const;
};

struct RecognitionCurves {
  DistanceCurve impostor;  // rate = FMR: impostors closer than the distance
  DistanceCurve genuine;   // rate = 1 - FNMR: genuine pairs closer than the distance
  std::size_t impostor_trials = 0;
};

// Reads and checks the curves file: the sha256 when one is expected (empty:
// not checked), the format, ascending points. One line naming what is wrong.
std::variant<RecognitionCurves, std::string> read_recognition_curves(const std::filesystem::path& file,
                                                                     std::string_view expected_sha256);

// Measured on LFW's development training view (docs/recognition.md): with
// several enrolled users a stranger's nearest distances are not independent
// draws (some faces are near many), and the independent model underestimated
// the false-positive rate, more so the larger the gallery: ~1.5x for small
// ones, ~2.5x for 402 users. With more than one embedding enrolled, the rule
// aims at max_fpir / this.
inline constexpr double kFpirCorrelationMargin = 3.0;

struct AcceptanceRule {
  double threshold = 0.55;      // accept the nearest user when closer than this
  double expected_fpir = 0.0;   // strangers taken for somebody, per attempt, by the curve
  double expected_fnmr = 0.0;   // enrolled users not taken at the first look, by the curve
  bool derived = false;         // from max_fpir (true) or a fixed decision.threshold
};

// The distance for a gallery of `embeddings` (each a chance for a stranger to
// fall near): the largest for which 1 - (1 - FMR)^N stays at max_fpir /
// kFpirCorrelationMargin, at most `ceiling`.
AcceptanceRule derive_acceptance_rule(const RecognitionCurves& curves, double max_fpir, std::size_t embeddings,
                                      double ceiling);
// What a fixed threshold gives on a gallery of that size.
AcceptanceRule fixed_acceptance_rule(const RecognitionCurves& curves, double threshold, std::size_t embeddings);

}  // namespace portier

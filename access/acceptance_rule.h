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
#include <unordered_map>
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
// ones, ~2.5x for 402 users. With more than one embedding enrolled, a rule on
// the distance alone aims at max_fpir / this.
inline constexpr double kFpirCorrelationMargin = 3.0;
// The score rule (below) from this many users on. Its runner-up stands for
// "everybody else" only when the gallery is varied enough: with 10 DevTrain
// users, one of them the only East Asian man, East Asian strangers fell near
// him and far from the rest, and the score took 12 of 3,416 strangers where
// the distance rule took 5. At 100 users the score rule took none of 3,164
// (the distance rule 1), at 402 1 of 2,382 (the distance rule 2), refusing
// 62% of users against 66% (docs/recognition.md).
inline constexpr std::size_t kMinUsersForScore = 100;
// The score rule aims at max_fpir / this: fitted on DevTrain galleries of
// 100 and 402 users, where the order-statistics model predicted at least as
// many accepted strangers as were measured; the margin keeps room for a
// gallery less varied than LFW's.
inline constexpr double kScoreCorrelationMargin = 1.5;
// And the nearest user must still be within the distance rule's distance for
// this many times max_fpir: a user alone among the gallery in looking like a
// group of strangers is then no worse off than under a 10x looser distance rule.
inline constexpr double kScoreDistanceLeeway = 10.0;

// What a 1:N search found for a face: the nearest user's distance, and the
// second-nearest user's when the gallery has another.
double normalised_score(double nearest, double runner_up);

struct GallerySize {
  std::size_t users = 0;
  std::size_t embeddings = 0;
};

// Two ways to accept the nearest user: the distance alone (fewer than
// kMinUsersForScore users, a fixed decision.threshold, or 1:1 against a
// card's holder), or in a large gallery its lead too. The score
// nearest - (runner-up - nearest) asks how much nearer that user is than
// anybody else: a stranger who happens to fall near one of hundreds of users
// is usually near several, a user near himself alone. On LFW's development training view (402 users) it refused 52% of
// users at a 0.1% stranger rate where the distance refused 65%
// (docs/recognition.md).
//
// At every gallery size two more conditions hold (access/lookalikes.h):
// the nearest user must lead the runner-up by min_lead, and a user with a
// look-alike enrolled is accepted only within a narrower radius of their own.
struct AcceptanceRule {
  double threshold = 0.55;      // the nearest user's distance must be below this
  std::optional<double> score_threshold;  // and, with a runner-up, normalised_score below this
  double min_lead = 0.0;        // and, with a runner-up, runner-up - nearest at least this
  // Users whose look-alike narrows their radius below `threshold`.
  std::unordered_map<std::int64_t, double> user_threshold;
  double expected_fpir = 0.0;   // strangers taken for somebody, per attempt, by the curves
  double expected_fnmr = 0.0;   // enrolled users not taken at the first look, by the curves
  bool derived = false;         // from max_fpir (true) or a fixed decision.threshold

  double threshold_for(std::int64_t user) const {
    const auto it = user_threshold.find(user);
    return it == user_threshold.end() ? threshold : it->second;
  }
  // Without a user: as if nobody had a look-alike (the rule's simulations).
  bool accepts(double nearest, std::optional<double> runner_up) const {
    return accepts_within(threshold, nearest, runner_up);
  }
  bool accepts(std::int64_t user, double nearest, std::optional<double> runner_up) const {
    return accepts_within(threshold_for(user), nearest, runner_up);
  }

 private:
  bool accepts_within(double radius, double nearest, std::optional<double> runner_up) const {
    if (!(nearest < radius)) return false;
    if (runner_up && *runner_up - nearest < min_lead) return false;
    return !score_threshold || !runner_up || normalised_score(nearest, *runner_up) < *score_threshold;
  }
};

// The rule for a gallery: below kMinUsersForScore users, the largest distance
// for which 1 - (1 - FMR)^embeddings stays at max_fpir /
// kFpirCorrelationMargin (1 with one embedding), at most `ceiling`; from it
// on, the distance rule's at kScoreDistanceLeeway x max_fpir and the largest
// score for which the stranger rate (order statistics of the two nearest of
// `users` draws from the impostor curve, each user holding embeddings /
// users of them) stays at max_fpir / kScoreCorrelationMargin.
// (`score_from` other than kMinUsersForScore only to measure what the score
// rule would do on a smaller gallery: `portier eval identify --score-from`.)
AcceptanceRule derive_acceptance_rule(const RecognitionCurves& curves, double max_fpir, GallerySize gallery,
                                      double ceiling, std::size_t score_from = kMinUsersForScore);
// The distance alone, for a 1:1 comparison with a user of that many embeddings.
AcceptanceRule derive_distance_rule(const RecognitionCurves& curves, double max_fpir, std::size_t embeddings,
                                    double ceiling);
// One line for logs and doctor: what the rule accepts.
std::string describe_rule(const AcceptanceRule& rule);
// What a fixed distance threshold gives on a gallery of that many embeddings.
AcceptanceRule fixed_acceptance_rule(const RecognitionCurves& curves, double threshold, std::size_t embeddings);

}  // namespace portier

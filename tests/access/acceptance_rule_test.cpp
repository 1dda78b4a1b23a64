#include "access/acceptance_rule.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "models/model_files.h"
#include "tests/test_support.h"

namespace portier {
namespace {

// FMR falls tenfold every 0.05 below 0.6, half the impostors are beyond 0.75; genuine pairs sit between 0.2 and 0.6.
const char* kCurves = R"({"format": "portier-impostor-curve-1", "impostor_trials": 10000000,
  "impostor": [[1e-07, 0.3], [1e-06, 0.35], [1e-05, 0.4], [0.0001, 0.45], [0.001, 0.5], [0.01, 0.55], [0.1, 0.6],
               [0.5, 0.75], [0.99, 0.95]],
  "genuine": [[0.01, 0.2], [0.5, 0.4], [0.99, 0.6]]})";

RecognitionCurves curves(const test::TempDir& dir) {
  test::write_file(dir / "c.json", kCurves);
  auto read = read_recognition_curves(dir / "c.json", "");
  EXPECT_TRUE(std::holds_alternative<RecognitionCurves>(read)) << std::get<std::string>(read);
  return std::get<RecognitionCurves>(read);
}

TEST(AcceptanceRule, OneEnrolledFaceGetsTheDistanceAtTheStatedRate) {
  test::TempDir dir;
  const auto r = derive_acceptance_rule(curves(dir), 1e-3, {1, 1}, 0.6);
  EXPECT_TRUE(r.derived);
  EXPECT_FALSE(r.score_threshold) << "one user: nobody to be the runner-up";
  EXPECT_NEAR(r.threshold, 0.5, 1e-9) << "FPIR = FMR with one face";
  EXPECT_NEAR(r.expected_fpir, 1e-3, 1e-9);
  EXPECT_GT(r.expected_fnmr, 0.2);
  EXPECT_LT(r.expected_fnmr, 0.4);
}

TEST(AcceptanceRule, OneToOneAgainstMoreEmbeddingsMustBeStricter) {
  test::TempDir dir;
  const auto c = curves(dir);
  double last = 1.0;
  for (size_t n : {1u, 3u, 30u, 300u, 3000u}) {
    const auto r = derive_distance_rule(c, 1e-3, n, 0.6);
    EXPECT_LT(r.threshold, last) << n << " embeddings";
    EXPECT_NEAR(r.expected_fpir, 1e-3, 2e-5) << "the rule keeps the stated rate: " << n;
    last = r.threshold;
  }
  // 1000 embeddings, margin m: FMR = 1 - (1 - 1e-3 / m)^(1/1000) ~ 1e-6 / m,
  // and the curve falls 0.05 a decade through 0.35 at 1e-6.
  EXPECT_NEAR(derive_distance_rule(c, 1e-3, 1000, 0.6).threshold,
              0.35 + 0.05 * std::log10(1.0 / kFpirCorrelationMargin), 2e-3);
}

TEST(AcceptanceRule, TheCeilingHoldsAndAFixedThresholdSaysWhatItCosts) {
  test::TempDir dir;
  const auto c = curves(dir);
  EXPECT_DOUBLE_EQ(derive_acceptance_rule(c, 0.2, {1, 1}, 0.55).threshold, 0.55);
  const auto fixed = fixed_acceptance_rule(c, 0.55, 400);
  EXPECT_FALSE(fixed.derived);
  EXPECT_GT(fixed.expected_fpir, 0.9) << "0.55 over 400 faces takes nearly every stranger for somebody";
}

// Draws from a curve by its inverse: the mass beyond its last point sits at
// that point, as the rule's model puts it.
double draw(const DistanceCurve& c, std::mt19937_64& rng) {
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  return u >= c.points.back().first ? c.points.back().second : c.distance_at(u);
}

// The order-statistics integral against a simulation of the same model:
// each user's distance the nearest of its embeddings' draws, the stranger
// accepted when the rule accepts his nearest user given the runner-up.
TEST(AcceptanceRule, TheScoreRuleKeepsTheRateItsModelSimulates) {
  test::TempDir dir;
  const auto c = curves(dir);
  for (const GallerySize gallery : {GallerySize{kMinUsersForScore, kMinUsersForScore}, GallerySize{200, 400}}) {
    // A rate high enough to measure in 40,000 trials.
    const auto rule = derive_acceptance_rule(c, 0.02 * kScoreCorrelationMargin, gallery, 0.6);
    ASSERT_TRUE(rule.score_threshold);
    EXPECT_DOUBLE_EQ(rule.threshold,
                     derive_distance_rule(c, 0.02 * kScoreCorrelationMargin * kScoreDistanceLeeway, gallery.embeddings, 0.6)
                         .threshold)
        << "the distance rule's, 10x looser";
    EXPECT_NEAR(rule.expected_fpir, 0.02 * kScoreCorrelationMargin, 1e-3);
    std::mt19937_64 rng(7);
    const size_t per_user = gallery.embeddings / gallery.users;
    const int trials = 40000;
    int strangers = 0, users = 0;
    std::vector<double> d(gallery.users);
    for (int t = 0; t < trials; ++t) {
      for (auto& x : d) {
        x = 10.0;
        for (size_t e = 0; e < per_user; ++e) x = std::min(x, draw(c.impostor, rng));
      }
      // A user: his genuine distance against the nearest of the others.
      const double others = *std::min_element(d.begin(), d.end() - 1);
      const double own = draw(c.genuine, rng);
      users += own < others && rule.accepts(own, others);
      std::partial_sort(d.begin(), d.begin() + 2, d.end());
      strangers += rule.accepts(d[0], d[1]);
    }
    EXPECT_NEAR(static_cast<double>(strangers) / trials, 0.02, 0.003) << gallery.users << " users";
    EXPECT_NEAR(static_cast<double>(users) / trials, 1.0 - rule.expected_fnmr, 0.01) << gallery.users << " users";
  }
}

TEST(AcceptanceRule, ASmallGalleryIsJudgedByTheDistanceAlone) {
  test::TempDir dir;
  const auto c = curves(dir);
  const auto small = derive_acceptance_rule(c, 1e-3, {kMinUsersForScore - 1, 3 * (kMinUsersForScore - 1)}, 0.6);
  EXPECT_FALSE(small.score_threshold) << "too few users for the runner-up to stand for everybody else";
  EXPECT_DOUBLE_EQ(small.threshold, derive_distance_rule(c, 1e-3, 3 * (kMinUsersForScore - 1), 0.6).threshold);
  const auto large = derive_acceptance_rule(c, 1e-3, {kMinUsersForScore, 3 * kMinUsersForScore}, 0.6);
  ASSERT_TRUE(large.score_threshold);
  EXPECT_GT(large.threshold, small.threshold) << "the distance is a looser bound once the score weighs too";
  EXPECT_NEAR(large.expected_fpir, 1e-3, 2e-5);
}

TEST(AcceptanceRule, TheScoreRuleAcceptsALeadNotADistance) {
  AcceptanceRule rule;
  rule.threshold = 0.6;
  rule.score_threshold = 0.2;
  EXPECT_FALSE(rule.accepts(0.35, 0.45)) << "near, but as near another user";
  EXPECT_TRUE(rule.accepts(0.45, 0.75)) << "farther, but far from everybody else";
  EXPECT_FALSE(rule.accepts(0.61, 1.5)) << "beyond the ceiling";
  EXPECT_TRUE(rule.accepts(0.55, std::nullopt)) << "nobody else enrolled: the distance decides";
  EXPECT_NEAR(normalised_score(0.4, 0.7), 0.1, 1e-12);
}

TEST(AcceptanceRule, ABadCurvesFileIsNamedAndRefused) {
  test::TempDir dir;
  test::write_file(dir / "c.json", kCurves);
  auto wrong = read_recognition_curves(dir / "c.json", std::string(64, 'a'));
  ASSERT_TRUE(std::holds_alternative<std::string>(wrong));
  EXPECT_NE(std::get<std::string>(wrong).find("sha256"), std::string::npos);
  const auto sha = sha256_of_file(dir / "c.json");
  EXPECT_TRUE(std::holds_alternative<RecognitionCurves>(read_recognition_curves(dir / "c.json", *sha)));
  for (const char* bad : {"{", R"({"format": "other"})",
                          R"({"format": "portier-impostor-curve-1", "impostor_trials": 5, "impostor": [[0.1, 0.5], [0.01, 0.6]],
                             "genuine": [[0.1, 0.2], [0.5, 0.4]]})"}) {
    test::write_file(dir / "bad.json", bad);
    auto r = read_recognition_curves(dir / "bad.json", "");
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << bad;
    EXPECT_NE(std::get<std::string>(r).find("bad.json"), std::string::npos) << std::get<std::string>(r);
  }
}

TEST(AcceptanceRule, TheShippedCurvesAreTheOnesThisBuildWasMeasuredWith) {
  auto r = read_recognition_curves(test::kSourceDir / "models/data" / kRecognitionCurves.name, kRecognitionCurves.sha256);
  ASSERT_TRUE(std::holds_alternative<RecognitionCurves>(r)) << std::get<std::string>(r);
  EXPECT_GT(std::get<RecognitionCurves>(r).impostor_trials, 1'000'000u);
}

}  // namespace
}  // namespace portier

#include "access/acceptance_rule.h"

#include <gtest/gtest.h>

#include "models/model_files.h"
#include "tests/test_support.h"

namespace portier {
namespace {

// FMR falls tenfold every 0.05 below 0.6; genuine pairs sit between 0.2 and 0.6.
const char* kCurves = R"({"format": "portier-impostor-curve-1", "impostor_trials": 10000000,
  "impostor": [[1e-07, 0.3], [1e-06, 0.35], [1e-05, 0.4], [0.0001, 0.45], [0.001, 0.5], [0.01, 0.55], [0.1, 0.6]],
  "genuine": [[0.01, 0.2], [0.5, 0.4], [0.99, 0.6]]})";

RecognitionCurves curves(const test::TempDir& dir) {
  test::write_file(dir / "c.json", kCurves);
  auto read = read_recognition_curves(dir / "c.json", "");
  EXPECT_TRUE(std::holds_alternative<RecognitionCurves>(read)) << std::get<std::string>(read);
  return std::get<RecognitionCurves>(read);
}

TEST(AcceptanceRule, OneEnrolledFaceGetsTheDistanceAtTheStatedRate) {
  test::TempDir dir;
  const auto r = derive_acceptance_rule(curves(dir), 1e-3, 1, 0.6);
  EXPECT_TRUE(r.derived);
  EXPECT_NEAR(r.threshold, 0.5, 1e-9) << "FPIR = FMR with one face";
  EXPECT_NEAR(r.expected_fpir, 1e-3, 1e-9);
  EXPECT_GT(r.expected_fnmr, 0.2);
  EXPECT_LT(r.expected_fnmr, 0.4);
}

TEST(AcceptanceRule, AnOfficeMustBeStricterThanAFamily) {
  test::TempDir dir;
  const auto c = curves(dir);
  double last = 1.0;
  for (size_t n : {1u, 3u, 30u, 300u, 3000u}) {
    const auto r = derive_acceptance_rule(c, 1e-3, n, 0.6);
    EXPECT_LT(r.threshold, last) << n << " embeddings";
    EXPECT_NEAR(r.expected_fpir, 1e-3, 2e-5) << "the rule keeps the stated rate: " << n;
    last = r.threshold;
  }
  // 1000 embeddings, margin m: FMR = 1 - (1 - 1e-3 / m)^(1/1000) ~ 1e-6 / m,
  // and the curve falls 0.05 a decade through 0.35 at 1e-6.
  EXPECT_NEAR(derive_acceptance_rule(c, 1e-3, 1000, 0.6).threshold,
              0.35 + 0.05 * std::log10(1.0 / kFpirCorrelationMargin), 2e-3);
}

TEST(AcceptanceRule, TheCeilingHoldsAndAFixedThresholdSaysWhatItCosts) {
  test::TempDir dir;
  const auto c = curves(dir);
  EXPECT_DOUBLE_EQ(derive_acceptance_rule(c, 0.2, 1, 0.55).threshold, 0.55);
  const auto fixed = fixed_acceptance_rule(c, 0.55, 400);
  EXPECT_FALSE(fixed.derived);
  EXPECT_GT(fixed.expected_fpir, 0.9) << "0.55 over 400 faces takes nearly every stranger for somebody";
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

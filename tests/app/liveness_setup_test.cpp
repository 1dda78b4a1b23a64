// The rule a calibration follows, wherever its faces come from (the CLI's
// camera, the console's live view): enough faces, and never below the
// model's floor, where a photo would pass.
#include "app/liveness_setup.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(CalibrationFromScores, TheThresholdLetsTheTargetShareOfLiveFacesFallBelow) {
  LivenessModel model;
  model.calibration_floor = 0.2;
  std::vector<double> scores;
  for (int i = 0; i < 100; ++i) scores.push_back(0.5 + i * 0.004);  // 0.500 .. 0.896
  auto made = calibration_from_scores(scores, model, "abc", "camera", 0.02, 10);
  ASSERT_TRUE(std::holds_alternative<LivenessCalibration>(made)) << std::get<std::string>(made);
  const auto& c = std::get<LivenessCalibration>(made);
  EXPECT_GT(c.threshold, 0.5);
  EXPECT_LE(c.threshold, 0.512);
  EXPECT_EQ(c.faces, 100);
  EXPECT_EQ(c.model_sha256, "abc");
  EXPECT_NEAR(c.live_p50, 0.7, 1e-9);
}

TEST(CalibrationFromScores, TooFewFacesOrScoresUnderTheFloorAreRefused) {
  LivenessModel model;
  model.calibration_floor = 0.2;
  auto few = calibration_from_scores({0.9, 0.8}, model, "abc", "camera", 0.02, 10);
  ASSERT_TRUE(std::holds_alternative<std::string>(few));
  EXPECT_NE(std::get<std::string>(few).find("only 2 frames"), std::string::npos);
  auto photo = calibration_from_scores(std::vector<double>(20, 0.1), model, "abc", "camera", 0.02, 10);
  ASSERT_TRUE(std::holds_alternative<std::string>(photo));
  EXPECT_NE(std::get<std::string>(photo).find("score too low"), std::string::npos);
}

// The console's "calibrate" button and `liveness calibrate` both ask this
// first: an installer's fixed threshold or a site model would make a
// calibration change nothing, and the message says which and what to do.
TEST(CalibrationOverridden, AFixedThresholdOrASiteModelSaysWhyAndNothingElseDoes) {
  Config config;
  config.file = "/etc/portier/portier.toml";
  config.liveness.site_model_file = "/nonexistent/site-liveness.json";
  EXPECT_FALSE(calibration_overridden(config));
  config.liveness.threshold = 0.3;
  const auto fixed = calibration_overridden(config);
  ASSERT_TRUE(fixed);
  EXPECT_NE(fixed->find("liveness.threshold = 0.300 in /etc/portier/portier.toml overrides any calibration"),
            std::string::npos)
      << *fixed;
}

}  // namespace
}  // namespace portier

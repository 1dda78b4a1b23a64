#include "models/liveness_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "access/atomic_file.h"
#include "models/liveness_training.h"
#include "models/model_files.h"
#include "tests/test_support.h"

namespace portier {
namespace {

// Live samples sit around +1 in every dimension, spoofs around -1.
void synthetic(int n, size_t dims, std::vector<std::vector<float>>& x, std::vector<bool>& live, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.6f);
  for (int i = 0; i < n; ++i) {
    const bool l = i % 2 == 0;
    std::vector<float> row(dims);
    for (auto& v : row) v = (l ? 1.0f : -1.0f) + noise(rng);
    x.push_back(row);
    live.push_back(l);
  }
}

std::vector<double> ones(size_t n) { return std::vector<double>(n, 1.0); }

LivenessModel trained_model() {
  std::vector<std::vector<float>> face, scene;
  std::vector<bool> face_live, scene_live;
  synthetic(200, static_cast<size_t>(face_feature_count()), face, face_live, 1);
  synthetic(200, static_cast<size_t>(scene_feature_count()), scene, scene_live, 2);
  LivenessModel m;
  m.face = train_logistic_head(face, face_live, ones(face.size()), 0.01);
  m.scene = train_logistic_head(scene, scene_live, ones(scene.size()), 0.01);
  m.threshold = 0.5;
  m.calibration_floor = 0.1;
  return m;
}

LivenessFeatures features(float level) {
  return {std::vector<float>(static_cast<size_t>(face_feature_count()), level),
          std::vector<float>(static_cast<size_t>(scene_feature_count()), level)};
}

TEST(LivenessTraining, BothHeadsGiveLiveSamplesPositiveMargins) {
  const auto m = trained_model();
  EXPECT_GT(m.face.margin(features(1.0f).face), 0.5);
  EXPECT_LT(m.face.margin(features(-1.0f).face), -0.5);
  EXPECT_GT(m.scene.margin(features(1.0f).scene), 0.5);
  EXPECT_LT(m.scene.margin(features(-1.0f).scene), -0.5);
}

TEST(LivenessTraining, IsDeterministicAndRefusesOneClass) {
  std::vector<std::vector<float>> x;
  std::vector<bool> live;
  synthetic(60, 20, x, live, 3);
  const auto a = train_logistic_head(x, live, ones(x.size()), 0.1);
  const auto b = train_logistic_head(x, live, ones(x.size()), 0.1);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.bias, b.bias);
  std::vector<bool> all_live(x.size(), true);
  EXPECT_THROW(train_logistic_head(x, all_live, ones(x.size()), 0.1), std::invalid_argument);
}

TEST(LivenessTraining, WeightsDecideWhichSamplesCount) {
  // Two groups disagree about one feature; the heavier group wins.
  std::vector<std::vector<float>> x{{1.0f}, {-1.0f}, {1.0f}, {-1.0f}};
  std::vector<bool> live{true, false, false, true};
  const auto first = train_logistic_head(x, live, {10, 10, 0.1, 0.1}, 1.0);
  const auto second = train_logistic_head(x, live, {0.1, 0.1, 10, 10}, 1.0);
  EXPECT_GT(first.weights[0], 0.0f);
  EXPECT_LT(second.weights[0], 0.0f);
}

TEST(LivenessModel, FramesUseTheSceneHeadAndCropsTheFaceHead) {
  auto m = trained_model();
  m.face.platt_b = 5;  // a face head that calls everything live
  const LivenessFeatures spoof_frame = features(-1.0f);
  EXPECT_LT(m.score(spoof_frame), 0.5) << "a frame is judged with its surroundings";
  const LivenessFeatures spoof_crop{features(-1.0f).face, {}};
  EXPECT_DOUBLE_EQ(m.score(spoof_crop), m.face.probability(spoof_crop.face));
}

TEST(LivenessModel, RefusesFeaturesOfTheWrongSize) {
  const auto m = trained_model();
  EXPECT_THROW(m.face.margin(std::vector<float>(3, 0.0f)), std::invalid_argument);
}

TEST(LivenessTraining, PlattScalingIsIncreasingAndCentred) {
  std::vector<double> margins;
  std::vector<bool> live;
  for (int i = -50; i <= 50; ++i) {
    margins.push_back(i / 25.0);
    live.push_back(i + (i % 7 == 0 ? 30 : 0) > 0);  // mostly separable, some noise
  }
  const auto [a, b] = fit_platt(margins, live);
  EXPECT_GT(a, 0.5);
  EXPECT_NEAR(-b / a, 0.0, 0.6) << "even odds near the boundary";
}

TEST(LivenessModel, SavesAndLoadsTheSameModel) {
  test::TempDir dir;
  auto m = trained_model();
  m.scene.platt_a = 2.5;
  m.face.platt_b = -0.3;
  m.training = {{"command", "test"}};
  ASSERT_FALSE(write_file_atomically(dir / "m.json", liveness_model_text(m)));
  const auto sha = sha256_of_file(dir / "m.json");
  ASSERT_TRUE(sha);
  auto loaded = load_liveness_model(dir / "m.json", *sha);
  ASSERT_TRUE(std::holds_alternative<LivenessModel>(loaded)) << std::get<std::string>(loaded);
  const auto& l = std::get<LivenessModel>(loaded);
  for (float level : {-1.0f, 0.2f, 1.0f}) EXPECT_NEAR(l.score(features(level)), m.score(features(level)), 1e-5);
  EXPECT_DOUBLE_EQ(l.threshold, 0.5);
  EXPECT_EQ(l.training["command"], "test");
  EXPECT_FALSE(std::filesystem::exists(dir / "m.json.tmp"));
  // Every float reads back as the very same float, written in its shortest form.
  EXPECT_EQ(l.scene.weights, m.scene.weights);
  EXPECT_EQ(l.face.standardiser.mean, m.face.standardiser.mean);
  EXPECT_EQ(l.face.standardiser.scale, m.face.standardiser.scale);
  m.scene.weights[0] = 0.1f;
  const std::string text = liveness_model_text(m);
  EXPECT_NE(text.find("[0.1,"), std::string::npos) << "0.1f as 0.1, not as the double 0.10000000149011612";
}

TEST(KernelHead, SeparatesWhatALinearHeadCannotAndIsDeterministic) {
  // Live inside a shell, spoofs both inside and outside it: no line separates them.
  std::vector<std::vector<float>> x;
  std::vector<bool> live;
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 0.15f);
  for (int i = 0; i < 120; ++i) {
    const float radius = i % 3 == 0 ? 0.0f : i % 3 == 1 ? 1.0f : 2.0f;
    const float angle = static_cast<float>(i) * 0.7f;
    x.push_back({radius * std::cos(angle) + noise(rng), radius * std::sin(angle) + noise(rng)});
    live.push_back(i % 3 == 1);
  }
  const auto head = train_kernel_head(x, live, 10.0, 1.0);
  int right = 0;
  for (size_t i = 0; i < x.size(); ++i) right += (head.margin(x[i]) > 0) == live[i];
  EXPECT_GE(right, 110) << "of 120";
  EXPECT_GT(head.margin({0.0f, 1.0f}), 0.0) << "a higher margin is live";
  EXPECT_LT(head.margin({0.0f, 0.0f}), 0.0);
  const auto again = train_kernel_head(x, live, 10.0, 1.0);
  EXPECT_EQ(again.alpha, head.alpha);
  EXPECT_EQ(again.support, head.support);
  EXPECT_THROW(train_kernel_head(x, std::vector<bool>(x.size(), false), 10.0, 1.0), std::invalid_argument);
}

TEST(LivenessModel, ASiteHeadScoresFramesSavesAndLoads) {
  test::TempDir dir;
  auto m = trained_model();
  std::vector<std::vector<float>> scene;
  std::vector<bool> live;
  synthetic(60, static_cast<size_t>(scene_feature_count()), scene, live, 4);
  for (size_t i = 0; i < live.size(); ++i) live[i] = !live[i];  // the opposite of the scene head: this site is odd
  m.site = train_kernel_head(scene, live, 1.0, 1.0 / scene_feature_count());
  m.site->platt_a = 0.7;
  m.threshold = 0.42;
  EXPECT_GT(m.score(features(-1.0f)), 0.5) << "the site head, not the scene head, scores a frame";
  EXPECT_DOUBLE_EQ(m.score({features(-1.0f).face, {}}), m.face.probability(features(-1.0f).face))
      << "a face crop still goes to the face head";
  ASSERT_FALSE(write_file_atomically(dir / "site.json", liveness_model_text(m)));
  auto loaded = load_liveness_model(dir / "site.json", "");
  ASSERT_TRUE(std::holds_alternative<LivenessModel>(loaded)) << std::get<std::string>(loaded);
  const auto& l = std::get<LivenessModel>(loaded);
  ASSERT_TRUE(l.site);
  for (float level : {-1.0f, 0.2f, 1.0f}) EXPECT_DOUBLE_EQ(l.score(features(level)), m.score(features(level)));
  EXPECT_DOUBLE_EQ(l.threshold, 0.42);

  auto text = test::read_file(dir / "site.json");
  text.replace(text.find("\"gamma\""), 7, "\"gamme\"");
  test::write_file(dir / "broken.json", text);
  loaded = load_liveness_model(dir / "broken.json", "");
  ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
  EXPECT_NE(std::get<std::string>(loaded).find("'gamma' is missing"), std::string::npos) << std::get<std::string>(loaded);
}

std::string load_error(const std::filesystem::path& file, const std::string& sha = "") {
  auto loaded = load_liveness_model(file, sha);
  return std::holds_alternative<std::string>(loaded) ? std::get<std::string>(loaded) : "(loaded)";
}

TEST(LivenessModel, RefusesAMissingSwappedOrBrokenFile) {
  test::TempDir dir;
  ASSERT_FALSE(write_file_atomically(dir / "m.json", liveness_model_text(trained_model())));
  EXPECT_NE(load_error(dir / "absent.json").find("is missing"), std::string::npos);
  EXPECT_NE(load_error(dir / "m.json", std::string(64, 'a')).find("sha256"), std::string::npos);

  const std::string text = test::read_file(dir / "m.json");
  test::write_file(dir / "cut.json", text.substr(0, text.size() / 2));
  EXPECT_NE(load_error(dir / "cut.json").find("malformed"), std::string::npos) << load_error(dir / "cut.json");

  auto j = nlohmann::json::parse(text);
  j["scene_head"]["weights"].erase(0);
  test::write_file(dir / "short.json", j.dump());
  EXPECT_NE(load_error(dir / "short.json").find("'weights' has"), std::string::npos) << load_error(dir / "short.json");

  j = nlohmann::json::parse(text);
  j["format"] = "something-else";
  test::write_file(dir / "other.json", j.dump());
  EXPECT_NE(load_error(dir / "other.json").find("is not a portier-liveness/2 file"), std::string::npos);

  j = nlohmann::json::parse(text);
  j["threshold"] = 3;
  test::write_file(dir / "threshold.json", j.dump());
  EXPECT_NE(load_error(dir / "threshold.json").find("'threshold'"), std::string::npos);
}

TEST(LivenessModel, TheShippedModelMatchesItsPinnedChecksum) {
  const auto file = test::kSourceDir / "models" / "data" / kLivenessModel.name;
  auto loaded = load_liveness_model(file, kLivenessModel.sha256);
  ASSERT_TRUE(std::holds_alternative<LivenessModel>(loaded)) << std::get<std::string>(loaded);
  EXPECT_GT(std::get<LivenessModel>(loaded).threshold, 0.0);
}

}  // namespace
}  // namespace portier
